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
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.reference import ILLUSTRATIVE_NOTICE, KOSOVO_FOOTNOTE
from indicators.domain.settings import setting_float, setting_int
from ui import data, language, layout


def rules(module) -> str:  # noqa: ANN001 (a module of indicators.compute)
    """A module's documentation, the rules of its figures, in the language shown: the English docstring is the
    message id (its French text is in the catalogue of the figures, indicators/compute)."""
    return _(inspect.cleandoc(module.__doc__ or ""))


def ratio(value: float) -> str:
    """A setting such as 1.5 as written (``{:g}``), a decimal comma in French."""
    return format(value, "g") if i18n.language() == i18n.SOURCE_LANGUAGE else i18n.number(value, 6)


layout.page_header(_("Method"), _("How each figure is computed. The rules below are the code's own documentation."))

st.subheader(_("The data shown"))
meta = data.approved_meta()
if meta is None:
    layout.nothing_to_show(_("No version is approved yet."))
else:
    st.markdown(
        _("Version **{version}** (file “{file}”), approved on {when} by {who}.").format(
            version=layout.md(meta["id"]),
            file=layout.md(meta.get("file_name")),
            when=layout.md(meta.get("approved_at")),
            who=layout.md(meta.get("approved_by")),
        )
        + (f"\n\n{_(ILLUSTRATIVE_NOTICE)}" if meta.get("illustrative") else "")
    )

st.subheader(_("Progress and status"))
st.latex(_(r"\text{progress} = \frac{\text{actual} - \text{baseline}}{\text{target} - \text{baseline}}"))
thresholds = Thresholds.from_settings()
st.markdown(
    _(
        "Achieved at progress ≥ {achieved}; on track at ≥ {on_track}; at risk at ≥ {at_risk}; below that, off "
        "track (settings STATUS_ACHIEVED, STATUS_ON_TRACK, STATUS_AT_RISK)."
    ).format(
        achieved=language.percent(thresholds.achieved),
        on_track=language.percent(thresholds.on_track),
        at_risk=language.percent(thresholds.at_risk),
    )
)
st.markdown(rules(progress))
layout.table(
    status_table(),
    {"symbol": layout.column(N_("Symbol")), "label": layout.column(N_("Status")), "code": layout.column(N_("Code"))},
    key="statuses",
)

st.subheader(_("Progress to the end-of-action target and forecast"))
st.markdown(rules(forecast))
st.subheader(_("Explanations and target revisions"))
over = setting_float("OVER_ACHIEVED")
st.markdown(
    rules(annotations)
    + "\n\n"
    + _("OVER_ACHIEVED is {value} ({percent}).").format(value=ratio(over), percent=language.percent(over))
)
st.subheader(_("Regional roll-ups"))
st.markdown(rules(rollup))
st.subheader(_("Data quality"))
jump = setting_float("QUALITY_JUMP_FACTOR")
st.markdown(rules(quality) + "\n\n" + _("QUALITY_JUMP_FACTOR is {value}.").format(value=ratio(jump)))
st.subheader(_("Work-plan delivery"))
st.markdown(rules(workplan))
st.subheader(_("Reporting completeness"))
st.markdown(rules(completeness))
st.subheader(_("What donors see"))
st.markdown(
    _("Threshold: counts below {count} (setting SUPPRESS_BELOW).").format(count=setting_int("SUPPRESS_BELOW"))
    + "\n\n"
    + rules(suppression)
)

st.subheader(_("Where the data come from"))
programme = data.approved()
if programme is not None:
    st.markdown(
        _(
            "The demo programme is illustrative. Steering Committee meetings marked as not illustrative "
            "(the 2nd, Skopje, 17 Oct 2023, and the 4th, Podgorica, 30 Oct 2024) are taken from Council of "
            "Europe news releases; the source of each is listed."
        )
    )
    layout.table(layout.readable(programme.meetings), layout.PROVENANCE_COLUMNS, key="provenance")

st.subheader("Kosovo*")
st.markdown(_(KOSOVO_FOOTNOTE))
