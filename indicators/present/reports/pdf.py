"""The progress report as a PDF: A4, tagged PDF/UA-1, real text with embedded fonts, page numbers, contents.

Laid out as HTML and CSS paged media and printed by WeasyPrint (uses Debian's pango; embeds subsets of the
fonts; the table of contents takes its page numbers from ``target-counter``; a named landscape page carries
the logframe). Printed as PDF/UA-1: a structure tree of headings, lists, tables whose header cells are
``TH`` with their scope, figures with alternative text (each chart's alt says what it shows in words), the
document's language and title (shown as the window title). The cover gives the action, semester, edition and
the illustrative notice once; then the summary written from the figures and the decisions asked of the
Steering Committee, with the headline figures; then contents, status, results framework, a page per
beneficiary with a small chart of its indicators' progress, work plan, completeness, meetings, the notes
annex (comments too long for a table cell are cut there with a pointer, and given in full in the annex) and
the method annex. No word breaks inside (a column is at least as wide as the longest word of its header and of
its cells, up to ``WORD_LIMIT`` characters) and identifiers never wrap. Charts are vector SVG written by
``svg.py`` (no browser). Every page carries the report's title, the approved version, "Illustrative demo data"
when it is, its page number, and the Kosovo* footnote. Every text from the workbook is escaped: data is never
markup. Every word is the report's language (``ReportContent.language``); the page numbers' words are in the
document's own style sheet, so that the shared ``CSS`` holds no words.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from indicators.compute.progress import STATUSES
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.reference import BENEFICIARY_CODES, beneficiary_name
from indicators.present.charts import (
    ACTIVITY_STYLES,
    DELIVERY_COLUMNS,
    completeness_caption,
    delivery_caption,
    status_matrix_caption,
)
from indicators.present.reports import svg, writing
from indicators.present.reports import tables as T
from indicators.present.reports.content import (
    DELIVERY_PARTS,
    ReportContent,
    in_its_language,
    method_notes,
    progress_text,
)

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
table.compact { font-size: 7.2pt; line-height: 1.2; }
table.compact th, table.compact td { padding: 0.5mm 1mm; }
.footnote { position: running(footnote); font-size: 6.5pt; color: #333; }
h1 { font-size: 22pt; margin: 30mm 0 6mm 0; bookmark-level: none; }
h2 { font-size: 13pt; margin: 0 0 3mm 0; page-break-after: avoid; bookmark-level: 1; }
h3 { font-size: 10pt; margin: 4mm 0 2mm 0; page-break-after: avoid; bookmark-level: 2; }
section { page-break-before: always; }
section.flow { page-break-before: auto; margin-top: 8mm; }
section.wide { page: wide; }
section.cover { page: cover; page-break-before: auto; }
.cover .programme { font-size: 13pt; margin: 0 0 12mm 0; }
.cover dl { display: grid; grid-template-columns: 45mm auto; gap: 2mm 4mm; font-size: 11pt; }
.cover dt { font-weight: bold; }
.notice { border: 1.2pt solid #000; padding: 3mm; margin: 14mm 0 0 0; font-size: 10pt; }
.summary p { font-size: 10pt; line-height: 1.45; margin: 0 0 2mm 0; }
.summary ul { font-size: 10pt; margin: 0 0 4mm 0; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm 0; table-layout: fixed; }
th, td { border: 0.4pt solid #777; padding: 1mm 1.2mm; vertical-align: top; text-align: left; }
td.wrap { overflow-wrap: anywhere; }  /* text breaks inside a word only where the word is wider than its column */
th { background: #e6e6e6; font-weight: bold; hyphens: manual; overflow-wrap: normal; word-break: normal; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
td.id { white-space: nowrap; }
table.logframe { font-size: 6.8pt; }
table.logframe td.level { font-weight: bold; background: #f3f3f3; }
.chart { width: 100%; margin: 0 0 1mm 0; }
.chart.small { width: 85%; }
.caption { font-size: 7.5pt; font-style: italic; margin: 0 0 4mm 0; }
.toc li { list-style: none; margin: 1.5mm 0; font-size: 10pt; }
.toc li.sub { margin-left: 6mm; font-size: 9pt; }
/* The dotted leader is a line of dots across the entry, on its baseline, hidden under the title and the page
   number: leader(".") cost a text box per dot (2,000 in the contents, a fifth of the PDF's printing time), and a
   dotted border on one side only is drawn dot by dot (a zero-height box dotted on all four sides is one stroke). */
.toc a { display: block; position: relative; color: #000; text-decoration: none; }
.toc a::after { content: ""; display: block; height: 0; border: 0.45pt dotted #000; margin: -1.65mm 0 1.65mm 0; }
.toc a span { background: #fff; padding: 0 1.5mm 0 0; }
.toc a span.page { position: absolute; top: 0; right: 0; padding: 0 0 0 1.5mm; }
.toc a span.page::after { content: target-counter(attr(data-href), page); }
.legend span { margin-right: 4mm; }
p.note { font-size: 8pt; }
ol.notes li { font-size: 8pt; margin: 0 0 1.5mm 0; }
"""


DELIVERY_COLOURS = {key: ACTIVITY_STYLES[status].colour for key, status in DELIVERY_COLUMNS.items()}
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


_NUMBER = re.compile(r"^[-+−<\[–]?\d[\d\s,.\u202f\xa0]*(\s?%)?(\s?⇑)?$|^[–\[<]")  # a figure, "<5", "[c]" or "–"
ID_COLUMNS = ("indicator_id", "activity_id", "result_id")  # identifiers are never wrapped ("OP1.1", not "OP1. / 1")
NOTE_LIMIT = 140  # characters: a longer comment is cut in its table, and given in full in the notes annex


class Notes:
    """The long comments of a report: each is cut in its table cell with a pointer to the notes annex, where it
    is given in full (a 12-line run-on in one cell reads as a data dump)."""

    def __init__(self) -> None:
        self.full: list[str] = []

    def short(self, text: str) -> str:
        if len(text) <= NOTE_LIMIT:
            return text
        self.full.append(text)
        cut = text[:NOTE_LIMIT].rsplit(" ", 1)[0].rstrip(" ,;:.")
        return cut + "… " + _("(note {number})").format(number=len(self.full))


_WORD_SEPARATORS = re.compile(r"[\s/-]+")  # where a line may break without cutting a word
WORD_LIMIT = 18  # characters: a longer word in a body cell (a web address) may still break where it must


def _longest_word(texts: Iterable[str], limit: int | None = None) -> int:
    """The length of the longest word in some texts (words longer than ``limit`` not counted)."""
    lengths = (len(word) for text in texts for word in _WORD_SEPARATORS.split(text))
    return max((n for n in lengths if limit is None or n <= limit), default=1)


def _width(col: T.Col, body: Sequence[str] = ()) -> float:
    """A column's share of its table: its width, and never less than its header's longest word needs (a header
    word is never broken or run into the next column: 'Baseline', not 'Baselin / e'), nor than the longest word
    of its cells ('All beneficiaries', not 'beneficiarie / s'), up to ``WORD_LIMIT`` characters."""
    longest = max(_longest_word(col.label.split()), _longest_word(body, WORD_LIMIT))
    return max(float(col.width), 1.6 * longest + 3)


def _colgroup(cols: Sequence[T.Col], frame: pd.DataFrame | None = None) -> str:
    """The columns' widths, from their headers and, when given, the texts of the frame's cells."""
    rows = [] if frame is None else [row for _index, row in frame.iterrows()]
    widths = [_width(c, [T.cell_text(row, c) for row in rows]) for c in cols]
    total = sum(widths)
    return "<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in widths) + "</colgroup>"


def _cell(row: pd.Series, col: T.Col, notes: Notes | None = None) -> str:
    text = T.cell_text(row, col)
    if col.key == "comment" and notes is not None:
        text = notes.short(text)
    numeric = col.kind in ("figure", "share", "progress", "int") and bool(_NUMBER.match(text))  # words wrap
    css = "num" if numeric else "id" if col.key in ID_COLUMNS else "wrap" if col.kind == "text" else ""
    return f'<td class="{css}">{e(text)}</td>' if css else f"<td>{e(text)}</td>"


def _head(cols: Sequence[T.Col]) -> str:
    return "<thead><tr>" + "".join(f'<th scope="col">{e(c.label)}</th>' for c in cols) + "</tr></thead>"


def _table(frame: pd.DataFrame, cols: Sequence[T.Col], css_class: str = "", notes: Notes | None = None) -> str:
    body = ["<tr>" + "".join(_cell(row, c, notes) for c in cols) + "</tr>" for _index, row in frame.iterrows()]
    if not body:
        nothing = _("Nothing to show.")
        body = [f'<tr><td colspan="{len(cols)}">{e(nothing)}</td></tr>']
    return f'<table class="{css_class}">{_colgroup(cols, frame)}{_head(cols)}<tbody>{"".join(body)}</tbody></table>'


def _image(svg: bytes, alt: str, caption: str = "", small: bool = False) -> str:
    """A chart: the SVG as an image whose alternative text says what it shows, and its caption under it."""
    data = base64.b64encode(svg).decode()
    css = "chart small" if small else "chart"
    image = f'<img class="{css}" alt="{e(alt)}" src="data:image/svg+xml;base64,{data}">'
    return image + (f'<p class="caption">{e(caption)}</p>' if caption else "")


def _caption(caption: str) -> str:
    """The app's caption of the same figure (``charts``: the words only, no plotly figure is built), without the
    hint to point at it (there is no pointer on paper)."""
    return _pointer_hint().sub("", caption)


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
    facility = _(FACILITY)
    notice = f'<p class="notice">{e(c.illustrative_notice)}</p>' if c.illustrative_notice else ""
    return (
        '<section class="cover">'
        f"<h1>{e(c.title)}</h1>"
        f'<p class="programme">{e(c.programme_title)}<br>{e(facility)}</p>'
        "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"
        f"{notice}"
        "</section>"
    )


FACILITY = N_(
    "Horizontal Facility for the Western Balkans and Türkiye, Phase III, co-funded by the European Union and the "
    "Council of Europe"
)
SECTIONS = (  # anchor: title (shown with _())
    ("summary", N_("Summary and headline figures")),
    ("status", N_("Indicator status")),
    ("logframe", N_("Results framework")),
    ("beneficiaries", N_("Beneficiaries")),
    ("workplan", N_("Work plan")),
    ("completeness", N_("Reporting completeness")),
    ("meetings", N_("Steering Committee meetings")),
    ("notes", N_("Notes annex")),
    ("method", N_("Method annex")),
)


def _entry(anchor: str, title: str) -> str:
    """A line of the contents: the title, then its page number (``target-counter``) at the right margin."""
    target = f"#{e(anchor)}"
    return f'<a href="{target}"><span>{e(title)}</span><span class="page" data-href="{target}"></span></a>'


def _contents(c: ReportContent, has_notes: bool) -> str:
    items = []
    for key, title in SECTIONS:
        if key == "notes" and not has_notes:
            continue
        items.append(f"<li>{_entry(key, _(title))}</li>")
        if key == "beneficiaries":
            items += [
                f'<li class="sub">{_entry(f"b-{code}", beneficiary_name(code))}</li>' for code in _beneficiaries(c)
            ]
    heading = _("Contents")
    return f'<section><h2>{e(heading)}</h2><ul class="toc">{"".join(items)}</ul></section>'


def _beneficiaries(c: ReportContent) -> list[str]:
    present = set(c.status["beneficiary"])
    return [code for code in BENEFICIARY_CODES if code in present]


def _summary(c: ReportContent) -> str:
    title = _("Summary, {semester}").format(semester=c.label)
    sentences = "".join(f"<p>{e(s)}</p>" for s in c.summary)
    decisions = ""
    if c.decisions:
        asked = _("Decisions for the Steering Committee")
        decisions = f"<h3>{e(asked)}</h3><ul>" + "".join(f"<li>{e(d)}</li>" for d in c.decisions) + "</ul>"
    figures = _("Headline figures, {semester}").format(semester=c.label)
    change = _("Change: against the previous semester; percentage figures change in points.")
    if c.donor:
        change += " " + _("Shares count only the figures shown in this edition.")
    return (
        f'<section class="summary"><h2 id="summary">{e(title)}</h2>{sentences}{decisions}'
        f'<h3>{e(figures)}</h3>{_table(c.headlines, T.HEADLINES)}<p class="note">{e(change)}</p></section>'
    )


def _status(c: ReportContent) -> str:
    legend = " ".join(
        f"<span>{e(s.symbol)} {e(s.label)}</span>" for s in STATUSES if (c.status["status"] == s.code).any()
    )
    counts = c.status_counts
    cols = [T.Col(N_("Beneficiary"), "beneficiary_name")] + [
        T.Col(f"{s.symbol} {s.label}", s.code, "int") for s in STATUSES if s.code in counts and counts[s.code].sum()
    ]
    nothing = _("No indicator has a target or a value in this semester.")
    if len(c.status):
        names = [(code, beneficiary_name(code)) for code in _beneficiaries(c)]
        caption = _caption(status_matrix_caption(c.status))
        chart = _image(svg.status_grid(c.status, names), caption, caption)
    else:
        chart = f"<p>{e(nothing)}</p>"
    title = _("Indicator status, {semester}").format(semester=c.label)
    by = _("Indicators by status and beneficiary")
    return (
        f'<section><h2 id="status">{e(title)}</h2>{chart}'
        f'<p class="legend">{legend}</p><h3>{e(by)}</h3>{_table(counts, cols)}</section>'
    )


def _logframe(c: ReportContent, notes: Notes) -> str:
    cols = [col for col in T.LOGFRAME if col.key not in ("level_label", "result_id", "result_title")]
    rows = []
    for (level, result_id, title), group in c.logframe.groupby(
        ["level_label", "result_id", "result_title"], sort=False
    ):
        heading = _("{level} · {result}: {title}").format(level=level, result=result_id, title=title)
        rows.append(f'<tr><td class="level" colspan="{len(cols)}">{e(heading)}</td></tr>')
        for _index, row in group.iterrows():
            rows.append("<tr>" + "".join(_cell(row, col, notes) for col in cols) + "</tr>")
    note = _(
        "The logframe's indicators by level in the results chain: baseline and year, the target in force in the "
        "semester, the semester's actual (running total for cumulative counts), progress towards the target, and "
        "status as symbol and word. 'All beneficiaries' rows combine the six beneficiaries (see the method annex)."
    )
    title = _("Results framework, {semester}").format(semester=c.label)
    return (
        f'<section class="wide"><h2 id="logframe">{e(title)}</h2><p class="note">{e(note)}</p>'
        f'<table class="logframe">{_colgroup(cols, c.logframe)}{_head(cols)}<tbody>{"".join(rows)}</tbody></table>'
        "</section>"
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


def _progress_alt(name: str, rows: pd.DataFrame) -> str:
    """What a beneficiary's progress chart shows, in words: each indicator's progress and status."""
    parts = [
        f"{i} {progress_text(p)} {s}".strip()
        for i, p, s in zip(rows["indicator_id"], rows["progress"], rows["status_label"].fillna(""), strict=True)
    ]
    return _("Progress of {count} indicators of {beneficiary} towards their targets: {parts}.").format(
        count=len(rows), beneficiary=name, parts="; ".join(parts)
    )


def _beneficiary_pages(c: ReportContent, notes: Notes) -> str:
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
        charted = rows[rows["status"] != "not_due"]
        chart = ""
        if len(charted):
            alt = _progress_alt(name, charted)
            chart = _image(svg.progress_bars(charted), alt, small=True)
        pages.append(
            f'<section><h2{anchor}>{e(before)}<span id="b-{e(code)}">{e(name)}</span></h2>'
            f'<p class="note">{e(summary)}</p>{chart}{_table(rows, T.BENEFICIARY, "compact", notes)}</section>'
        )
    return "".join(pages)


def _workplan(c: ReportContent) -> str:
    nothing = _("No activities were planned for this semester.")
    if len(c.delivery):
        parts = [(_(label), list(c.delivery[key]), DELIVERY_COLOURS[key]) for key, label in DELIVERY_PARTS.items()]
        names = [
            f"{n} · {writing.share(r)}" if not pd.isna(r) else str(n)
            for n, r in zip(c.delivery["beneficiary_name"], c.delivery["delivery_rate"], strict=True)
        ]
        caption = _caption(delivery_caption(c.delivery))
        chart = _image(svg.stacked_bars(names, parts), caption, caption)
    else:
        chart = f"<p>{e(nothing)}</p>"
    title = _("Work plan, {semester}").format(semester=c.label)
    activities = _("Activities of {semester}").format(semester=c.label)
    adopted = _("Work plan adopted for {semester}").format(semester=c.next_label)
    return (
        f'<section><h2 id="workplan">{e(title)}</h2>{chart}{_table(c.delivery, T.DELIVERY)}'
        f"<h3>{e(activities)}</h3>{_table(c.activities, T.ACTIVITIES)}"
        f"<h3>{e(adopted)}</h3>{_table(c.next_activities, T.ACTIVITIES)}</section>"
    )


def _completeness(c: ReportContent) -> str:
    chart = ""
    if len(c.completeness):
        labels = [
            f"{writing.share(s) if not pd.isna(s) else '–'} ({int(r)}/{int(x)})"
            for s, r, x in zip(
                c.completeness["completeness"], c.completeness["reported"], c.completeness["expected"], strict=True
            )
        ]
        caption = _caption(completeness_caption(c.completeness))
        figure = svg.share_bars(list(c.completeness["beneficiary_name"]), list(c.completeness["completeness"]), labels)
        chart = _image(figure, caption, caption)
    title = _("Reporting completeness, {semester}").format(semester=c.label)
    missing = _("Values expected but not reported ({count})").format(count=len(c.missing))
    return (
        f'<section><h2 id="completeness">{e(title)}</h2>{chart}'
        f"{_table(c.completeness, T.COMPLETENESS)}<h3>{e(missing)}</h3>"
        f"{_table(c.missing, T.MISSING)}</section>"
    )


def _meetings(c: ReportContent) -> str:
    meetings = _("Steering Committee meetings")
    return f'<section><h2 id="meetings">{e(meetings)}</h2>{_table(c.meetings, T.MEETINGS)}</section>'


def _notes(notes: Notes) -> str:
    if not notes.full:
        return ""
    title = _("Notes annex")
    lead = _("The comments cut short in the tables, in full.")
    items = "".join(f"<li>{e(text)}</li>" for text in notes.full)
    head = f'<h2 id="notes">{e(title)}</h2><p class="note">{e(lead)}</p>'
    return f'<section class="flow">{head}<ol class="notes">{items}</ol></section>'


def _method(c: ReportContent) -> str:
    parts = "".join(f"<h3>{e(h)}</h3><p>{e(p)}</p>" for h, p in method_notes(c))
    title = _("Method annex")
    return f'<section><h2 id="method">{e(title)}</h2>{parts}</section>'


@in_its_language
def report_html(c: ReportContent) -> str:
    """The report as one HTML document for WeasyPrint, in the report's language."""
    notes = Notes()
    body = [
        _status(c),
        _logframe(c, notes),
        _beneficiary_pages(c, notes),
        _workplan(c),
        _completeness(c),
        _meetings(c),
        _notes(notes),
        _method(c),
    ]
    head = [
        f'<div class="runhead"><span class="right">{e(c.stamp)}</span>{e(c.label)}</div>',
        f'<div class="footnote">{e(c.footnote)}</div>',
        _cover(c),
        _summary(c),
        _contents(c, bool(notes.full)),
    ]
    title = f'<title>{e(c.title)}</title><meta name="description" content="{e(c.stamp)}">'
    head_html = f'<head><meta charset="utf-8">{title}<style>{page_numbers()}</style></head>'
    return f'<!DOCTYPE html><html lang="{e(i18n.language())}">{head_html}<body>{"".join(head + body)}</body></html>'


PDF_VARIANT = "pdf/ua-1"  # tagged (structure tree, headings, table header cells, alternative text), language, title


def print_pdf(html_text: str, title: str, description: str, created: str) -> bytes:
    """An HTML document from ``report_html`` printed to a tagged PDF/UA-1 by WeasyPrint (no chart drawing
    happens here, so a forked process can do it while the parent writes the other files)."""
    import weasyprint

    document = weasyprint.HTML(string=html_text).render(
        stylesheets=[weasyprint.CSS(string=CSS)], pdf_variant=PDF_VARIANT
    )
    document.metadata.title = title
    document.metadata.description = description
    document.metadata.created = document.metadata.modified = created
    return document.write_pdf(pdf_variant=PDF_VARIANT)


@in_its_language
def print_args(content: ReportContent) -> tuple[str, str, str, str]:
    """The arguments of ``print_pdf`` for a report: its HTML (charts drawn), title, description, date."""
    created = content.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return report_html(content), f"{content.title} ({content.audience_word})", content.stamp, created


def pdf_bytes(content: ReportContent) -> bytes:
    """The report as a PDF (see the module docstring)."""
    return print_pdf(*print_args(content))
