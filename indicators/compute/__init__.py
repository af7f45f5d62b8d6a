"""The computations: frames in, frames out, no I/O.

Progress against baselines and targets, regional roll-ups, work-plan delivery, reporting completeness,
headline figures, the donor suppression of small sensitive counts, and which indicators a page shows first.
Imports ``indicators.domain`` only.
"""
