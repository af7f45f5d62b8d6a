"""The Steering Committee slides as PowerPoint: a title slide, then a slide per section.

Written with python-pptx, whose charts are native PowerPoint chart objects (the numbers live in the
chart's own embedded workbook, so a programme officer can restyle or edit them) rather than pictures;
tables are native tables. Each chart's one-line caption (the same sentence the app shows under its
figure) is in the slide's speaker notes. Every slide carries the approved version, the audience, the
illustrative notice when the data is the demo, and the Kosovo* footnote. Every word is in the report's
language (``ReportContent.language``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from indicators.compute.progress import STATUSES
from indicators.domain.i18n import N_, _
from indicators.present.charts import (
    ACTIVITY_STYLES,
    completeness_caption,
    delivery_caption,
    status_matrix_caption,
)
from indicators.present.reports import tables as T
from indicators.present.reports import writing
from indicators.present.reports.content import DELIVERY_PARTS, ReportContent, in_its_language, method_notes

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
LEFT, TOP = Inches(0.5), Inches(1.25)
BODY_W, BODY_H = Inches(12.333), Inches(5.1)
ROWS_PER_SLIDE = 6
SMALLEST = 12  # points: no text on a slide is smaller (a projected slide is read from the back of the room)
DELIVERY_COLOURS = {  # workplan_delivery column: the app's colour for that activity status
    "completed": ACTIVITY_STYLES["completed"].colour,
    "ongoing": ACTIVITY_STYLES["ongoing"].colour,
    "not_started": ACTIVITY_STYLES["planned"].colour,
    "postponed": ACTIVITY_STYLES["postponed"].colour,
    "cancelled": ACTIVITY_STYLES["cancelled"].colour,
}
STATUS_CHART_SERIES = [s for s in STATUSES if s.code != "not_due"]


def _percent_format() -> str:
    """The number format of a chart's percentages (``46%``; ``46 %``)."""
    return '0"%"' if writing.english() else '0"' + writing.NNBSP + '%"'


def _share(value: float) -> str:
    """A share as the delivery chart's categories print it (``46%``; ``46 %``)."""
    return f"{value:.0%}" if writing.english() else writing.share(value)


def _widths(cols: Sequence[T.Col]) -> list[int]:
    """Column widths (EMU) in proportion to the columns' widths, each wide enough for its header's longest word
    at the table's size (a header word is never broken: 'Progress', not 'Progres / s')."""
    need = [Inches(0.13 * max((len(w) for w in col.label.split()), default=1) + 0.3) for col in cols]
    total = sum(c.width for c in cols)
    widths = [max(BODY_W * c.width / total, n) for c, n in zip(cols, need, strict=True)]
    fixed = sum(w for w, n in zip(widths, need, strict=True) if w == n)
    free = sum(w for w, n in zip(widths, need, strict=True) if w != n)
    scale = (BODY_W - fixed) / free if free else 1.0
    return [int(w if w == n else w * scale) for w, n in zip(widths, need, strict=True)]


def _sized(paragraph: object, size: int, bold: bool | None = None) -> None:
    """A paragraph's text at a size, set on every run (PowerPoint reads a run's own size, not the paragraph's
    default)."""
    for target in (paragraph, *paragraph.runs):
        target.font.size = Pt(size)
        if bold is not None:
            target.font.bold = bold


def _without_zero(number_format: str) -> str:
    """A number format that writes nothing for zero (positive; negative; zero sections)."""
    return f"{number_format};-{number_format};;"


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


class _Deck:
    def __init__(self, content: ReportContent) -> None:
        self.c = content
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.layout = self.prs.slide_layouts[5]  # title only

    def slide(self, title: str, notes: str = "") -> object:
        """A slide with its title (one message), the footer, and speaker notes ending with the figures' source."""
        slide = self.prs.slides.add_slide(self.layout)
        slide.shapes.title.text = title
        frame = slide.shapes.title.text_frame
        frame.word_wrap = True
        _sized(frame.paragraphs[0], 26)
        slide.shapes.title.left, slide.shapes.title.top = LEFT, Inches(0.25)
        slide.shapes.title.width, slide.shapes.title.height = BODY_W, Inches(0.9)
        self._footer(slide)
        slide.notes_slide.notes_text_frame.text = (notes + "\n\n" if notes else "") + self.source()
        return slide

    def source(self) -> str:
        """Where the slide's figures come from, for the speaker notes."""
        c = self.c
        text = _(
            "Source: approved data, version {version} of {day}, computed by the programme progress dashboard with "
            "the rules of the report's method annex ({audience})."
        ).format(version=c.source.version_id, day=c.source.approved_on, audience=c.audience_label)
        return text + (" " + c.illustrative_notice if c.illustrative_notice else "")

    def _footer(self, slide: object) -> None:
        box = slide.shapes.add_textbox(LEFT, Inches(6.45), BODY_W, Inches(1.0))
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = self.c.stamp
        _sized(frame.paragraphs[0], SMALLEST, bold=True)
        note = frame.add_paragraph()
        note.text = self.c.footnote
        _sized(note, SMALLEST)

    def text(self, slide: object, paragraphs: Sequence[tuple[str, str]], size: int = 14) -> None:
        box = slide.shapes.add_textbox(LEFT, TOP, BODY_W, BODY_H - Inches(0.2))
        frame = box.text_frame
        frame.word_wrap = True
        first = True
        for heading, text in paragraphs:
            p = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            if heading:
                run = p.add_run()
                run.text = heading + "  "
                run.font.bold = True
                run.font.size = Pt(size)
            run = p.add_run()
            run.text = text
            run.font.size = Pt(size)
            p.space_after = Pt(6)

    def table(
        self, slide: object, frame: pd.DataFrame, cols: Sequence[T.Col], top: Emu = TOP, height: Emu = BODY_H
    ) -> None:
        shape = slide.shapes.add_table(len(frame) + 1, len(cols), LEFT, top, BODY_W, Inches(0.4) * (len(frame) + 1))
        table = shape.table
        for j, (col, width) in enumerate(zip(cols, _widths(cols), strict=True)):
            table.columns[j].width = width
            cell = table.cell(0, j)
            cell.text = col.label
            _sized(cell.text_frame.paragraphs[0], SMALLEST, bold=True)
        for i, (_index, row) in enumerate(frame.iterrows(), start=1):
            for j, col in enumerate(cols):
                cell = table.cell(i, j)
                text = T.cell_text(row, col)
                cell.text = text if len(text) <= 70 else text[:68] + "…"  # the full text is in the PDF and workbook
                _sized(cell.text_frame.paragraphs[0], SMALLEST)

    def chart(
        self,
        slide: object,
        kind: object,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float], str]],
        number_format: str = "0",
        stacked: bool = False,
    ) -> object:
        data = CategoryChartData(number_format=number_format)
        data.categories = list(categories)
        for name, values, _colour in series:
            data.add_series(name, [float(v) for v in values])
        graphic = slide.shapes.add_chart(kind, LEFT, TOP, BODY_W, BODY_H, data)
        chart = graphic.chart
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.font.size = Pt(12)
        if kind == XL_CHART_TYPE.BAR_STACKED:
            chart.category_axis.reverse_order = True  # first beneficiary at the top, as in the app
        chart.value_axis.tick_labels.font.size = Pt(SMALLEST)
        chart.category_axis.tick_labels.font.size = Pt(SMALLEST)
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = _without_zero(number_format)  # a zero part of a bar gets no label
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(SMALLEST)
        if stacked:
            plot.overlap = 100
        plot.gap_width = 60
        for s, (_name, _values, colour) in zip(plot.series, series, strict=True):
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = _rgb(colour)
            s.format.line.color.rgb = RGBColor(0, 0, 0)
        return chart

    def bytes(self) -> bytes:
        props = self.prs.core_properties
        props.title = f"{self.c.title} ({self.c.audience_word})"
        props.subject = self.c.programme_title
        props.comments = self.c.stamp
        props.created = props.modified = self.c.generated_at.replace(tzinfo=None)
        props.last_modified_by = props.author = _(AUTHOR)
        props.revision = 1
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


AUTHOR = N_("Programme progress dashboard")


def _chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [frame.iloc[i : i + size] for i in range(0, max(len(frame), 1), size)]


@in_its_language
def slides_bytes(content: ReportContent) -> bytes:
    """The report as a .pptx deck in the report's language (see the module docstring)."""
    c = content
    deck = _Deck(c)
    cover = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    cover.shapes.title.text = c.title
    lines = [
        c.programme_title,
        _("Approved version {version} of {day}").format(version=c.source.version_id, day=c.source.approved_on),
        _("Donor edition: approved data, small sensitive counts suppressed") if c.donor else _("Programme management"),
    ]
    if c.illustrative_notice:
        lines.append(c.illustrative_notice)
    cover.shapes.title.left, cover.shapes.title.top = LEFT, Inches(0.8)
    cover.shapes.title.width, cover.shapes.title.height = BODY_W, Inches(1.4)
    body = cover.placeholders[1]
    body.left, body.top, body.width, body.height = LEFT, Inches(2.4), BODY_W, Inches(3.9)
    body.text = "\n".join(lines)
    for p in body.text_frame.paragraphs:
        _sized(p, 16)
    deck._footer(cover)
    cover.notes_slide.notes_text_frame.text = deck.source()

    if c.summary:
        slide = deck.slide(
            _("Summary, {semester}").format(semester=c.label),
            _("The summary is written from the figures of the following slides."),
        )
        deck.text(slide, [("", sentence) for sentence in c.summary], size=16 if len(c.summary) <= 5 else 14)
    if c.decisions:
        slide = deck.slide(_("Decisions for the Steering Committee"))
        deck.text(slide, [("", sentence) for sentence in c.decisions], size=20)

    slide = deck.slide(
        _("Headline figures, {semester}").format(semester=c.label),
        "; ".join(_("{figure}: {help}").format(figure=r.figure, help=r.help) for r in c.headlines.itertuples()),
    )
    deck.table(slide, c.headlines, [col for col in T.HEADLINES if col.key != "help"])
    percent = c.headlines[c.headlines["unit"] == "%"].dropna(subset=["value", "previous"])
    if len(percent):
        figures = "; ".join(
            _("{figure} {value} (previous {previous})").format(
                figure=r.figure, value=r.value_text, previous=r.previous_text
            )
            for r in percent.itertuples()
        )
        slide = deck.slide(
            _("This semester against the previous one"),
            _("Headline percentages this semester against the previous one: {figures}.").format(figures=figures),
        )
        data = CategoryChartData(number_format=_percent_format())
        data.categories = list(percent["figure"])
        data.add_series(_("Previous semester"), [float(v) for v in percent["previous"]])
        data.add_series(_("This semester"), [float(v) for v in percent["value"]])
        chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, LEFT, TOP, BODY_W, BODY_H, data).chart
        chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.BOTTOM, False
        chart.font.size = Pt(14)
        chart.plots[0].has_data_labels = True
        chart.plots[0].data_labels.number_format = _without_zero(_percent_format())
        chart.plots[0].data_labels.number_format_is_linked = False
        for s, colour in zip(chart.plots[0].series, ("#999999", "#0072B2"), strict=True):
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = _rgb(colour)

    counts = c.status_counts
    shown = [s for s in STATUS_CHART_SERIES if s.code in counts and counts[s.code].sum() > 0]
    slide = deck.slide(
        _("Indicator status by beneficiary, {semester}").format(semester=c.label),
        status_matrix_caption(c.status),
    )
    if len(counts) and shown:
        deck.chart(
            slide,
            XL_CHART_TYPE.BAR_STACKED,
            list(counts["beneficiary_name"]),
            [(f"{s.symbol} {s.label}", list(counts[s.code]), s.colour) for s in shown],
            stacked=True,
        )

    logframe_cols = [
        col
        for col in T.LOGFRAME
        if col.key
        not in ("level_label", "result_id", "result_title", "verification", "comment", "unit", "baseline_year")
    ]
    parts = _chunks(c.logframe, ROWS_PER_SLIDE)
    for i, part in enumerate(parts, start=1):
        sources = "; ".join(
            _("{indicator}: {source}").format(indicator=r.indicator_id, source=r.verification)
            for r in part.drop_duplicates("indicator_id").itertuples()
            if r.verification
        )
        slide = deck.slide(
            _("Results framework, {semester} ({part}/{parts})").format(semester=c.label, part=i, parts=len(parts)),
            _("Means of verification: {sources}.").format(sources=sources) if sources else "",
        )
        deck.table(slide, part, logframe_cols)

    slide = deck.slide(_("Work-plan delivery, {semester}").format(semester=c.label), delivery_caption(c.delivery))
    if len(c.delivery):
        deck.chart(
            slide,
            XL_CHART_TYPE.BAR_STACKED,
            [
                f"{n} · {_share(r)}" if r == r else n
                for n, r in zip(c.delivery["beneficiary_name"], c.delivery["delivery_rate"], strict=True)
            ],
            [(_(label), list(c.delivery[key]), DELIVERY_COLOURS[key]) for key, label in DELIVERY_PARTS.items()],
            stacked=True,
        )
    for i, part in enumerate(parts := _chunks(c.next_activities, ROWS_PER_SLIDE), start=1):
        slide = deck.slide(
            _("Work plan adopted for {semester} ({part}/{parts})").format(
                semester=c.next_label, part=i, parts=len(parts)
            )
        )
        deck.table(slide, part, [col for col in T.ACTIVITIES if col.key != "adopted_at"])

    slide = deck.slide(
        _("Reporting completeness, {semester}").format(semester=c.label),
        completeness_caption(c.completeness),
    )
    if len(c.completeness):
        deck.chart(
            slide,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            list(c.completeness["beneficiary_name"]),
            [
                (
                    _("Values reported, {percent} of expected").format(percent="%"),
                    list(100 * c.completeness["completeness"].fillna(0)),
                    "#0072B2",
                )
            ],
            number_format=_percent_format(),
        )

    slide = deck.slide(_("Steering Committee meetings"))
    deck.table(slide, c.meetings, [col for col in T.MEETINGS if col.key != "source"])

    slide = deck.slide(_("Method"))
    deck.text(slide, method_notes(c), size=12)
    return deck.bytes()
