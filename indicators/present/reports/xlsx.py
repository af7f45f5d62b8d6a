"""The report's tables as an Excel workbook: a sheet per table, native charts where they help.

Written with XlsxWriter (already installed as python-pptx's dependency for chart data; it writes only, is
fast, and its charts, number formats, frozen panes and filters are native Excel objects). Every sheet has
a title line with the approved version, the audience and, for the demo, the illustrative notice; then a
frozen header row with a filter, number formats and widths; then the notes (the Kosovo* footnote on every
sheet that names Kosovo*). Text is written as text, never a formula, and made inert the way every export
is in the template (issue 3's rule): a string cell, never a formula, and text that starts like one (= + - @,
tab, carriage return; ``export.FORMULA_STARTS``) gets Excel's quote prefix, so editing the cell or saving
the sheet as CSV cannot turn it into a formula; the text itself is unchanged.
No hidden sheet, hidden row or comment is written. Sheet names, titles, headers and notes are in the report's
language (``ReportContent.language``); the numbers are numbers, shown by Excel in the reader's own format.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
import xlsxwriter

from indicators.compute.progress import STATUSES
from indicators.domain.i18n import N_, _
from indicators.present.export import FORMULA_STARTS
from indicators.present.reports import tables as T
from indicators.present.reports import writing
from indicators.present.reports.content import DELIVERY_PARTS, ReportContent, in_its_language, method_notes

HEADER_ROW = 3  # zero-based: title, stamp, blank, then the header


class _Book:
    def __init__(self, content: ReportContent) -> None:
        self.content = content
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._props: dict[int, dict[str, object]] = {}
        self._quoted_formats: dict[int, object] = {}
        add = self._add
        self.title = add({"bold": True, "font_size": 14})
        self.stamp = add({"italic": True, "font_color": "#444444"})
        self.header = add({"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True, "valign": "top"})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.note = add({"italic": True, "text_wrap": False})
        self.formats = {
            "whole": add({"num_format": "#,##0", "valign": "top"}),
            "decimal": add({"num_format": "#,##0.0", "valign": "top"}),
            "percent_figure": add({"num_format": "0.0%", "valign": "top"}),
            "milestone": add({"num_format": '[=1]"{}";[=0]"{}";General'.format(_("Yes"), _("No")), "valign": "top"}),
            "share": add({"num_format": "0%", "valign": "top"}),
            "progress": add({"num_format": _progress_format(), "valign": "top"}),
            "points": add({"num_format": _points_format(), "valign": "top"}),
            "int": add({"num_format": "0", "valign": "top"}),
            "hidden": add({"align": "right", "valign": "top", "italic": True}),
        }

    def write(self, sheet: object, row: int, col: int, text: str, fmt: object) -> None:
        """Text as a string cell; formula-like text with the quote prefix (shown as written, inert)."""
        if text.startswith(FORMULA_STARTS):
            fmt = self._quoted(fmt)
        sheet.write_string(row, col, text, fmt)

    def _add(self, props: dict[str, object]) -> object:
        fmt = self.book.add_format(props)
        self._props[id(fmt)] = props
        return fmt

    def _quoted(self, fmt: object) -> object:
        """The same format with Excel's quote prefix (made once per format)."""
        if id(fmt) not in self._quoted_formats:
            self._quoted_formats[id(fmt)] = self._add({**self._props[id(fmt)], "quote_prefix": True})
        return self._quoted_formats[id(fmt)]

    def close(self) -> bytes:
        c = self.content
        self.book.set_properties(
            {
                "title": f"{c.title} · {c.audience_word}",
                "subject": c.programme_title,
                "comments": c.stamp + (f". {c.illustrative_notice}" if c.illustrative_notice else ""),
                "created": c.generated_at.replace(tzinfo=None),
            }
        )
        self.book.close()
        return self.buffer.getvalue()

    def _figure_format(self, row: pd.Series, value: float) -> object:
        measure = str(row.get("number_measure", row.get("measure", "count")))
        if measure == "percentage":
            return self.formats["percent_figure"]
        if measure == "milestone":
            return self.formats["milestone"]
        return self.formats["whole" if float(value) == round(float(value)) else "decimal"]

    def _head(self, sheet: object, title: str, last_col: int) -> None:
        self.write(sheet, 0, 0, title, self.title)
        self.write(sheet, 1, 0, self.content.stamp, self.stamp)

    def _notes(self, sheet: object, row: int, names_kosovo: bool) -> None:
        notes = [self.content.illustrative_notice] if self.content.illustrative_notice else []
        if names_kosovo:
            notes.append(self.content.footnote)
        for offset, note in enumerate(notes):
            self.write(sheet, row + offset, 0, note, self.note)

    def table(
        self, name: str, title: str, frame: pd.DataFrame, cols: Sequence[T.Col], start: int = HEADER_ROW
    ) -> tuple[object, int]:
        """A sheet with the table; returns the sheet and the first free row under it."""
        sheet = self.book.add_worksheet(name)
        self._head(sheet, title, len(cols) - 1)
        longest = max((len(c.label) / max(c.width, 1) for c in cols), default=1)
        sheet.set_row(start, 15 * max(1, min(3, int(longest + 0.99))))  # wrapped headers get their lines
        for j, col in enumerate(cols):
            longest = max((len(word) for word in col.label.split()), default=1)
            sheet.set_column(j, j, max(col.width, longest + 3))  # a header word never breaks
            self.write(sheet, start, j, col.label, self.header)
        row_index = start
        names_kosovo = False
        for row_index, (_index, row) in enumerate(frame.iterrows(), start=start + 1):
            lines = max(
                (len(T.cell_text(row, c)) // max(c.width - 1, 1) + 1 for c in cols if c.kind == "text"), default=1
            )
            if lines > 1:  # wrapped text gets its lines (LibreOffice does not fit rows on opening)
                sheet.set_row(row_index, 15 * min(lines, 8))
            for j, col in enumerate(cols):
                value = T.cell_value(row, col)
                if value is None:
                    continue
                if isinstance(value, str):
                    names_kosovo |= "Kosovo*" in value
                    hidden = col.kind == "figure"
                    self.write(sheet, row_index, j, value, self.formats["hidden"] if hidden else self.text)
                elif col.kind == "figure":
                    fmt = self._figure_format(row, value)
                    if fmt is self.formats["percent_figure"]:
                        value = value / 100  # a percentage is stored as a share: 0.548 shown 54.8%
                    sheet.write_number(row_index, j, value, fmt)
                else:
                    sheet.write_number(row_index, j, value, self.formats[col.kind])
        sheet.freeze_panes(start + 1, 0)
        if len(frame):
            sheet.autofilter(start, 0, row_index, len(cols) - 1)
        self._notes(sheet, row_index + 2, names_kosovo)
        self._print_setup(sheet, start, len(cols) - 1)
        return sheet, row_index + 2 + 2

    def _print_setup(self, sheet: object, header_row: int, last_col: int) -> None:
        """A4 landscape, every column on the page width, the header row on every printed page, the approved
        version and page numbers in the footer."""
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        stamp = self.content.stamp.replace("&", "&&")
        pages = _("Page {page} of {pages}").format(page="&P", pages="&N")
        sheet.set_footer(f"&L&8{stamp}&R&8{pages}")

    def about(self) -> None:
        c = self.content
        sheet = self.book.add_worksheet(_sheet("about"))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 110)
        self.write(sheet, 0, 0, c.title, self.title)
        lines = [
            (_("Programme"), c.programme_title),
            (_("Semester"), f"{c.label} ({c.semester})"),
            (_("Audience"), c.audience_label),
            (
                _("Approved version"),
                _("{version}, approved {day}").format(version=c.source.version_id, day=c.source.approved_on),
            ),
            (_("Generated"), c.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ]
        if c.illustrative_notice:
            lines.append((_("Illustrative data"), c.illustrative_notice))
        if c.donor:
            lines.append(
                (
                    _("Donor edition"),
                    _(
                        "Approved data only; sensitive counts from 1 to {largest} are shown as '<{n}' and cells that "
                        "would give them away as '[c]'."
                    ).format(largest=c.suppress_below - 1, n=c.suppress_below),
                )
            )
        lines += [(_("Summary"), " ".join(c.summary))] if c.summary else []
        lines += [(_("Decisions for the Steering Committee"), " ".join(c.decisions))] if c.decisions else []
        lines += [(_(SHEETS[key]), _(what)) for key, what in SHEET_GUIDE.items()]
        lines += [
            (
                _("Numbers"),
                _(
                    "Every figure is stored as a number: percentages as shares (0.6 shown as 60%), progress never "
                    "capped ({mark} marks over-achievement, {over} or more), changes of percentages in points. "
                    "Hidden or qualitative figures are text."
                ).format(mark=writing.OVER_MARK, over=writing.share(writing.over_threshold())),
            )
        ]
        lines += [(heading, text) for heading, text in method_notes(c)]
        lines.append(("Kosovo*", c.footnote))
        for i, (label, text) in enumerate(lines, start=2):
            self.write(sheet, i, 0, label, self.header)
            self.write(sheet, i, 1, text, self.text)
            sheet.set_row(i, 15 * max(1, min(12, len(text) // 105 + 1)))
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.set_portrait()

    def headlines(self, title: str) -> None:
        """The headline figures as numbers: percentages as shares, changes of percentages in points."""
        c = self.content
        cols = [
            T.Col(N_("Figure"), "figure", width=34),
            T.Col(N_("This semester"), "value", "figure", 16),
            T.Col(N_("Previous semester"), "previous", "figure", 16),
            T.Col(N_("Change"), "change", "figure", 14),
            T.Col(N_("What it counts"), "help", width=70),
        ]
        sheet, _row = self.table(_sheet("headlines"), title, c.headlines.iloc[0:0], cols)
        for i, (_index, row) in enumerate(c.headlines.iterrows(), start=HEADER_ROW + 1):
            percent = row["unit"] == "%"
            self.write(sheet, i, 0, str(row["figure"]), self.text)
            for j, key in enumerate(("value", "previous", "change"), start=1):
                value = row[key]
                if pd.isna(value):
                    self.write(sheet, i, j, "–", self.formats["hidden"])
                elif key == "change" and percent:
                    sheet.write_number(i, j, round(float(value)), self.formats["points"])
                elif percent:
                    sheet.write_number(i, j, float(value) / 100, self.formats["share"])
                else:
                    sheet.write_number(i, j, float(value), self.formats["whole"])
            self.write(sheet, i, 4, str(row["help"]), self.text)
            sheet.set_row(i, 15 * max(2, len(str(row["help"])) // 62 + 1))  # the wrapped explanation's lines
        last = HEADER_ROW + len(c.headlines)
        sheet.autofilter(HEADER_ROW, 0, last, len(cols) - 1)
        note = _("Change: against the previous semester; percentage figures change in points.")
        self.write(sheet, last + 2, 0, note, self.note)
        self._notes(sheet, last + 3, False)

    def _bar_chart(
        self,
        sheet: object,
        sheet_name: str,
        title: str,
        categories_col: int,
        series_cols: Sequence[tuple[int, str]],
        rows: int,
        anchor: str,
        stacked: bool,
        percent_axis: bool = False,
    ) -> None:
        chart = self.book.add_chart({"type": "bar", **({"subtype": "stacked"} if stacked else {})})
        first, last = HEADER_ROW + 1, HEADER_ROW + rows
        patterns = ("", "light_upward_diagonal", "percent_20", "dashed_horizontal", "wide_downward_diagonal")
        colours = ("#009E73", "#56B4E9", "#999999", "#E69F00", "#D55E00", "#0072B2", "#CC79A7", "#000000")
        for k, (col, name) in enumerate(series_cols):
            series = {
                "name": name,
                "categories": [sheet_name, first, categories_col, last, categories_col],
                "values": [sheet_name, first, col, last, col],
                "fill": {"color": colours[k % len(colours)]},
                "border": {"color": "#000000"},
            }
            if patterns[k % len(patterns)]:
                pattern = patterns[k % len(patterns)]
                series["pattern"] = {"pattern": pattern, "fg_color": "#000000", "bg_color": colours[k % len(colours)]}
                del series["fill"]
            chart.add_series(series)
        chart.set_title({"name": title})
        chart.set_y_axis({"reverse": True})
        if percent_axis:
            chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 120 + 34 * max(rows, 1)})
        sheet.insert_chart(anchor, chart)


def _progress_format() -> str:
    """Progress as a percentage, never capped, with the over-achievement mark from OVER_ACHIEVED on."""
    return f'[>={writing.over_threshold()}]0%" {writing.OVER_MARK}";0%'


def _points_format() -> str:
    """A change of a percentage in points, signed (``+5 pts``; ``+5 pts``)."""
    before, _middle, after = _("{change} pts").partition("{change}")
    return f'"{before}"+0"{after}";"{before}"-0"{after}";"{before}"0"{after}"'.replace('""', "")


SHEETS = {  # sheet: its name (shown with _(); at most 31 characters, none of []:*?/\)
    "about": N_("Read me"),
    "headlines": N_("Headlines"),
    "status": N_("Status"),
    "logframe": N_("Logframe"),
    "values": N_("Values"),
    "workplan": N_("Work plan"),
    "activities": N_("Activities"),
    "completeness": N_("Completeness"),
    "missing": N_("Missing reports"),
    "meetings": N_("Meetings"),
}


SHEET_GUIDE = {  # sheet: what it holds (shown with _())
    "headlines": N_("The semester's headline figures against the previous semester."),
    "status": N_("Number of indicators in each status, by beneficiary, with a chart."),
    "logframe": N_("The results framework: every indicator with baseline, target in force, actual, progress."),
    "values": N_("Every value reported up to this semester, by indicator, beneficiary and semester."),
    "workplan": N_("Work-plan delivery by beneficiary, with a chart."),
    "activities": N_("The semester's activities and the work plan adopted for the next one."),
    "completeness": N_("Values expected and reported, by beneficiary, with a chart."),
    "missing": N_("Each value expected but not reported."),
    "meetings": N_("The Steering Committee meetings and the work plans they adopted."),
}


def _sheet(key: str) -> str:
    """A sheet's name in the current language."""
    return _(SHEETS[key])


@in_its_language
def workbook_bytes(content: ReportContent) -> bytes:
    """The report as an .xlsx workbook in the report's language (see the module docstring)."""
    c = content
    book = _Book(c)
    book.about()
    book.headlines(_("Headline figures, {semester}").format(semester=c.label))
    counts = c.status_counts
    status_cols = [T.Col(N_("Beneficiary"), "beneficiary_name", width=22)] + [
        T.Col(f"{s.symbol} {s.label}", s.code, "int", 11) for s in STATUSES if s.code in counts
    ]
    status = _sheet("status")
    sheet, _row = book.table(
        status, _("Indicator status by beneficiary, {semester}").format(semester=c.label), counts, status_cols
    )
    if len(counts):
        shown = [(j + 1, col.label) for j, col in enumerate(status_cols[1:]) if counts[col.key].sum() > 0]
        book._bar_chart(sheet, status, _("Indicators by status"), 0, shown, len(counts), "L4", stacked=True)
    book.table(_sheet("logframe"), _("Results framework, {semester}").format(semester=c.label), c.logframe, T.LOGFRAME)
    book.table(_sheet("values"), _("Values reported up to {semester}").format(semester=c.label), c.values, T.VALUES)
    workplan = _sheet("workplan")
    sheet, _row = book.table(
        workplan, _("Work-plan delivery, {semester}").format(semester=c.label), c.delivery, T.DELIVERY
    )
    if len(c.delivery):
        parts = [(T.DELIVERY.index(col), _(DELIVERY_PARTS[col.key])) for col in T.DELIVERY if col.key in DELIVERY_PARTS]
        book._bar_chart(sheet, workplan, _("Activities by status"), 0, parts, len(c.delivery), "J4", stacked=True)
    plan = pd.concat(
        [c.activities.assign(semester_label=c.label), c.next_activities.assign(semester_label=c.next_label)],
        ignore_index=True,
    )
    book.table(
        _sheet("activities"),
        _("Activities of {semester}, and the work plan adopted for {next}").format(semester=c.label, next=c.next_label),
        plan,
        (T.Col(N_("Semester"), "semester_label", width=18), *T.ACTIVITIES),
    )
    completeness = _sheet("completeness")
    sheet, _row = book.table(
        completeness, _("Reporting completeness, {semester}").format(semester=c.label), c.completeness, T.COMPLETENESS
    )
    if len(c.completeness):
        book._bar_chart(
            sheet, completeness, _("Share of expected values reported"), 0, [(4, _("Completeness"))],
            len(c.completeness), "H4", stacked=False, percent_axis=True,
        )  # fmt: skip
    book.table(
        _sheet("missing"),
        _("Values expected but not reported, {semester}").format(semester=c.label),
        c.missing,
        T.MISSING,
    )
    book.table(_sheet("meetings"), _("Steering Committee meetings"), c.meetings, T.MEETINGS)
    return book.close()
