"""Chart builders are checked on their data: traces, values, colours by status, symbols and names."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.compute.progress import STATUS_BY_CODE, STATUSES
from indicators.present import charts

S1, S2, S3 = "2024NovS1", "2024NovS2", "2025NovS1"


def progress_rows(rows: list[tuple]) -> pd.DataFrame:
    """A progress frame from (indicator_id, beneficiary, semester, baseline, target, actual, status) tuples."""
    frame = pd.DataFrame(
        rows, columns=["indicator_id", "beneficiary", "semester", "baseline", "target", "actual", "status"]
    )
    return frame.assign(
        title="Prison staff trained",
        unit="staff",
        measure="count",
        aggregation="sum",
        progress_display=0.5,
        status_label=frame["status"].map(lambda s: STATUS_BY_CODE[s].label),
        status_symbol=frame["status"].map(lambda s: STATUS_BY_CODE[s].symbol),
    )


MATRIX = progress_rows(
    [
        ("IND-01", "ALB", S3, 0, 10, 12, "achieved"),
        ("IND-01", "XKX", S3, 0, 10, 5, "at_risk"),
        ("IND-02", "ALB", S3, 0, 10, None, "no_data"),
        ("IND-02", "XKX", S3, 0, 10, 8, "on_track"),
        ("IND-02", "SRB", S3, 0, 10, 1, "off_track"),
    ]
)


def trace_named(fig: go.Figure, start: str) -> go.BaseTraceType:
    return next(t for t in fig.data if t.name.startswith(start))


def test_status_matrix_has_one_trace_per_status_coloured_and_marked_by_it():
    fig = charts.status_matrix_figure(MATRIX)
    assert [t.name for t in fig.data] == ["✔ Achieved", "● On track", "▲ At risk", "✖ Off track", "○ No data"]
    for trace in fig.data:
        status = next(s for s in STATUSES if trace.name == f"{s.symbol} {s.label}")
        assert trace.marker.color == status.colour
        assert set(trace.text) == {status.symbol}
    at_risk = trace_named(fig, "▲")
    assert list(at_risk.x) == ["Kosovo*"] and list(at_risk.y) == ["IND-01 · Prison staff trained"]
    assert list(fig.layout.xaxis.categoryarray) == ["Albania", "Kosovo*", "Serbia"]
    assert "XKX" not in str(fig.to_dict())


def test_status_matrix_caption_counts_statuses_and_names_the_semester():
    caption = charts.figure_caption(charts.status_matrix_figure(MATRIX))
    assert "2 indicators across 3 beneficiaries" in caption
    assert "Nov 2024 – Apr 2025" in caption
    assert "1 ▲ at risk" in caption


@pytest.mark.parametrize(
    "builder",
    [
        charts.status_matrix_figure,
        charts.trend_figure,
        charts.indicator_across_figure,
        charts.delivery_figure,
        charts.timeline_figure,
        charts.completeness_figure,
    ],
)
def test_empty_frames_give_a_titled_figure_that_says_so(builder):
    fig = builder(pd.DataFrame())
    assert fig.layout.title.text
    assert "No" in charts.figure_caption(fig)
    assert len(fig.data) == 0


def test_trend_orders_semesters_and_draws_actual_target_and_baseline():
    rows = progress_rows(
        [
            ("IND-01", "XKX", S3, 2, 10, 9, "on_track"),
            ("IND-01", "XKX", S1, 2, 4, 5, "achieved"),
            ("IND-01", "XKX", S2, 2, 6, None, "no_data"),
        ]
    )
    fig = charts.trend_figure(rows)
    assert [t.name for t in fig.data] == ["Baseline", "Target", "Actual (symbol = status)"]
    actual = trace_named(fig, "Actual")
    assert list(actual.x) == ["Nov 2023 – Apr 2024", "May 2024 – Oct 2024", "Nov 2024 – Apr 2025"]
    assert list(actual.y)[0] == 5 and pd.isna(list(actual.y)[1]) and list(actual.y)[2] == 9
    assert list(actual.text) == ["✔", "○", "●"]
    assert list(actual.marker.color) == [STATUS_BY_CODE[s].colour for s in ("achieved", "no_data", "on_track")]
    assert list(trace_named(fig, "Target").y) == [4, 6, 10]
    assert list(trace_named(fig, "Baseline").y) == [2, 2, 2]
    assert "Kosovo*" in fig.layout.title.text
    assert "actual 9 against a target of 10" in charts.figure_caption(fig)


def test_trend_hover_uses_donor_display_when_suppressed():
    rows = progress_rows([("IND-03", "MNE", S3, 0, 10, None, "on_track")]).assign(actual_display="<5", suppressed=True)
    actual = trace_named(charts.trend_figure(rows), "Actual")
    assert actual.customdata[0][0] == "&lt;5"  # escaped for plotly, which shows it as <5


def test_indicator_across_draws_a_line_per_beneficiary_and_the_regional_target():
    rows = progress_rows(
        [
            ("IND-01", "SRB", S2, 0, 5, 3, "at_risk"),
            ("IND-01", "ALB", S2, 0, 5, 4, "on_track"),
            ("IND-01", "ALB", S3, 0, 10, 11, "achieved"),
            ("IND-01", "XKX", S3, 0, 10, 10, "achieved"),
        ]
    )
    regional = pd.DataFrame(
        {
            "indicator_id": ["IND-01"] * 2,
            "semester": [S3, S2],
            "aggregation": ["sum"] * 2,
            "target": [20.0, 10.0],
            "actual": [21.0, 7.0],
        }
    )
    fig = charts.indicator_across_figure(rows, regional)
    assert [t.name for t in fig.data] == ["Albania", "Kosovo*", "Serbia", "Regional target", "Regional actual"]
    assert list(trace_named(fig, "Albania").y) == [4, 11]
    assert trace_named(fig, "Kosovo*").line.color == charts.BENEFICIARY_COLOURS["XKX"]
    assert list(trace_named(fig, "Regional target").y) == [10.0, 20.0]
    assert "regional target of 20" in charts.figure_caption(fig)


def test_donor_trend_caption_names_the_latest_semester_with_data_and_reads_a_hidden_count_as_hidden():
    rows = progress_rows(
        [
            ("IND-13", "MNE", S1, 0, 4, 0, "off_track"),
            ("IND-13", "MNE", S2, 0, 6, None, "suppressed"),
            ("IND-13", "MNE", S3, 0, None, None, "suppressed"),
        ]
    ).assign(actual_display=["0", "<5", "no report"], suppressed=[False, True, True])
    caption = charts.figure_caption(charts.trend_figure(rows))
    assert "latest semester with data (May 2024 – Oct 2024): actual <5 (hidden) against a target of 6" in caption
    assert "–" not in caption.replace(" – ", " "), "no dash stands for a figure"
    rows = rows.assign(actual_display=["0", "[c]", "no report"])
    assert "actual hidden against a target of 6" in charts.figure_caption(charts.trend_figure(rows))


def test_donor_across_caption_never_writes_a_hidden_count_as_zero():
    rows = progress_rows(
        [
            ("IND-13", "BIH", S1, 0, 1, 0, "off_track"),
            ("IND-13", "BIH", S2, 0, 2, None, "suppressed"),
            ("IND-13", "XKX", S1, 0, 1, 0, "off_track"),
            ("IND-13", "XKX", S2, 0, 2, None, "suppressed"),
            ("IND-13", "SRB", S2, 0, 2, None, "no_data"),
            ("IND-13", "SRB", S3, 0, 2, None, "no_data"),
        ]
    ).assign(actual_display=["0", "<5", "0", "[c]", "no report", "no report"])
    regional = pd.DataFrame(
        {"indicator_id": ["IND-13"] * 2, "semester": [S1, S2], "aggregation": ["sum"] * 2, "target": [2.0, 4.0],
         "actual": [0.0, None], "actual_display": ["0", "[c]"]}
    )  # fmt: skip
    caption = charts.figure_caption(charts.indicator_across_figure(rows, regional))
    assert "May 2024 – Oct 2024 (the latest semester with data)" in caption
    assert "Bosnia and Herzegovina <5 (hidden), Kosovo* hidden, Serbia not reported" in caption
    assert "Regional (sum) in May 2024 – Oct 2024: hidden against a regional target of 4" in caption
    later = pd.concat([regional, regional.iloc[[0]].assign(semester=S3, actual=None, actual_display="[c]")])
    assert "in May 2024 – Oct 2024: hidden" in charts.figure_caption(charts.indicator_across_figure(rows, later))
    assert " 0" not in caption


def test_hidden_and_no_data_differ_in_symbol_and_word():
    hidden, none = STATUS_BY_CODE["suppressed"], STATUS_BY_CODE["no_data"]
    assert hidden.symbol != none.symbol and hidden.label != none.label
    assert {hidden.symbol, none.symbol} <= {"⊘", "○"}


def test_indicator_across_leaves_out_regional_lines_in_other_units():
    rows = progress_rows([("IND-05", "ALB", S3, 0, 1, 1, "achieved")])
    regional = pd.DataFrame(
        {
            "indicator_id": ["IND-05"],
            "semester": [S3],
            "aggregation": ["count_meeting_target"],
            "target": [6.0],
            "actual": [1.0],
        }
    )
    assert [t.name for t in charts.indicator_across_figure(rows, regional).data] == ["Albania"]


def test_sex_split_stacks_female_and_male_by_beneficiary():
    values = pd.DataFrame(
        {
            "indicator_id": ["IND-02"] * 5,
            "beneficiary": ["XKX", "XKX", "ALB", "ALB", "ALB"],
            "semester": [S3] * 5,
            "sex": ["female", "male", "female", "male", "total"],
            "value": [3.0, 7.0, 5.0, 5.0, 10.0],
        }
    )
    fig = charts.sex_split_figure(values)
    assert fig.layout.barmode == "stack"
    female, male = fig.data
    assert (female.name, male.name) == ("Female", "Male")
    assert list(female.x) == ["Albania", "Kosovo*"] and list(female.y) == [5.0, 3.0]
    assert list(male.y) == [5.0, 7.0]
    assert female.marker.pattern.shape != male.marker.pattern.shape
    assert "8 female and 12 male; 40% female" in charts.figure_caption(fig)


def test_sex_split_uses_two_level_axis_over_several_semesters():
    values = pd.DataFrame(
        {
            "indicator_id": ["I"] * 2,
            "beneficiary": ["ALB"] * 2,
            "semester": [S3, S2],
            "sex": ["female", "female"],
            "value": [1.0, 2.0],
        }
    )
    female = charts.sex_split_figure(values).data[0]
    assert [list(level) for level in female.x] == [
        ["May 2024 – Oct 2024", "Nov 2024 – Apr 2025"],
        ["Albania", "Albania"],
    ]


DELIVERY = pd.DataFrame(
    {
        "semester": [S3, S3, S2],
        "beneficiary": ["XKX", "ALB", "ALB"],
        "planned": [4, 3, 2],
        "completed": [2, 3, 1],
        "ongoing": [1, 0, 0],
        "postponed": [0, 0, 1],
        "cancelled": [1, 0, 0],
        "not_started": [0, 0, 0],
        "delivery_rate": [2 / 3, 1.0, 0.5],
    }
)


def test_delivery_stacks_statuses_per_beneficiary_with_rate_in_the_name():
    fig = charts.delivery_figure(DELIVERY[DELIVERY["semester"] == S3])
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == [
        "✔ Completed",
        "◐ Ongoing",
        "○ Planned, not started",
        "→ Postponed (carried over)",
        "✖ Cancelled",
    ]
    completed = trace_named(fig, "✔")
    assert list(completed.y) == ["Albania · 100%", "Kosovo* · 67%"]
    assert list(completed.x) == [3, 2]
    assert completed.marker.color == charts.ACTIVITY_STYLES["completed"].colour
    assert len({t.marker.pattern.shape for t in fig.data}) == len(fig.data)
    assert charts.figure_caption(fig).startswith("5 of 7 planned activities completed")


def test_delivery_adds_up_semesters_per_beneficiary():
    completed = trace_named(charts.delivery_figure(DELIVERY), "✔")
    assert list(completed.x) == [4, 2]


ACTIVITIES = pd.DataFrame(
    {
        "activity_id": ["A1", "A1", "A2", "A3"],
        "semester": [S2, S3, S3, S3],
        "beneficiary": ["MNE", "MNE", "XKX", "ALB"],
        "title": ["Training", "Training", "Study visit", "Manual"],
        "status": ["postponed", "completed", "ongoing", "cancelled"],
    }
)


def test_timeline_marks_each_status_and_joins_carried_over_activities():
    fig = charts.timeline_figure(ACTIVITIES)
    names = [t.name for t in fig.data]
    assert names[0].startswith("→ Carried over")
    carried = fig.data[0]
    assert list(carried.y) == ["A1 · Montenegro", "A1 · Montenegro", None]
    postponed = trace_named(fig, "→ Postponed")
    assert postponed.marker.symbol == "triangle-right" and list(postponed.x) == ["May 2024 – Oct 2024"]
    assert list(trace_named(fig, "◐").y) == ["A2 · Kosovo*"]
    assert list(fig.layout.yaxis.categoryarray) == ["A3 · Albania", "A2 · Kosovo*", "A1 · Montenegro"]
    assert len({t.marker.symbol for t in fig.data[1:]}) == len(fig.data) - 1


def test_completeness_shows_percent_and_counts_per_beneficiary():
    frame = pd.DataFrame(
        {
            "semester": [S3, S3],
            "beneficiary": ["XKX", "ALB"],
            "expected": [4, 5],
            "reported": [3, 5],
            "missing": [1, 0],
            "completeness": [0.75, 1.0],
        }
    )
    fig = charts.completeness_figure(frame)
    (bars,) = fig.data
    assert list(bars.x) == ["Albania", "Kosovo*"]
    assert list(bars.y) == [100, 75]
    assert list(bars.text) == ["5/5", "3/4"]
    assert "8 of 9 expected reports received (89%)" in charts.figure_caption(fig)


@pytest.mark.parametrize(
    ("background", "expected"),
    [("#000000", "#FFFFFF"), ("#F0E442", "#000000"), ("#0072B2", "#FFFFFF"), ("#DDDDDD", "#000000")],
)
def test_text_colour_contrasts_with_background(background, expected):
    assert charts.text_colour(background) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [([S3, S1, S2, S1], [S1, S2, S3]), (["nonsense", S1], [S1, "nonsense"]), ([], [])],
)
def test_semester_order(given, expected):
    assert charts.semester_order(given) == expected


def test_status_colours_are_okabe_ito_or_greys():
    allowed = set(charts.OKABE_ITO.values()) | {"#DDDDDD"}
    assert {s.colour for s in STATUSES} <= allowed


def test_status_matrix_keeps_the_order_indicators_come_in() -> None:
    rows = pd.DataFrame(
        {
            "indicator_id": ["I9", "I9", "I1", "I5"],
            "beneficiary": ["ALB", "SRB", "ALB", "ALB"],
            "semester": "2025NovS1",
            "title": "T",
            "status": ["off_track", "achieved", "at_risk", "achieved"],
            "progress_display": [0.1, 1.0, 0.5, 1.0],
        }
    )
    assert list(charts.status_matrix_figure(rows).layout.yaxis.categoryarray) == ["I9 · T", "I1 · T", "I5 · T"]


@pytest.mark.parametrize(
    ("title", "row"),
    [
        ("Prison staff trained", "IND-01 · Prison staff trained"),
        ("", "IND-01"),
        (
            "Number of  prison   staff\ntrained in risk assessment and case management",
            "IND-01 · Number of prison staff trained in…",
        ),
        ("A" * 60, "IND-01 · " + "A" * 35 + "…"),
    ],
)
def test_status_matrix_rows_name_the_indicator_in_a_short_title(title: str, row: str) -> None:
    assert charts.matrix_row_label("IND-01", title) == row


MARKUP = "<a href='http://example.org/x'>t</a> <img src=x> <b>b</b>"


@pytest.mark.parametrize(
    "figure",
    [
        lambda: charts.status_matrix_figure(MATRIX.assign(title=MARKUP, indicator_id="IND <b>1</b>")),
        lambda: charts.trend_figure(MATRIX.head(1).assign(unit=MARKUP, indicator_id="IND <b>1</b>")),
        lambda: charts.indicator_across_figure(MATRIX.assign(unit=MARKUP, indicator_id="IND <b>1</b>")),
        lambda: charts.timeline_figure(ACTIVITIES.assign(title=MARKUP, activity_id="<i>A</i>")),
        lambda: charts.status_matrix_figure(MATRIX.assign(title=MARKUP, indicator_id="IND <b>1</b>"), compact=True),
        lambda: charts.timeline_figure(ACTIVITIES.assign(title=MARKUP, activity_id="<i>A</i>"), compact=True),
    ],
)
def test_text_from_the_workbook_is_never_plotly_markup(figure):
    """Plotly reads <a>, <b>, <br> and a few more tags in titles, ticks and hover labels: data is escaped."""
    shown = json.dumps(figure().to_plotly_json()["data"]) + json.dumps(figure().layout.to_plotly_json())
    caption = charts.figure_caption(figure())
    shown = shown.replace(json.dumps(caption)[1:-1], "")  # the caption is not drawn by plotly (st.caption is)
    for tag in ("<a href", "<img", "<b>", "<i>"):
        assert tag not in shown
    assert "&lt;" in shown


PHONE_PX = 358  # what a 390 px phone leaves for a chart inside the page's margins (ui/style.PHONE_CONTENT_PX)
CHAR_EM = 0.6  # an average character of the chart's sans-serif font, in ems
ALL = ["ALB", "BIH", "XKX", "MNE", "MKD", "SRB", "REG"]
LONG_TITLES = [
    "Incidents of radicalisation-related violence reported in prisons",
    "National framework for managing VEPs aligned with European standards adopted",
]
SEVEN = progress_rows([(f"IND-0{i + 1}", code, S3, 0, 10, 5, "on_track") for i in range(2) for code in ALL]).assign(
    title=[t for t in LONG_TITLES for _ in ALL]
)


def width_needed(fig: go.Figure) -> float:
    """The narrowest a status matrix can be drawn without its cells overlapping: its row labels, its side margins,
    and per beneficiary one cell's square and a gap."""
    font = fig.layout.yaxis.tickfont.size or fig.layout.font.size
    labels = max(len(str(row)) for row in fig.layout.yaxis.categoryarray) * CHAR_EM * font
    cell = max(trace.marker.size for trace in fig.data)
    return fig.layout.margin.l + fig.layout.margin.r + labels + len(fig.layout.xaxis.categoryarray) * (cell + 4)


def test_the_wide_status_matrix_does_not_fit_a_phone_and_the_compact_one_does() -> None:
    wide, compact = charts.status_matrix_figure(SEVEN), charts.status_matrix_figure(SEVEN, compact=True)
    assert width_needed(wide) > PHONE_PX  # its cells would pile into a strip (issue 22)
    assert width_needed(compact) <= PHONE_PX
    assert len(compact.layout.xaxis.categoryarray) == 7


def test_the_compact_status_matrix_names_rows_by_code_and_stands_the_names_above() -> None:
    fig = charts.status_matrix_figure(SEVEN, compact=True)
    assert list(fig.layout.yaxis.categoryarray) == ["IND-01", "IND-02"]
    assert all(LONG_TITLES[0] in str(t.customdata) for t in fig.data)  # the whole title is in the tap label
    assert fig.layout.xaxis.tickangle == -90 and fig.layout.xaxis.side == "top"
    longest = max(len(n) for n in fig.layout.xaxis.categoryarray)  # Bosnia and Herzegovina
    assert fig.layout.margin.t >= longest * CHAR_EM * fig.layout.xaxis.tickfont.size + 20  # room for it
    assert charts.figure_caption(fig) == charts.figure_caption(charts.status_matrix_figure(SEVEN))
    assert [t.name for t in fig.data] == [t.name for t in charts.status_matrix_figure(SEVEN).data]


@pytest.mark.parametrize(
    "figure",
    [
        lambda: charts.trend_figure(progress_rows([("IND-01", "ALB", s, 0, 10, 5, "on_track") for s in EIGHT])),
        lambda: charts.indicator_across_figure(
            progress_rows([("IND-01", c, s, 0, 10, 5, "on_track") for s in EIGHT for c in ("ALB", "SRB")])
        ),
        lambda: charts.timeline_figure(ACTIVITIES),
    ],
)
def test_semester_labels_stand_up_rather_than_overlap(figure) -> None:
    """Eight semesters on two lines each need about 560 px level: on a phone plotly stands them up (it picks the
    first angle of autotickangles at which they do not overlap), and the figure makes room for them."""
    axis = figure().layout.xaxis
    assert axis.tickangle is None  # not fixed level: plotly turns them when they would overlap
    assert list(axis.autotickangles) == [0, 90] and axis.automargin is True


EIGHT = [f"{year}NovS{half}" for year in (2024, 2025, 2026, 2027) for half in (1, 2)]


def test_legends_stand_at_the_foot_of_the_figure_below_any_axis_labels() -> None:
    for fig in (charts.trend_figure(MATRIX.head(1)), charts.status_matrix_figure(MATRIX)):
        assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
        assert fig.layout.legend.yanchor == "bottom"


def test_the_compact_timeline_names_rows_by_code_under_a_heading_per_beneficiary() -> None:
    wide, compact = charts.timeline_figure(ACTIVITIES), charts.timeline_figure(ACTIVITIES, compact=True)
    longest = max(len(str(t)) for t in compact.layout.yaxis.ticktext)
    assert longest < min(len(str(c)) for c in wide.layout.yaxis.categoryarray)  # codes only: narrower labels
    assert set(compact.layout.yaxis.ticktext) - {""} == set(ACTIVITIES["activity_id"])
    names = {a.text for a in compact.layout.annotations}
    assert names == {charts.beneficiary_name(c) for c in ACTIVITIES["beneficiary"]}
    assert [t.name for t in compact.data if t.showlegend is not False] == [t.name for t in wide.data]
    assert compact.layout.xaxis.tickangle == -90 and "<br>" not in "".join(compact.layout.xaxis.ticktext)
    assert charts.figure_caption(compact) == charts.figure_caption(wide)


COMPLETENESS = pd.DataFrame(
    {"semester": [S3, S3], "beneficiary": ["XKX", "ALB"], "expected": [4, 5], "reported": [3, 5], "missing": [1, 0]}
)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("caption", "figure", "frame"),
    [
        (charts.status_matrix_caption, charts.status_matrix_figure, MATRIX),
        (charts.delivery_caption, charts.delivery_figure, DELIVERY),
        (charts.completeness_caption, charts.completeness_figure, COMPLETENESS),
        (charts.status_matrix_caption, charts.status_matrix_figure, pd.DataFrame()),
        (charts.delivery_caption, charts.delivery_figure, pd.DataFrame()),
        (charts.completeness_caption, charts.completeness_figure, pd.DataFrame()),
    ],
)
def test_a_caption_without_its_figure_is_the_figures_caption(caption, figure, frame, language) -> None:  # noqa: ANN001
    """The report pack prints these captions under its own charts without building plotly figures."""
    from indicators.domain import i18n

    with i18n.using(language):
        assert caption(frame) == charts.figure_caption(figure(frame))


@pytest.mark.parametrize("compact", [False, True])
def test_figures_get_the_same_template_as_update_layout_would_give(monkeypatch, compact) -> None:
    """Figures get their template as plotly gives a new figure its default one (without validating it again):
    the figure sent is the same, byte for byte, as with ``update_layout(template=...)``."""
    made = [charts.status_matrix_figure(MATRIX, compact=compact), charts.empty_figure("Nothing")]
    monkeypatch.setattr(charts, "_with_template", lambda fig: fig.update_layout(template=charts.TEMPLATE))
    validated = [charts.status_matrix_figure(MATRIX, compact=compact), charts.empty_figure("Nothing")]
    assert [f.to_json() for f in made] == [f.to_json() for f in validated]
    assert made[0].layout.template.layout.plot_bgcolor == "white"  # plotly_white's, readable as before
