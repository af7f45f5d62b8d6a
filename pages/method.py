"""Method: how every figure is computed, which data version is shown, and where the data come from."""

import inspect

import streamlit as st

from indicators.compute import (
    annotations,
    completeness,
    forecast,
    progress,
    quality,
    rollup,
    suppression,
    workplan,
)
from indicators.compute.progress import Thresholds, status_table
from indicators.domain.reference import ILLUSTRATIVE_NOTICE, KOSOVO_FOOTNOTE
from indicators.domain.settings import setting_float, setting_int
from ui import data, layout

layout.page_header("Method", "How each figure is computed. The rules below are the code's own documentation.")

st.subheader("The data shown")
meta = data.approved_meta()
if meta is None:
    layout.nothing_to_show("No version is approved yet.")
else:
    st.markdown(
        f"Version **{layout.md(meta['id'])}** (file “{layout.md(meta.get('file_name'))}”), approved on "
        f"{layout.md(meta.get('approved_at'))} by {layout.md(meta.get('approved_by'))}."
        + (f"\n\n{ILLUSTRATIVE_NOTICE}" if meta.get("illustrative") else "")
    )

st.subheader("Progress and status")
st.latex(r"\text{progress} = \frac{\text{actual} - \text{baseline}}{\text{target} - \text{baseline}}")
thresholds = Thresholds.from_settings()
st.markdown(
    f"Achieved at progress ≥ {thresholds.achieved:.0%}; on track at ≥ {thresholds.on_track:.0%}; at risk at "
    f"≥ {thresholds.at_risk:.0%}; below that, off track (settings STATUS_ACHIEVED, STATUS_ON_TRACK, STATUS_AT_RISK)."
)
st.markdown(inspect.cleandoc(progress.__doc__ or ""))
layout.table(
    status_table(),
    {"symbol": layout.column("Symbol"), "label": layout.column("Status"), "code": layout.column("Code")},
    key="statuses",
)

st.subheader("Progress to the end-of-action target and forecast")
st.markdown(inspect.cleandoc(forecast.__doc__ or ""))
st.subheader("Explanations and target revisions")
over = setting_float("OVER_ACHIEVED")
st.markdown(inspect.cleandoc(annotations.__doc__ or "") + f"\n\nOVER_ACHIEVED is {over:g} ({over:.0%}).")
st.subheader("Regional roll-ups")
st.markdown(inspect.cleandoc(rollup.__doc__ or ""))
st.subheader("Data quality")
jump = setting_float("QUALITY_JUMP_FACTOR")
st.markdown(inspect.cleandoc(quality.__doc__ or "") + f"\n\nQUALITY_JUMP_FACTOR is {jump:g}.")
st.subheader("Work-plan delivery")
st.markdown(inspect.cleandoc(workplan.__doc__ or ""))
st.subheader("Reporting completeness")
st.markdown(inspect.cleandoc(completeness.__doc__ or ""))
st.subheader("What donors see")
st.markdown(
    f"Threshold: counts below {setting_int('SUPPRESS_BELOW')} (setting SUPPRESS_BELOW).\n\n"
    + inspect.cleandoc(suppression.__doc__ or "")
)

st.subheader("Where the data come from")
programme = data.approved()
if programme is not None:
    st.markdown(
        "The demo programme is illustrative. Steering Committee meetings marked as not illustrative "
        "(the 2nd, Skopje, 17 Oct 2023, and the 4th, Podgorica, 30 Oct 2024) are taken from Council of "
        "Europe news releases; the source of each is listed."
    )
    layout.table(layout.readable(programme.meetings), layout.PROVENANCE_COLUMNS, key="provenance")

st.subheader("Kosovo*")
st.markdown(KOSOVO_FOOTNOTE)
