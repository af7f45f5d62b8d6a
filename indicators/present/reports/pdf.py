"""The progress report as a PDF: A4, tagged PDF/UA-1, real text with embedded fonts, page numbers, contents.

Typeset by Typst (the ``typst`` package: a compiler in one wheel, no browser, no system library; a fifth of a
second for the report, where WeasyPrint's HTML layout took 3.5 s), in a process of its own bounded in time and
memory (``print_pdf``). ``report_source`` writes the report as a Typst document: a fixed template
(``TEMPLATE``: page, type, tables, charts; no words) and the report's own lines, in which every text from the
workbook or the catalogue is a Typst string (``q``), never markup, cut down to the characters the report's
fonts draw (``fonts/coverage.txt``; others print as U+FFFD). Printed as PDF/UA-1: a structure tree of headings,
lists, tables whose header cells are ``TH`` with their scope (a results-chain group is a sub-header), figures
with alternative text (each chart's alt says what it shows in words), the document's language and title (shown
as the window title). The cover gives the action, semester, edition and the illustrative notice once; then the
summary written from the figures and the decisions asked of the Steering Committee, with the headline figures;
then contents, status, results framework (on landscape pages), a page per beneficiary with a chart of its
indicators' progress, work plan, completeness, meetings, the notes annex (comments too long for a table cell are
cut there with a pointer, and given in full in the annex) and the method annex. No word breaks inside (a column
is at least as wide as the longest word of its header and of its cells, up to ``WORD_LIMIT`` characters;
hyphenation is off; a longer word breaks after '@', '.' or '_'), identifiers and figures never wrap, and a
status symbol stays with its word. Charts are vector SVG written by ``svg.py``. Every page but the cover carries
the semester and the approved version ("Illustrative demo data" when it is); every page carries its number and
the Kosovo* footnote. Every word is the report's language (``ReportContent.language``).
"""

from __future__ import annotations

import functools
import logging
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from indicators.compute.progress import STATUSES
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.problems import ProjectError
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

TEMPLATE = r"""
#let grey = rgb("#777777")
#let head-fill = rgb("#e6e6e6")
#let level-fill = rgb("#f3f3f3")
#set document(title: doc-title, description: doc-description, date: doc-date)
#set text(font: ("DejaVu Sans",), size: 8.5pt, lang: doc-lang, hyphenate: false, fill: black)
#set par(leading: 0.42em, spacing: 1.1em, justify: false)
#set table.cell(breakable: false)
#set page(
  paper: "a4",
  margin: (top: 20mm, bottom: 24mm, x: 15mm),
  header: context if counter(page).get().first() > 1 {
    set text(size: 7.5pt, fill: rgb("#333333"))
    block(width: 100%, stroke: (bottom: 0.4pt + rgb("#999999")), inset: (bottom: 1mm),
      [#run-left #h(1fr) #box(run-right)])
  },
  footer: context {
    set text(size: 6.5pt, fill: rgb("#333333"))
    grid(columns: (1fr, 30mm), column-gutter: 4mm, align: horizon, footnote-text,
      align(right, text(size: 8pt, fill: black,
        page-of(counter(page).display(), str(counter(page).final().first())))))
  },
)
#set heading(numbering: none)
#show heading: set text(weight: "bold")
#show heading.where(level: 1): it => block(above: 30mm, below: 6mm, text(size: 22pt, it.body))
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 2): set block(above: 0mm, below: 3mm)
#show heading.where(level: 3): set text(size: 10pt)
#show heading.where(level: 3): set block(above: 4mm, below: 2mm)
#show link: set text(fill: black)

#let section(body) = { pagebreak(weak: true); body }
#let num(s) = table.cell(align: right, box(s))
#let ident(s) = box(s)
// A results-chain group (level, result): a sub-header, so it is never left alone at the foot of a page and is
// repeated at the top of the next one when its rows go on.
#let group(n, s) = table.header(level: 2, table.cell(colspan: n, fill: level-fill, text(weight: "bold", s)))
#let nothing(n, s) = table.cell(colspan: n, s)
#let data-table(widths, header, rows, size: 8.5pt, inset: (x: 1.2mm, y: 1mm)) = {
  set text(size: size)
  set par(leading: 0.35em)
  block(below: 3mm, table(
    columns: widths.map(w => w * 100fr),
    stroke: 0.4pt + grey,
    inset: inset,
    table.header(..header.map(h => table.cell(fill: head-fill, text(weight: "bold", h)))),
    ..rows.flatten(),
  ))
}
#let chart(svg, alt) = block(below: 1mm, image(bytes(svg), format: "svg", width: 100%, alt: alt))
#let caption(s) = block(below: 4mm, text(size: 7.5pt, style: "italic", s))
#let note(s) = block(text(size: 8pt, s))
#let notice(s) = block(above: 14mm, width: 100%, stroke: 1.2pt, inset: 3mm, text(size: 10pt, s))
#let entry(target, s, sub: false) = context {
  let at = counter(page).at(target).first()
  block(above: 1.5mm, below: 1.5mm, inset: (left: if sub { 6mm } else { 0mm }),
    link(target, text(size: if sub { 9pt } else { 10pt },
      [#s #box(width: 1fr, repeat[.]) #str(at)])))
}
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


FONTS = Path(__file__).with_name("fonts")  # DejaVu Sans, shipped with the product (fonts/README.md)
_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


def q(value: object) -> str:
    """Text as a Typst string literal: never markup, whatever it holds; missing values empty; control characters
    other than line breaks and tabs dropped; a character the report's fonts cannot draw printed as U+FFFD (in a
    PDF/UA-1 such a character is an error that stops the whole PDF: a pasted Word bullet, an emoji, a
    Windows-1252 character read as Latin-1); a status symbol kept with its word (``_bound``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return '""'
    text = _bound(_not_drawn().sub("\ufffd", _CONTROL.sub("", str(value))))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\r]")  # C0 but tab and line feed, DEL, C1


@functools.cache
def _not_drawn() -> re.Pattern[str]:
    """Any character outside ``fonts/coverage.txt`` (what every font of the report draws; written by
    ``scripts/font_coverage.py``), line feeds and tabs apart."""
    spans = []
    for line in (FONTS / "coverage.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            first, _dash, last = line.partition("-")
            spans.append(re.escape(chr(int(first, 16))) + ("-" + re.escape(chr(int(last, 16))) if last else ""))
    return re.compile("[^\\t\\n" + "".join(spans) + "]")


def page_numbers() -> str:
    """The page number in the current language ('Page 3 of 20', 'Page 3 sur 20'): a Typst function of the
    page and the page count."""
    words = _PLACEHOLDER.split(_("Page {page} of {pages}"))
    parts = [f"#{part}" if i % 2 else f"#{q(part)}" for i, part in enumerate(words) if part or i % 2]
    return "#let page-of(page, pages) = [" + "".join(parts) + "]"


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


_WORD_SEPARATORS = re.compile(r"[ \t\n/-]+")  # where a line may break without cutting a word (not a no-break space)
WORD_LIMIT = 18  # characters: a longer word in a body cell (a web address) may still break where it must
_LONG_WORD = re.compile(r"[^\s/-]{" + str(WORD_LIMIT + 1) + ",}")
_PIECES = re.compile(r"[^@._]*[@._]?")


def _breakable(text: str) -> str:
    """A word longer than ``WORD_LIMIT`` (an e-mail address, a file name) given places to break: after '@', '.'
    or '_', and every ``WORD_LIMIT`` characters of a longer piece (a zero-width space). Typst never breaks inside
    a word by itself, so such a word ran out of its cell and off the page."""

    def split(word: str) -> str:
        pieces = (p[i : i + WORD_LIMIT] for p in _PIECES.findall(word) if p for i in range(0, len(p), WORD_LIMIT))
        return "\u200b".join(pieces)

    return _LONG_WORD.sub(lambda m: split(m.group()), text)


@functools.lru_cache(maxsize=8)
def _symbols(language: str) -> re.Pattern[str]:
    """A status or work-plan symbol followed by a space and its label in ``language`` ('✔ Achieved', '✔ achieved',
    '→ Postponed', '– Not due'; not the dash of 'Nov 2024 – Apr 2025')."""
    marks = [(s.symbol, s.label) for s in STATUSES] + [(a.symbol, a.label) for a in ACTIVITY_STYLES.values()]
    return re.compile("|".join(f"{re.escape(mark)} (?={re.escape(label)})" for mark, label in marks), re.IGNORECASE)


def _bound(text: str) -> str:
    """A symbol kept on the line of the label it marks (a no-break space): '✔ / Completed' broke in two."""
    return _symbols(i18n.language()).sub(lambda m: m.group()[:-1] + "\u00a0", text)


def _longest_word(texts: Iterable[str], limit: int | None = None) -> int:
    """The length of the longest word in some texts (words longer than ``limit`` not counted)."""
    lengths = (len(word) for text in texts for word in _WORD_SEPARATORS.split(text))
    return max((n for n in lengths if limit is None or n <= limit), default=1)


def _width(col: T.Col, body: Sequence[str] = ()) -> float:
    """A column's share of its table: its width, and never less than its header's longest word needs (a header
    word is never broken or run into the next column: 'Baseline', not 'Baselin / e'), nor than the longest word
    of its cells ('All beneficiaries', not 'beneficiarie / s'), up to ``WORD_LIMIT`` characters."""
    longest = max(_longest_word([_bound(col.label)]), _longest_word(map(_bound, body), WORD_LIMIT))
    return max(float(col.width), 1.6 * longest + 3)


def _widths(cols: Sequence[T.Col], frame: pd.DataFrame | None = None) -> str:
    """The columns' shares of their table, from their headers and, when given, the texts of the frame's cells."""
    rows = [] if frame is None else [row for _index, row in frame.iterrows()]
    widths = [_width(c, [T.cell_text(row, c) for row in rows]) for c in cols]
    total = sum(widths)
    return "(" + ", ".join(f"{w / total:.4f}" for w in widths) + ",)"


def _cell(row: pd.Series, col: T.Col, notes: Notes | None = None) -> str:
    text = T.cell_text(row, col)
    if col.key == "comment" and notes is not None:
        text = notes.short(text)
    if col.kind in ("figure", "share", "progress", "int") and _NUMBER.match(text):  # words wrap
        return f"num({q(text)})"
    return f"ident({q(text)})" if col.key in ID_COLUMNS else q(_breakable(text))


def _row(cells: Iterable[str]) -> str:
    return "(" + ", ".join(cells) + ",)"


def _head(cols: Sequence[T.Col]) -> str:
    return "(" + ", ".join(q(c.label) for c in cols) + ",)"


STYLES = {  # a table's type size and cell padding
    "": "",
    "compact": ", size: 7.2pt, inset: (x: 1mm, y: 0.5mm)",
    "logframe": ", size: 6.6pt, inset: (x: 1mm, y: 0.6mm)",
}


def _table_of(widths: str, cols: Sequence[T.Col], rows: list[str], style: str = "") -> str:
    if not rows:
        nothing = _("Nothing to show.")
        rows = [f"(nothing({len(cols)}, {q(nothing)}),)"]
    return f"#data-table({widths}, {_head(cols)}, ({', '.join(rows)},){STYLES[style]})\n"


def _table(frame: pd.DataFrame, cols: Sequence[T.Col], style: str = "", notes: Notes | None = None) -> str:
    rows = [_row(_cell(row, c, notes) for c in cols) for _index, row in frame.iterrows()]
    return _table_of(_widths(cols, frame), cols, rows, style)


def _image(svg: bytes, alt: str, caption: str = "") -> str:
    """A chart: the SVG as an image, the width of the text, whose alternative text says what it shows, and its
    caption under it."""
    image = f"#chart({q(svg.decode())}, {q(alt)})\n"
    return image + (f"#caption({q(caption)})\n" if caption else "")


def _caption(caption: str) -> str:
    """The app's caption of the same figure (``charts``: the words only, no plotly figure is built), without the
    hint to point at it (there is no pointer on paper)."""
    return _pointer_hint().sub("", caption)


def _heading(level: int, text: str, label: str = "") -> str:
    return f"#heading(level: {level}, {q(text)})" + (f" <{label}>" if label else "") + "\n"


def _paragraph(text: str, size: str = "") -> str:
    return f"#par(text({size + ', ' if size else ''}{q(text)}))\n"


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
    cells = ", ".join(f'text(weight: "bold", {q(k)}), {q(v)}' for k, v in rows)
    notice = ""
    if c.illustrative_notice:
        notice = f"#notice({q(c.illustrative_notice)})\n"
    return (
        f"#v(22mm)\n#heading(level: 1, outlined: false, bookmarked: false, {q(c.title)})\n"
        f"#block(below: 12mm, text(size: 13pt, [#{q(c.programme_title)} \\ #{q(facility)}]))\n"
        f"#text(size: 11pt, grid(columns: (45mm, auto), column-gutter: 4mm, row-gutter: 3mm, {cells}))\n"
        f"{notice}"
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


def _entry(anchor: str, title: str, sub: bool = False) -> str:
    """A line of the contents: the title, a dotted leader, and the page the anchor is on."""
    return f"#entry(<{anchor}>, {q(title)}{', sub: true' if sub else ''})\n"


def _contents(c: ReportContent, has_notes: bool) -> str:
    items = []
    for key, title in SECTIONS:
        if (key == "notes" and not has_notes) or (key == "beneficiaries" and not _beneficiaries(c)):
            continue
        items.append(_entry(key, _(title)))
        if key == "beneficiaries":
            items += [_entry(f"b-{code}", beneficiary_name(code), sub=True) for code in _beneficiaries(c)]
    return "#section[\n" + _heading(2, _("Contents")) + "".join(items) + "]\n"


def _beneficiaries(c: ReportContent) -> list[str]:
    present = set(c.status["beneficiary"])
    return [code for code in BENEFICIARY_CODES if code in present]


def _summary(c: ReportContent) -> str:
    title = _("Summary, {semester}").format(semester=c.label)
    sentences = "".join(_paragraph(s, "size: 10pt") for s in c.summary)
    decisions = ""
    if c.decisions:
        items = ", ".join(q(d) for d in c.decisions)
        decisions = _heading(3, _("Decisions for the Steering Committee")) + f"#text(size: 10pt, list({items}))\n"
    figures = _("Headline figures, {semester}").format(semester=c.label)
    change = _("Change: against the previous semester; percentage figures change in points.")
    if c.donor:
        change += " " + _("Shares count only the figures shown in this edition.")
    return (
        "#section[\n" + _heading(2, title, "summary") + "#set par(leading: 0.55em)\n" + sentences + decisions
        + _heading(3, figures) + _table(c.headlines, T.HEADLINES) + f"#note({q(change)})\n]\n"
    )  # fmt: skip


def _status(c: ReportContent) -> str:
    items = [q(f"{s.symbol} {s.label}") for s in STATUSES if (c.status["status"] == s.code).any()]
    legend = f"#par(({', '.join(items)},).map(box).join(h(4mm)))\n" if items else ""
    counts = c.status_counts
    cols = [T.Col(N_("Beneficiary"), "beneficiary_name")] + [
        T.Col(f"{s.symbol} {s.label}", s.code, "int") for s in STATUSES if s.code in counts and counts[s.code].sum()
    ]
    if len(c.status):
        names = [(code, beneficiary_name(code)) for code in _beneficiaries(c)]
        caption = _caption(status_matrix_caption(c.status))
        chart = _image(svg.status_grid(c.status, names), caption, caption)
    else:
        chart = _paragraph(_("No indicator has a target or a value in this semester."))
    title = _("Indicator status, {semester}").format(semester=c.label)
    return (
        "#section[\n" + _heading(2, title, "status") + chart + legend
        + _heading(3, _("Indicators by status and beneficiary")) + _table(counts, cols) + "]\n"
    )  # fmt: skip


def _logframe(c: ReportContent, notes: Notes) -> str:
    cols = [col for col in T.LOGFRAME if col.key not in ("level_label", "result_id", "result_title")]
    rows: list[str] = []
    groups = c.logframe.groupby(["level_label", "result_id", "result_title"], sort=False) if len(c.logframe) else ()
    for (level, result_id, title), group in groups:
        heading = _("{level} · {result}: {title}").format(level=level, result=result_id, title=title)
        rows.append(f"(group({len(cols)}, {q(heading)}),)")
        rows += [_row(_cell(row, col, notes) for col in cols) for _index, row in group.iterrows()]
    note = _(
        "The logframe's indicators by level in the results chain: baseline and year, the target in force in the "
        "semester, the semester's actual (running total for cumulative counts), progress towards the target, and "
        "status as symbol and word. 'All beneficiaries' rows combine the six beneficiaries (see the method annex)."
    )
    title = _("Results framework, {semester}").format(semester=c.label)
    return (
        "#[\n#set page(flipped: true)\n" + _heading(2, title, "logframe") + f"#note({q(note)})\n"
        + _table_of(_widths(cols, c.logframe), cols, rows, "logframe") + "]\n"
    )  # fmt: skip


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
        name = beneficiary_name(code)
        counts = ", ".join(
            f"{(rows['status'] == s.code).sum()} {s.symbol} {s.label.lower()}"
            for s in STATUSES
            if (rows["status"] == s.code).any()
        )
        title = (_("Beneficiaries:") + " " if i == 0 else "") + name
        anchor = "#metadata(none) <beneficiaries>\n" if i == 0 else ""
        summary = _("{semester}: {counts}.").format(semester=c.label, counts=counts)
        charted = rows[rows["status"] != "not_due"]
        chart = _image(svg.progress_bars(charted), _progress_alt(name, charted)) if len(charted) else ""
        pages.append(
            "#section[\n" + anchor + _heading(2, title, f"b-{code}") + f"#note({q(summary)})\n" + chart
            + _table(rows, T.BENEFICIARY, "compact", notes) + "]\n"
        )  # fmt: skip
    return "".join(pages)


def _workplan(c: ReportContent) -> str:
    if len(c.delivery):
        parts = [(_(label), list(c.delivery[key]), DELIVERY_COLOURS[key]) for key, label in DELIVERY_PARTS.items()]
        names = [
            f"{n} · {writing.share(r)}" if not pd.isna(r) else str(n)
            for n, r in zip(c.delivery["beneficiary_name"], c.delivery["delivery_rate"], strict=True)
        ]
        caption = _caption(delivery_caption(c.delivery))
        chart = _image(svg.stacked_bars(names, parts), caption, caption)
    else:
        chart = _paragraph(_("No activities were planned for this semester."))
    title = _("Work plan, {semester}").format(semester=c.label)
    activities = _("Activities of {semester}").format(semester=c.label)
    adopted = _("Work plan adopted for {semester}").format(semester=c.next_label)
    return (
        "#section[\n" + _heading(2, title, "workplan") + chart + _table(c.delivery, T.DELIVERY)
        + _heading(3, activities) + _table(c.activities, T.ACTIVITIES)
        + _heading(3, adopted) + _table(c.next_activities, T.ACTIVITIES) + "]\n"
    )  # fmt: skip


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
        "#section[\n" + _heading(2, title, "completeness") + chart + _table(c.completeness, T.COMPLETENESS)
        + _heading(3, missing) + _table(c.missing, T.MISSING) + "]\n"
    )  # fmt: skip


def _meetings(c: ReportContent) -> str:
    heading = _heading(2, _("Steering Committee meetings"), "meetings")
    return "#section[\n" + heading + _table(c.meetings, T.MEETINGS) + "]\n"


def _notes(notes: Notes) -> str:
    if not notes.full:
        return ""
    items = ", ".join(q(_breakable(text)) for text in notes.full)
    lead = _("The comments cut short in the tables, in full.")
    return (
        "#v(8mm)\n" + _heading(2, _("Notes annex"), "notes") + f"#note({q(lead)})\n"
        + f"#text(size: 8pt, enum(spacing: 1.5mm, {items}))\n"
    )  # fmt: skip


def _method(c: ReportContent) -> str:
    parts = "".join(_heading(3, h) + _paragraph(p) for h, p in method_notes(c))
    return "#section[\n" + _heading(2, _("Method annex"), "method") + parts + "]\n"


@in_its_language
def report_source(c: ReportContent) -> str:
    """The report as one Typst document, in the report's language: the data as Typst strings, the template, then
    the pages."""
    created = c.generated_at
    data = [
        f"#let doc-title = {q(f'{c.title} ({c.audience_word})')}",
        f"#let doc-description = {q(c.stamp)}",
        f"#let doc-date = datetime(year: {created.year}, month: {created.month}, day: {created.day}, "
        f"hour: {created.hour}, minute: {created.minute}, second: {created.second})",
        f"#let doc-lang = {q(i18n.language())}",
        f"#let run-left = {q(c.label)}",
        f"#let run-right = {q(c.stamp)}",
        f"#let footnote-text = {q(c.footnote)}",
        page_numbers(),
    ]
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
    return "\n".join(data) + TEMPLATE + "".join([_cover(c), _summary(c), _contents(c, bool(notes.full)), *body])


PDF_STANDARD = "ua-1"  # tagged (structure tree, headings, table header cells, alternative text), language, title
TYPESET_SECONDS = 120  # a PDF that takes longer is stopped (the demo's takes a quarter of a second)
# Bytes of address space for the typesetting process: the demo peaks at 0.08 GiB of memory, the 100,000-value
# synthetic programme (225 pages) at 0.9 GiB.
TYPESET_MEMORY = 4 << 30
# The typesetting process: Python with the typst package only (-I: nothing from the environment or the working
# folder), bounded in memory, given the fonts' folder as its only files; the source on stdin, the PDF on stdout,
# Typst's message (and hints) on stderr.
_TYPESET = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
import typst
fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[sys.argv[1]])
try:
    pdf = typst.Compiler(root=sys.argv[1], font_paths=fonts).compile(
        sys.stdin.buffer.read(), format="pdf", pdf_standards=[sys.argv[3]]
    )
except typst.TypstError as error:
    sys.stderr.write(" ".join([error.message, *error.hints]))
    sys.stderr.write("\\n" + error.diagnostic)
    sys.exit(3)
sys.stdout.buffer.write(pdf)
"""
log = logging.getLogger(__name__)


class TypesetFailed(ProjectError):
    """Typst could not typeset a report, or took too long or too much memory; ``str(error)`` says why."""


def print_pdf(source: str, seconds: float = TYPESET_SECONDS) -> bytes:
    """A Typst document from ``report_source`` typeset to a tagged PDF/UA-1, in a process of its own (about a
    fifth of a second, a tenth of it starting Python): Typst keeps a cache of its last ten documents, 0.4 GiB that
    a long-running server would hold for good, and has no time limit of its own. Waiting for it releases
    Python's lock, so a thread can print a PDF while another writes the other formats."""
    command = [sys.executable, "-I", "-c", _TYPESET, str(FONTS), str(TYPESET_MEMORY), PDF_STANDARD]
    try:
        done = subprocess.run(
            command, input=source.encode("utf-8", "replace"), capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise TypesetFailed(_("it took longer than {seconds} s").format(seconds=round(seconds))) from error
    except OSError as error:  # no process could be started (the system's limits)
        raise TypesetFailed(str(error)) from error
    if done.returncode or not done.stdout.startswith(b"%PDF"):
        message, _line, diagnostic = done.stderr.decode(errors="replace").partition("\n")
        log.error("Typesetting a report failed (exit %s): %s\n%s", done.returncode, message, diagnostic[-4000:])
        if done.returncode == 3:
            raise TypesetFailed(message)
        raise TypesetFailed(_("the typesetting process stopped (out of memory?)"))
    return done.stdout


def pdf_bytes(content: ReportContent) -> bytes:
    """The report as a PDF (see the module docstring)."""
    return print_pdf(report_source(content))
