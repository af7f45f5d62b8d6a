"""The PDF read back by poppler-utils (pdftotext, pdffonts, pdfinfo, pdfimages, pdftoppm), pikepdf (its structure
tree) and the pdfua checker (PDF/UA-1), not by our code."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from indicators.present.reports import ReportContent, build_report

TOOLS = ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo", "pdfimages")


def run(*args: str) -> str:
    """A tool's output as text (``pdfinfo -struct`` prints a PDF's UTF-16 strings as they are: replaced)."""
    done = subprocess.run(args, capture_output=True, check=True, timeout=120)
    return done.stdout.decode(errors="replace")


@pytest.fixture(scope="module")
def pdfs(pack_files: dict[tuple[str, str], Path]) -> dict[str, Path]:
    """Both editions' PDFs of the session's pack."""
    missing = [t for t in TOOLS if not shutil.which(t)]
    assert not missing, f"poppler-utils is needed: run 'sudo apt-get install poppler-utils' (make test does): {missing}"
    return {audience: pack_files[(audience, "pdf")] for audience in ("manager", "donor")}


def written_pdfs(contents: dict[str, ReportContent], folder: Path) -> dict[str, Path]:
    """Each audience's report as a PDF file in ``folder``."""
    out = {}
    for audience, content in contents.items():
        report = build_report(content, "pdf")
        out[audience] = folder / report.file_name
        out[audience].write_bytes(report.data)
    return out


def pages(path: Path) -> list[str]:
    return run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_text_has_headline_figures_semester_and_version(
    pdfs: dict[str, Path], contents: dict[str, ReportContent], audience: str
) -> None:
    content = contents[audience]
    text = run("pdftotext", str(pdfs[audience]), "-")
    assert "Nov 2024 – Apr 2025" in text and "2025NovS1" in text
    assert "Approved version 000001" in text
    headline_page = next(p for p in pages(pdfs[audience]) if "Headline figures, Nov 2024" in p)
    for row in content.headlines.itertuples():
        line = next(line for line in headline_page.splitlines() if line.strip().startswith(row.figure[:20]))
        assert row.value_text in line and row.change_text in line, (row.figure, line)


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_every_page_naming_kosovo_has_the_footnote_and_the_demo_notice(pdfs: dict[str, Path], audience: str) -> None:
    texts = pages(pdfs[audience])
    assert len(texts) > 10
    naming = [t for t in texts if "Kosovo*" in t.replace("*All references to Kosovo", "")]
    assert len(naming) > 3
    for number, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        if "Kosovo*" in text:
            assert "Security Council Resolution 1244" in flat, number
        assert "Illustrative demo data" in flat, number
        assert f"Page {number} of {len(texts)}" in flat


def test_a4_with_embedded_fonts_and_vector_charts(pdfs: dict[str, Path]) -> None:
    info = run("pdfinfo", str(pdfs["manager"]))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = run("pdffonts", str(pdfs["manager"])).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    images = run("pdfimages", "-list", str(pdfs["manager"])).splitlines()[2:]
    assert images == []  # charts are drawn as vectors, not pictures


def test_contents_page_numbers_point_at_the_sections(pdfs: dict[str, Path]) -> None:
    texts = pages(pdfs["manager"])
    contents = texts[2]  # after the cover and the summary
    for title in ("Results framework", "Work plan", "Method annex"):
        number = int(re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.M).group(1))
        assert title in texts[number - 1], (title, number)


def test_donor_pdf_shows_hidden_counts_as_text(pdfs: dict[str, Path]) -> None:
    text = run("pdftotext", str(pdfs["donor"]), "-")
    assert "<5" in text and "[c]" in text
    assert "<5" not in run("pdftotext", str(pdfs["manager"]), "-").replace("'<5'", "")


def test_pages_render_to_png(pdfs: dict[str, Path], tmp_path: Path) -> None:
    run("pdftoppm", "-r", "40", "-f", "1", "-l", "4", "-png", str(pdfs["donor"]), str(tmp_path / "page"))
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == 4 and all(p.stat().st_size > 3000 for p in rendered)


# Issue 24: a tagged, accessible PDF laid out as a report, summary first.


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_tagged_pdf_ua_with_language_title_and_alt_text_on_every_chart(pdfs: dict[str, Path], audience: str) -> None:
    info = run("pdfinfo", str(pdfs[audience]))
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert "Title:           Semester report, Nov 2024 – Apr 2025" in info
    tree = run("pdfinfo", "-struct", str(pdfs[audience]))
    roles = re.findall(r"^\s*(\w+)", tree, re.M)
    for role in ("Document", "H1", "H2", "Table", "TH", "TD", "Figure", "L", "LI"):
        assert role in roles, role
    with pikepdf.open(pdfs[audience]) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en" and bool(root.MarkInfo.Marked) and bool(root.ViewerPreferences.DisplayDocTitle)
        assert b"pdfuaid:part" in bytes(root.Metadata.read_bytes())
        figures = [e for e in _elements(root.StructTreeRoot) if e.get("/S") == "/Figure"]
        alts = [str(e.get("/Alt", "")) for e in figures]
    assert len(figures) == 3 + 7  # status, delivery, completeness; one per beneficiary page
    assert all(len(alt) > 40 for alt in alts), alts
    for name in ("Albania", "Kosovo*", "Regional"):
        assert any(f"indicators of {name} towards their targets" in alt for alt in alts), name


def _elements(node: object) -> list[object]:
    """Every structure element under a node of the structure tree."""
    out, todo = [], [node]
    while todo:
        item = todo.pop()
        kids = item.get("/K") if isinstance(item, pikepdf.Dictionary) else None
        if isinstance(item, pikepdf.Dictionary) and item.get("/S") is not None:
            out.append(item)
        if isinstance(kids, pikepdf.Array):
            todo.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
        elif isinstance(kids, pikepdf.Dictionary):
            todo.append(kids)
    return out


def test_the_pdfua_checker_finds_no_error(pdfs: dict[str, Path]) -> None:
    """An outside checker of the machine-checkable part of PDF/UA-1 (pdfua, on pikepdf): structure tree, marked
    content with no untagged page content, language, alternative text, tables (header cells with their /Scope),
    title; its heuristic checks too (with WeasyPrint, header cells had no /Scope and only its certain checks
    passed)."""
    for audience in ("manager", "donor"):
        result = subprocess.run(
            [str(Path(sys.executable).with_name("pdfua")), "check", str(pdfs[audience])],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0 and "result: PASS (no findings)" in result.stdout, result.stdout[-3000:]


def bbox_words(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (xMin, yMin, xMax, yMax, word), read by pdftotext -bbox."""
    html_text = run("pdftotext", "-bbox", str(path), "-")
    pages_out = []
    for page in html_text.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        )
        pages_out.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in words])
    return pages_out


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_no_word_runs_into_the_next_one_and_header_words_never_break(pdfs: dict[str, Path], audience: str) -> None:
    """A header word wider than its column ran into the next column ('Baseline' over 'year'), or was broken
    ('Baselin / e', 'Res-ult'): neither happens anywhere in the report."""
    from indicators.present.reports import tables as T

    headers = {w for cols in (T.LOGFRAME, T.BENEFICIARY, T.HEADLINES, T.DELIVERY, T.ACTIVITIES, T.COMPLETENESS,
                              T.MISSING, T.MEETINGS) for c in cols for w in c.label.split()}  # fmt: skip
    for number, words in enumerate(bbox_words(pdfs[audience]), start=1):
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for x0, y0, x1, _y1, word in words:
            lines.setdefault(round(y0, 1), []).append((x0, x1, word))
        for y, line in lines.items():
            line.sort()
            for (_a0, a1, a), (b0, _b1, b) in zip(line, line[1:], strict=False):
                assert b0 >= a1 - 0.5, (number, y, a, b)  # overlapping words: one ran into the other
        found = {w for *_box, w in words}
        for word in found:  # two header words run together ("MeetingDate")
            for header in headers:
                glued = word.startswith(header) and len(word) > len(header) and word[len(header)].isupper()
                assert not glued, (number, word)
        text = flat(" ".join(w for *_box, w in words))
        assert "See comment" in text or "See commen" not in text, number  # a short phrase is never cut in a word
        for header in headers:  # a header word cut in two: both parts are words of the page ("Baselin", "e")
            for cut in range(3, len(header)):
                start, rest = header[:cut], header[cut:]
                assert not ((start in found or start + "-" in found) and rest in found), (number, header)


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_body_words_never_break_inside(
    pdfs: dict[str, Path], contents: dict[str, ReportContent], audience: str
) -> None:
    """A word of a table cell was broken where its column was narrower ('All beneficiarie / s' in the results
    framework's Scope column): each column is at least as wide as its cells' longest word (up to WORD_LIMIT)."""
    from indicators.present.reports import tables as T
    from indicators.present.reports.pdf import WORD_LIMIT

    content = contents[audience]
    texts = [T.cell_text(row, c) for c in T.LOGFRAME for _i, row in content.logframe.iterrows()]
    texts += [T.cell_text(row, c) for c in T.BENEFICIARY for _i, row in content.status.iterrows()]
    texts += [T.cell_text(row, c) for c in T.MEETINGS for _i, row in content.meetings.iterrows()]
    words = {w.strip(".,;:()'") for text in texts for w in re.split(r"[\s/-]+", text)}
    words = {w for w in words if 6 <= len(w) <= WORD_LIMIT and w.isalpha()}
    assert {"beneficiaries", "videoconference"} <= words
    for number, page in enumerate(bbox_words(pdfs[audience]), start=1):
        read = [w for *_box, w in page]  # in the order printed: a cell's lines one after the other
        for first, second in zip(read, read[1:], strict=False):
            start = first.removesuffix("-").strip(".,;:()'")
            joined = (start + second).strip(".,;:()'")
            assert not (joined in words and start not in words), (number, first, second)


def test_ids_are_never_wrapped(pdfs: dict[str, Path], contents: dict[str, ReportContent]) -> None:
    found = {w for page in bbox_words(pdfs["manager"]) for *_box, w in page}
    ids = set(contents["manager"].logframe["indicator_id"]) | set(contents["manager"].activities["activity_id"])
    for identifier in ids:
        assert identifier in found, identifier
        for cut in range(2, len(identifier)):
            if identifier[cut - 1] in ".-":
                assert identifier[:cut] not in found, identifier


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_cover_then_summary_first(pdfs: dict[str, Path], contents: dict[str, ReportContent], audience: str) -> None:
    content = contents[audience]
    texts = [flat(t) for t in pages(pdfs[audience])]
    cover, summary = texts[0], texts[1]
    assert "Semester report, Nov 2024 – Apr 2025" in cover and "Nov 2024 – Apr 2025 (2025NovS1)" in cover
    assert ("Donors: approved data" in cover) == (audience == "donor")
    assert cover.count("Illustrative demo data") == 1 and "Illustrative data." not in cover  # the notice once
    assert summary.startswith("Nov 2024 – Apr 2025 Approved version") and "Summary, Nov 2024 – Apr 2025" in summary
    assert 5 <= len(content.summary) + len(content.decisions) <= 8
    for sentence in (*content.summary, *content.decisions):
        assert flat(sentence) in summary, sentence
    assert (
        "Decisions for the Steering Committee" in summary and "adopt the work plan for May 2025 – Oct 2025" in summary
    )
    assert "Headline figures, Nov 2024 – Apr 2025" in summary


def test_contents_in_order_with_each_beneficiary_on_one_page(pdfs: dict[str, Path]) -> None:
    texts = pages(pdfs["manager"])
    lines = re.finditer(r"^\s*(\S.*?)[ .]*?(\d+)\s*$", texts[2], re.M)
    listed = [(m.group(1).strip(" ."), int(m.group(2))) for m in lines if not m.group(1).startswith("Page ")]
    names = [name for name, _page in listed]
    assert names[0] == "Summary and headline figures" and names[-1] == "Method annex"
    numbers = [page for _name, page in listed]
    assert numbers == sorted(numbers), listed
    start = names.index("Beneficiaries")
    assert names[start + 1] == "Albania" and names[names.index("Work plan") - 1] == "Regional"
    beneficiary_pages = numbers[start + 1 : names.index("Work plan") + 1]
    assert all(b - a == 1 for a, b in zip(beneficiary_pages, beneficiary_pages[1:], strict=False)), listed
    for name, page in listed:
        assert name.split()[0] in flat(texts[page - 1]), (name, page)


def test_long_notes_are_cut_in_the_table_and_given_in_full_in_the_annex(
    pdfs: dict[str, Path], contents: dict[str, ReportContent]
) -> None:
    from indicators.present.reports.pdf import NOTE_LIMIT

    text = flat(run("pdftotext", str(pdfs["manager"]), "-"))
    long_notes = [str(c) for c in contents["manager"].logframe["comment"] if len(str(c)) > NOTE_LIMIT]
    assert long_notes
    annex = text[text.index("Notes annex The comments cut short") :]
    for note in long_notes:
        assert flat(note) in annex
    assert "(note 1)" in text


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_progress_is_never_capped_and_over_achievement_is_marked(
    pdfs: dict[str, Path], contents: dict[str, ReportContent], audience: str
) -> None:
    status = contents[audience].status
    over = status[status["progress"].astype("Float64").fillna(0) >= 1.5]
    assert len(over), "the demo has over-achieved figures this semester"
    text = flat(run("pdftotext", str(pdfs[audience]), "-"))
    for value in over["progress"]:
        assert f"{round(100 * float(value))}% ⇑" in text


def test_the_donor_edition_has_no_workflow_text(pdfs: dict[str, Path]) -> None:
    donor = run("pdftotext", str(pdfs["donor"]), "-")
    assert "No explanation given" not in donor and "need an explanation" not in donor
    assert "No explanation given" in run("pdftotext", str(pdfs["manager"]), "-")


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_a_results_group_is_never_left_at_the_foot_of_a_page(pdfs: dict[str, Path], audience: str) -> None:
    """A results-chain group's heading ("Output · OP2.1: ...") was printed alone at the foot of a logframe page,
    its rows on the next one; it is a table sub-header now, kept with its first row and repeated when the rows go
    on."""
    levels = ("Impact (overall objective) ·", "Outcome (specific objective) ·", "Output ·")
    seen = 0
    for number, text in enumerate(pages(pdfs[audience]), start=1):
        lines = [line.strip() for line in text.split("*All references to Kosovo")[0].splitlines() if line.strip()]
        groups = [line for line in lines if line.startswith(levels)]
        seen += len(groups)
        if groups:
            assert not lines[-1].startswith(levels), (number, lines[-1])
    assert seen >= 10


HOSTILE = (
    '\uf0b7 Pasted bullet, 👍, \x92quoted\x92, 中文, \ufffe; #panic("x") *not bold* $x$ <label> "closed" \\ '
    "write to ministry.prisons.reporting@justice.gov.example or see Annex_7_monitoring_framework_final_v2.xlsx"
)


def _with_comment(content: ReportContent, text: str) -> ReportContent:
    """The content with ``text`` as the comment of every logframe row and of every beneficiary row."""
    import dataclasses

    return dataclasses.replace(
        content, logframe=content.logframe.assign(comment=text), status=content.status.assign(comment=text)
    )


def test_workbook_text_any_character_prints_as_text_and_never_stops_the_pdf(
    contents: dict[str, ReportContent], tmp_path: Path
) -> None:
    """A character no font of the report draws (a bullet pasted from Word, an emoji, a Windows-1252 quote read as
    Latin-1, a script DejaVu Sans lacks) stopped the whole PDF (PDF/UA-1 allows no undrawable glyph): it prints as
    U+FFFD, and markup or code in the text prints as itself."""
    from indicators.present.reports.pdf import pdf_bytes

    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf_bytes(_with_comment(contents["manager"], HOSTILE)))
    text = flat(run("pdftotext", str(path), "-")).replace("\u200b", "")
    assert "\ufffd Pasted bullet, \ufffd, quoted, \ufffd\ufffd, \ufffd;" in text
    assert '#panic("x") *not bold* $x$ <label> "closed"' in text


def test_a_long_word_breaks_rather_than_running_off_the_page(
    contents: dict[str, ReportContent], tmp_path: Path
) -> None:
    """An e-mail address or a file name longer than its column ran out of its cell and off the page (Typst
    never breaks inside a word): it now breaks after '@', '.' or '_', or every WORD_LIMIT characters."""
    from indicators.present.reports.pdf import pdf_bytes

    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_bytes(_with_comment(contents["manager"], HOSTILE + " " + "x" * 70)))
    info = run("pdfinfo", "-f", "1", "-l", "40", str(path))
    widths = [float(w) for w in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x", info)]
    seen = False
    for number, words in enumerate(bbox_words(path), start=1):
        right = widths[number - 1] - 15 * 72 / 25.4  # the right margin, 15 mm
        for _x0, _y0, x1, _y1, word in words:
            seen |= "reporting@" in word
            assert x1 <= right + 1, (number, word, x1, right)
    assert seen


@pytest.mark.parametrize("audience", ["manager", "donor"])
def test_a_status_symbol_stays_with_its_word(pdfs: dict[str, Path], audience: str) -> None:
    """'✔ / Completed' and '◐ En / cours' broke a symbol from its word in headers and legends: a no-break space
    joins them, so each symbol is followed by its word on the same line."""
    from indicators.compute.progress import STATUSES
    from indicators.present.charts import ACTIVITY_STYLES

    labels = {(s.symbol, s.label.split()[0].lower()) for s in STATUSES}
    labels |= {(style.symbol, style.label.split()[0].lower()) for style in ACTIVITY_STYLES.values()}
    checked = 0
    for number, words in enumerate(bbox_words(pdfs[audience]), start=1):
        for (_x0, y0, _x1, _y1, word), (_a0, b0, _a1, _b1, after) in zip(words, words[1:], strict=False):
            if (word, after.lower()) in labels:
                checked += 1
                assert abs(b0 - y0) < 1, (number, word, after)  # the word is on the symbol's line
    assert checked > 50


def test_a_semester_with_nothing_to_show_still_prints(contents: dict[str, ReportContent], tmp_path: Path) -> None:
    """No status, no results framework rows, no activities: the contents leave out the beneficiary pages and
    each table says there is nothing to show (the empty legend and the contents' link to missing pages were
    Typst errors)."""
    import dataclasses

    from indicators.present.reports.pdf import pdf_bytes

    c = contents["manager"]
    empty = dataclasses.replace(
        c,
        status=c.status.iloc[0:0],
        status_counts=c.status_counts.iloc[0:0],
        logframe=c.logframe.iloc[0:0],
        delivery=c.delivery.iloc[0:0],
        activities=c.activities.iloc[0:0],
        completeness=c.completeness.iloc[0:0],
        missing=c.missing.iloc[0:0],
    )
    path = tmp_path / "empty.pdf"
    path.write_bytes(pdf_bytes(empty))
    text = flat(run("pdftotext", str(path), "-"))
    assert "No indicator has a target or a value in this semester." in text and "Nothing to show." in text
    assert "Beneficiaries" not in text.split("Method annex")[0].split("Contents")[1]


def test_the_cover_writes_days_as_the_stamp_does(contents: dict[str, ReportContent]) -> None:
    """The cover said 'Generated 07 December 2026' beside 'approved 7 December 2026'."""
    import dataclasses
    import datetime as dt

    from indicators.present.reports.pdf import report_source

    early = dataclasses.replace(contents["manager"], generated_at=dt.datetime(2026, 12, 7, 4, 5, tzinfo=dt.UTC))
    source = report_source(early)
    assert '"7 December 2026, 04:05 UTC"' in source and "07 December" not in source
