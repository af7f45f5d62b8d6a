"""The progress report as a PDF: A4, real text with embedded fonts, page numbers, contents, vector charts.

Laid out as HTML and CSS paged media and printed by WeasyPrint (uses Debian's pango; embeds subsets of the
fonts; the table of contents takes its page numbers from ``target-counter``; a named landscape page carries
the logframe's 15 columns). The charts are the app's own plotly figures (``present/charts.py``) drawn as SVG
by kaleido and embedded as vectors, so their text stays text. Every page carries the report's title, the
approved version, "Illustrative demo data" when it is, its page number, and the Kosovo* footnote (every
page names Kosovo*, or can: its tables and charts list the beneficiaries). Every text from the workbook
is escaped: data is never markup. Every word is the report's language (``ReportContent.language``); the
page numbers' words are in the document's own style sheet, so that the shared ``CSS`` holds no words.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence

import pandas as pd

from indicators.compute.progress import STATUSES
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.reference import BENEFICIARY_CODES, beneficiary_name
from indicators.present.charts import completeness_figure, delivery_figure, figure_caption, status_matrix_figure
from indicators.present.reports import tables as T
from indicators.present.reports import writing
from indicators.present.reports.content import ReportContent, in_its_language, method_notes
from indicators.present.reports.figures import figure_svg

CSS = """
@page {
  size: A4; margin: 20mm 15mm 24mm 15mm;
  @top-left { content: element(runhead); width: 100%; }
  @bottom-left { content: element(footnote); width: 150mm; }
  @bottom-right { font-size: 8pt; width: 30mm; }  /* content: page_numbers(), in the report's language */
}
@page wide { size: A4 landscape; }
@page cover { @top-left { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; line-height: 1.3; color: #000; }
.runhead { position: running(runhead); font-size: 7.5pt; color: #333; border-bottom: 0.4pt solid #999; }
.runhead .right { float: right; white-space: nowrap; }
table.compact { font-size: 7.3pt; }
table.compact th, table.compact td { padding: 0.6mm 1mm; }
.footnote { position: running(footnote); font-size: 6.5pt; color: #333; }
h1 { font-size: 20pt; margin: 0 0 4mm 0; }
h2 { font-size: 13pt; margin: 0 0 3mm 0; page-break-after: avoid; bookmark-level: 1; }
h3 { font-size: 10pt; margin: 4mm 0 2mm 0; page-break-after: avoid; bookmark-level: 2; }
section { page-break-before: always; }
section.wide { page: wide; }
section.cover { page: cover; page-break-before: auto; }
.cover .programme { font-size: 12pt; margin: 10mm 0 8mm 0; }
.cover dl { display: grid; grid-template-columns: 45mm auto; gap: 2mm 4mm; font-size: 10pt; }
.cover dt { font-weight: bold; }
.notice { border: 1.2pt solid #000; padding: 3mm; margin: 6mm 0; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm 0; table-layout: fixed; }
th, td { border: 0.4pt solid #777; padding: 1mm 1.2mm; vertical-align: top; text-align: left;
         overflow-wrap: break-word; }
th { background: #e6e6e6; font-weight: bold; hyphens: auto; }  /* 'Base-line', not 'Baselin e' */
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
table.logframe { font-size: 6.8pt; }
table.logframe td.level { font-weight: bold; background: #f3f3f3; }
.chart { width: 100%; margin: 0 0 1mm 0; }
.caption { font-size: 7.5pt; font-style: italic; margin: 0 0 4mm 0; }
.toc a { color: #000; text-decoration: none; }
.toc li { list-style: none; margin: 1.5mm 0; font-size: 10pt; }
.toc a::after { content: leader(".") target-counter(attr(href), page); }
.legend span { margin-right: 4mm; }
p.note { font-size: 8pt; }
"""


_POINT_AT = re.compile(r";? ?[Pp]oint at [^.]*")
# The verb of the app's captions that asks to point at the chart ("point at a cell for ..."), in the language of
# the captions (indicators/present/charts.py): the hint is left out on paper.
POINT_AT = N_("point at")


def _pointer_hint() -> re.Pattern[str]:
    if writing.english():
        return _POINT_AT
    verb = re.escape(_(POINT_AT))  # the English hint too: a caption the catalogue has no translation for
    return re.compile(_POINT_AT.pattern + r"|\s*;?\s*(?i:" + verb + r")\b[^.]*")


_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


def page_numbers() -> str:
    """The style of the page number in the current language: 'Page 3 of 20', 'Page 3 sur 20'."""
    words = _PLACEHOLDER.split(_("Page {page} of {pages}"))
    parts = [
        f"counter({part})" if i % 2 else '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for i, part in enumerate(words)
        if part or i % 2
    ]
    return "@page { @bottom-right { content: " + " ".join(parts) + "; } }"


def e(value: object) -> str:
    """Text as HTML text: escaped, never markup; missing values empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return ""
    return html.escape(str(value), quote=True)


def _colgroup(cols: Sequence[T.Col]) -> str:
    total = sum(c.width for c in cols)
    return "<colgroup>" + "".join(f'<col style="width:{100 * c.width / total:.1f}%">' for c in cols) + "</colgroup>"


def _cell(row: pd.Series, col: T.Col) -> str:
    text = T.cell_text(row, col)
    numeric = col.kind in ("figure", "share", "int") and len(text) < 16  # a qualitative answer wraps as text
    return f'<td class="{"num" if numeric else ""}">{e(text)}</td>'


def _table(frame: pd.DataFrame, cols: Sequence[T.Col], css_class: str = "") -> str:
    head = "".join(f"<th>{e(c.label)}</th>" for c in cols)
    body = []
    for _index, row in frame.iterrows():
        cells = []
        for c in cols:
            cells.append(_cell(row, c))
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        nothing = _("Nothing to show.")
        body = [f'<tr><td colspan="{len(cols)}">{e(nothing)}</td></tr>']
    return (
        f'<table class="{css_class}">{_colgroup(cols)}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _chart(fig: object, width: int = 900) -> str:
    svg = figure_svg(fig, width=width)  # type: ignore[arg-type]
    data = base64.b64encode(svg).decode()
    caption = _pointer_hint().sub("", figure_caption(fig))  # type: ignore[arg-type]  # no pointer on paper
    image = f'<img class="chart" alt="{e(caption)}" src="data:image/svg+xml;base64,{data}">'
    return f'{image}<p class="caption">{e(caption)}</p>'


def _cover(c: ReportContent) -> str:
    rows = [
        (_("Semester"), f"{c.label} ({c.semester})"),
        (
            _("Edition"),
            _("Donors: approved data, small sensitive counts suppressed") if c.donor else _("Programme management"),
        ),
        (
            _("Approved version"),
            _("{version}, approved {day}").format(version=c.source.version_id, day=c.source.approved_on),
        ),
        (_("Generated"), writing.moment(c.generated_at)),
    ]
    illustrative, facility = _("Illustrative data."), _(FACILITY)
    notice = (
        f'<div class="notice"><strong>{e(illustrative)}</strong> {e(c.illustrative_notice)}</div>'
        if c.illustrative_notice
        else ""
    )
    return (
        '<section class="cover">'
        f"<h1>{e(c.title)}</h1>"
        f'<div class="programme">{e(c.programme_title)}<br>{e(facility)}</div>'
        "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"
        f"{notice}"
        "</section>"
    )


FACILITY = N_(
    "Horizontal Facility for the Western Balkans and Türkiye, Phase III, co-funded by the European Union and the "
    "Council of Europe"
)
SECTIONS = (  # anchor: title (shown with _())
    ("headlines", N_("Headline figures")),
    ("status", N_("Indicator status")),
    ("logframe", N_("Results framework")),
    ("beneficiaries", N_("Beneficiaries")),
    ("workplan", N_("Work plan")),
    ("completeness", N_("Reporting completeness")),
    ("meetings", N_("Steering Committee meetings")),
    ("method", N_("Method annex")),
)


def _contents(c: ReportContent) -> str:
    titles = [(key, _(title)) for key, title in SECTIONS]
    items = "".join(f'<li><a href="#{key}">{e(title)}</a></li>' for key, title in titles)
    per = "".join(
        f'<li style="margin-left:6mm;font-size:9pt"><a href="#b-{code}">{e(beneficiary_name(code))}</a></li>'
        for code in _beneficiaries(c)
    )
    heading = _("Contents")
    return f'<section><h2>{e(heading)}</h2><ul class="toc">{items}</ul><ul class="toc">{per}</ul></section>'


def _beneficiaries(c: ReportContent) -> list[str]:
    present = set(c.status["beneficiary"])
    return [code for code in BENEFICIARY_CODES if code in present]


def _status(c: ReportContent) -> str:
    legend = " ".join(
        f"<span>{e(s.symbol)} {e(s.label)}</span>" for s in STATUSES if (c.status["status"] == s.code).any()
    )
    counts = c.status_counts
    cols = [T.Col(N_("Beneficiary"), "beneficiary_name")] + [
        T.Col(f"{s.symbol} {s.label}", s.code, "int") for s in STATUSES if s.code in counts and counts[s.code].sum()
    ]
    nothing = _("No indicator has a target or a value in this semester.")
    chart = _chart(status_matrix_figure(c.status)) if len(c.status) else f"<p>{e(nothing)}</p>"
    title = _("Indicator status, {semester}").format(semester=c.label)
    by = _("Indicators by status and beneficiary")
    return (
        f'<section><h2 id="status">{e(title)}</h2>{chart}'
        f'<p class="legend">{legend}</p><h3>{e(by)}</h3>{_table(counts, cols)}</section>'
    )


def _logframe(c: ReportContent) -> str:
    cols = [col for col in T.LOGFRAME if col.key not in ("level_label", "result_id", "result_title")]
    rows = []
    for (level, result_id, title), group in c.logframe.groupby(
        ["level_label", "result_id", "result_title"], sort=False
    ):
        heading = _("{level} · {result}: {title}").format(level=level, result=result_id, title=title)
        rows.append(f'<tr><td class="level" colspan="{len(cols)}">{e(heading)}</td></tr>')
        for _index, row in group.iterrows():
            cells = "".join(_cell(row, col) for col in cols)
            rows.append(f"<tr>{cells}</tr>")
    head = "".join(f"<th>{e(col.label)}</th>" for col in cols)
    note = _(
        "The logframe's indicators by level in the results chain: baseline and year, the target in force in the "
        "semester, the semester's actual (running total for cumulative counts), progress towards the target, and "
        "status as symbol and word. 'All beneficiaries' rows combine the six beneficiaries (see the method annex)."
    )
    title = _("Results framework, {semester}").format(semester=c.label)
    return (
        f'<section class="wide"><h2 id="logframe">{e(title)}</h2><p class="note">{e(note)}</p>'
        f'<table class="logframe">{_colgroup(cols)}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _words_in_comment(rows: pd.DataFrame) -> pd.DataFrame:
    """Qualitative answers printed in the wide Comment column, as the logframe does, not in the narrow Actual
    one (where a sentence breaks inside its words); Actual then reads "See comment"."""
    words = (rows["measure"] == "qualitative") & rows["text"].notna() & ~rows["suppressed"].astype(bool)
    comment = [
        "; ".join(part for part in (str(text), "" if pd.isna(note) else str(note)) if part) if moved else note
        for moved, text, note in zip(words, rows["text"], rows["comment"], strict=True)
    ]
    return rows.assign(comment=comment, actual_text=rows["actual_text"].mask(words, _("See comment")))


def _beneficiary_pages(c: ReportContent) -> str:
    pages = []
    for i, code in enumerate(_beneficiaries(c)):
        rows = _words_in_comment(c.status[c.status["beneficiary"] == code])
        anchor = ' id="beneficiaries"' if i == 0 else ""
        name = beneficiary_name(code)
        counts = ", ".join(
            f"{(rows['status'] == s.code).sum()} {s.symbol} {s.label.lower()}"
            for s in STATUSES
            if (rows["status"] == s.code).any()
        )
        before = _("Beneficiaries:") + " " if i == 0 else ""
        summary = _("{semester}: {counts}.").format(semester=c.label, counts=counts)
        pages.append(
            f'<section><h2{anchor}>{e(before)}<span id="b-{e(code)}">{e(name)}</span></h2>'
            f'<p class="note">{e(summary)}</p>{_table(rows, T.BENEFICIARY, "compact")}</section>'
        )
    return "".join(pages)


def _workplan(c: ReportContent) -> str:
    nothing = _("No activities were planned for this semester.")
    chart = _chart(delivery_figure(c.delivery)) if len(c.delivery) else f"<p>{e(nothing)}</p>"
    title = _("Work plan, {semester}").format(semester=c.label)
    activities = _("Activities of {semester}").format(semester=c.label)
    adopted = _("Work plan adopted for {semester}").format(semester=c.next_label)
    return (
        f'<section><h2 id="workplan">{e(title)}</h2>{chart}{_table(c.delivery, T.DELIVERY)}'
        f"<h3>{e(activities)}</h3>{_table(c.activities, T.ACTIVITIES)}"
        f"<h3>{e(adopted)}</h3>{_table(c.next_activities, T.ACTIVITIES)}</section>"
    )


def _completeness(c: ReportContent) -> str:
    chart = _chart(completeness_figure(c.completeness)) if len(c.completeness) else ""
    title = _("Reporting completeness, {semester}").format(semester=c.label)
    missing = _("Values expected but not reported ({count})").format(count=len(c.missing))
    return (
        f'<section><h2 id="completeness">{e(title)}</h2>{chart}'
        f"{_table(c.completeness, T.COMPLETENESS)}<h3>{e(missing)}</h3>"
        f"{_table(c.missing, T.MISSING)}</section>"
    )


def _method(c: ReportContent) -> str:
    parts = "".join(f"<h3>{e(h)}</h3><p>{e(p)}</p>" for h, p in method_notes(c))
    title = _("Method annex")
    return f'<section><h2 id="method">{e(title)}</h2>{parts}</section>'


@in_its_language
def report_html(c: ReportContent) -> str:
    """The report as one HTML document for WeasyPrint, in the report's language."""
    headlines = _table(c.headlines, T.HEADLINES)
    change = _("Change: against the previous semester; percentage figures change in points.")
    title = _("Headline figures, {semester}").format(semester=c.label)
    meetings = _("Steering Committee meetings")
    if c.donor:
        change += " " + _("Shares count only the figures shown in this edition.")
    body = "".join(
        [
            f'<div class="runhead"><span class="right">{e(c.stamp)}</span>{e(c.label)}</div>',
            f'<div class="footnote">{e(c.footnote)}</div>',
            _cover(c),
            _contents(c),
            f'<section><h2 id="headlines">{e(title)}</h2>{headlines}<p class="note">{e(change)}</p></section>',
            _status(c),
            _logframe(c),
            _beneficiary_pages(c),
            _workplan(c),
            _completeness(c),
            f'<section><h2 id="meetings">{e(meetings)}</h2>{_table(c.meetings, T.MEETINGS)}</section>',
            _method(c),
        ]
    )
    head = f'<head><meta charset="utf-8"><title>{e(c.title)}</title><style>{page_numbers()}</style></head>'
    return f'<!DOCTYPE html><html lang="{e(i18n.language())}">{head}<body>{body}</body></html>'


def print_pdf(html_text: str, title: str, description: str, created: str) -> bytes:
    """An HTML document from ``report_html`` printed to PDF by WeasyPrint (no chart drawing happens here, so
    a forked process can do it while the parent writes the other files)."""
    import weasyprint

    document = weasyprint.HTML(string=html_text).render(stylesheets=[weasyprint.CSS(string=CSS)])
    document.metadata.title = title
    document.metadata.description = description
    document.metadata.created = document.metadata.modified = created
    return document.write_pdf()


@in_its_language
def print_args(content: ReportContent) -> tuple[str, str, str, str]:
    """The arguments of ``print_pdf`` for a report: its HTML (charts drawn), title, description, date."""
    created = content.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return report_html(content), f"{content.title} ({content.audience_word})", content.stamp, created


def pdf_bytes(content: ReportContent) -> bytes:
    """The report as a PDF (see the module docstring)."""
    return print_pdf(*print_args(content))
