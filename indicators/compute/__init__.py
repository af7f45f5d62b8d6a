"""The computations: frames in, frames out, no I/O.

Progress against baselines and targets, regional roll-ups, work-plan delivery, reporting completeness,
headline figures and the donor suppression of small sensitive counts. Imports ``indicators.domain`` only.
"""
