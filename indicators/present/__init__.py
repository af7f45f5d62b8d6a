"""What people take away: plotly figures, inert CSV exports and the monitoring workbook template.

Builds on the computed frames; imports ``indicators.compute`` and ``indicators.domain`` only.
"""
