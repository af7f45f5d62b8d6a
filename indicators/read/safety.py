"""Checks on an uploaded file before any workbook reader sees it: size, format, zip bounds, XML, far cells.

The format is told from the file's first bytes, never from its name. Zip bounds come from the central
directory before anything is inflated, and every entry is then inflated in chunks under a cap (declared
sizes are not trusted: the CRC check catches entries that lie). Macros, external links and data
connections are never run or followed; they are only noted. Each refusal raises ``UnreadableWorkbook``
with one sentence the analyst can act on.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import NoReturn
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.problems import UnreadableWorkbook
from indicators.domain.settings import setting_float, setting_int

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
OFFICE_DOCUMENT = "/officeDocument"  # relationship types end so, in the transitional and strict namespaces
RATIO_MIN_BYTES = 1 << 20  # entries smaller than this are never a bomb, whatever their compression ratio
CHUNK = 1 << 20
KEPT_SUFFIXES = (".xml", ".rels")  # entries kept after inflating (sheet XML is scanned again by the reader)
MAX_COLUMNS = 16_384
MAX_ROWS = 1_048_576

_CELL_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')  # cells' r="B12" (rows' r="12" has no letters)
FULL_SCAN_BYTES = 4 << 20
_FAR_REF = re.compile(rb' r="(?:[A-Z]{2,3}[0-9]|[A-Z][0-9]{7})')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
RARE_HITS = 1000  # hits of a one-byte search looked at one by one before whole searches take over

NOT_ALLOWED_XML = N_(
    "{subject} contains XML constructs that are not allowed in a workbook (entity or DOCTYPE declarations); "
    "save the workbook again from Excel and upload that."
)
SAVE_AS_XLSX = N_("open it in Excel and save it as Excel Workbook (.xlsx), then upload that")
PASSWORD = N_("{subject} is protected by a password; remove the password in Excel, save again and upload it.")
ZIP_BOMB = N_(
    "{subject} unpacks to more than the {limit} MB allowed (a 'zip bomb'); save the workbook again from Excel and "
    "upload that."
)


def _amount(value: float, spec: str) -> str:
    """A size in a sentence: as ``format(value, spec)`` writes it in English, for the language otherwise."""
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return format(value, spec)
    return i18n.number(value, decimals=1 if spec == ".1f" else 0 if spec in (".0f", ",") else 3)


def _refuse_kind(subject: str, kind: str) -> NoReturn:
    """Refuse a file of another kind: '{subject} is {kind}; open it in Excel and save it as ...'."""
    _refuse(_("{subject} is {kind}; {advice}.").format(subject=subject, kind=kind, advice=_(SAVE_AS_XLSX)))


@dataclass
class ZipSummary:
    """What the checks learnt about a workbook's package; ``parts`` holds the inflated XML by entry name."""

    entries: int
    uncompressed_bytes: int
    sheets: list[tuple[str, str, bool]]  # (name, xml_path, visible), in workbook order
    has_macros: bool = False
    has_external_links: bool = False
    has_connections: bool = False
    notes: list[str] = field(default_factory=list)
    parts: dict[str, bytes] = field(default_factory=dict, repr=False)


def check_upload(data: bytes, file_name: str = "") -> ZipSummary:
    """The summary of a workbook that is safe to read; raises ``UnreadableWorkbook`` with one sentence if not."""
    subject = f"'{file_name}'" if file_name else _("The file")
    if not data:
        _refuse(_("{subject} is empty (0 bytes); save the workbook again and upload it.").format(subject=subject))
    limit_mb = setting_float("MAX_UPLOAD_MB")
    if len(data) > limit_mb * (1 << 20):
        _refuse(
            _(
                "{subject} is {size} MB, more than the {limit} MB allowed; "
                "delete unused sheets, pictures and empty rows, or split it, and upload it again."
            ).format(subject=subject, size=_amount(len(data) / (1 << 20), ".1f"), limit=_amount(limit_mb, "g"))
        )
    if data.startswith(OLE_MAGIC):
        if any(name in data for name in ENCRYPTION_STREAMS):
            _refuse(_(PASSWORD).format(subject=subject))
        _refuse_kind(subject, _("an old-format Excel file (.xls)"))
    if not data.startswith(ZIP_MAGICS):
        _refuse_kind(subject, _("{kind}, not an Excel workbook").format(kind=_kind_of_text(data)))
    return _check_package(data, subject)


def _refuse(sentence: str) -> NoReturn:
    """Raise the one-sentence refusal."""
    raise UnreadableWorkbook(sentence)


def _kind_of_text(data: bytes) -> str:
    """What a non-zip, non-OLE file most likely is, in words."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\r\n\t ").lower()
    if head.startswith(b"%pdf"):
        return _("a PDF document")
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<table" in head:
        return _("a web page (HTML)")
    if head.startswith(b"<"):
        return _("an XML file")
    sample = data[:2048]
    if b"\x00" in sample:
        return _("a file of another kind")
    if b"," in sample or b";" in sample or b"\t" in sample:
        return _("text, such as a CSV export")
    return _("a text file")


def _damaged(subject: str) -> str:
    """The sentence for a damaged or incomplete file."""
    return _("{subject} is damaged or incomplete; save it again from Excel and upload it again.").format(
        subject=subject
    )


def _check_package(data: bytes, subject: str) -> ZipSummary:
    """The summary of a zip package that holds an .xlsx workbook within every bound."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        _refuse(_damaged(subject))
    names = {_part_name(info) for info in infos}
    if len(names) != len(infos):  # two entries of one name: readers may disagree on which one is the sheet
        _refuse(_damaged(subject))
    if len(infos) > setting_int("MAX_ZIP_ENTRIES"):
        _refuse(
            _(
                "{subject} holds {parts} parts, more than the {limit} a workbook may hold; "
                "save it again as a plain Excel Workbook (.xlsx) without pictures and objects."
            ).format(subject=subject, parts=len(infos), limit=setting_int("MAX_ZIP_ENTRIES"))
        )
    _check_kind(archive, names, subject)
    uncompressed = sum(info.file_size for info in infos)
    limit_mb = setting_float("MAX_UNZIPPED_MB")
    if uncompressed > limit_mb * (1 << 20):
        _refuse(
            _(
                "{subject} unpacks to {size} MB, more than the {limit} MB allowed; "
                "delete unused sheets and empty rows and columns, save again and upload it."
            ).format(subject=subject, size=_amount(uncompressed / (1 << 20), ".0f"), limit=_amount(limit_mb, "g"))
        )
    ratio_limit = setting_float("MAX_COMPRESSION_RATIO")
    for info in infos:
        if info.file_size >= RATIO_MIN_BYTES and info.file_size > ratio_limit * max(info.compress_size, 1):
            _refuse(
                _(
                    "{subject} contains a part that unpacks to far more than a workbook holds (a 'zip bomb'); "
                    "save the workbook again from Excel and upload that."
                ).format(subject=subject)
            )
    parts = _inflated_parts(archive, infos, int(limit_mb * (1 << 20)), subject)
    summary = _summary(parts, names, len(infos), uncompressed, subject)
    _check_extents(summary, subject)
    return summary


def _check_kind(archive: zipfile.ZipFile, names: set[str], subject: str) -> None:
    """Refuse zips that are OpenDocument, binary Excel, other office documents or no workbook at all."""
    if "mimetype" in names:
        try:
            with archive.open("mimetype") as handle:
                mimetype = handle.read(200)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError):
            mimetype = b""
        if mimetype.strip().startswith(ODS_MIMETYPE):
            _refuse_kind(subject, _("an OpenDocument spreadsheet (.ods)"))
        _refuse_kind(subject, _("an OpenDocument file, not an Excel workbook"))
    if any(name.endswith("workbook.bin") for name in names):
        _refuse_kind(subject, _("an Excel Binary Workbook (.xlsb)"))
    if "[Content_Types].xml" not in names:
        _refuse_kind(subject, _("a zip archive, not an Excel workbook"))
    if any(name.startswith("word/") for name in names):
        _refuse_kind(subject, _("a Word document, not an Excel workbook"))
    if any(name.startswith("ppt/") for name in names):
        _refuse_kind(subject, _("a PowerPoint presentation, not an Excel workbook"))
    if not any(name.endswith("workbook.xml") for name in names):
        _refuse_no_workbook(subject)


def _refuse_no_workbook(subject: str) -> NoReturn:
    _refuse(
        _("{subject} is not an Excel workbook (it has no workbook part); {advice}.").format(
            subject=subject, advice=_(SAVE_AS_XLSX)
        )
    )


def _inflated_parts(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], budget: int, subject: str
) -> dict[str, bytes]:
    """Every XML entry inflated under a total cap (other entries are inflated to check them, then dropped)."""
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        keep = info.filename.endswith(KEPT_SUFFIXES)
        chunks: list[bytes] = []
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    total += len(chunk)
                    if total > budget:
                        _refuse(_(ZIP_BOMB).format(subject=subject, limit=budget >> 20))
                    if keep:
                        chunks.append(chunk)
        except RuntimeError:  # zipfile's way of saying an entry is encrypted
            _refuse(_(PASSWORD).format(subject=subject))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, KeyError):
            _refuse(_damaged(subject))
        if keep:
            content = b"".join(chunks)
            if holds(content, _FORBIDDEN_XML):
                _refuse(_(NOT_ALLOWED_XML).format(subject=subject))
            parts[_part_name(info)] = content
    return parts


def holds(content: bytes, needles: tuple[bytes, ...], start: int = 0, end: int | None = None) -> bool:
    """Whether any of the needles (markup such as b"<!DOCTYPE" or b"<?") appears in ``content[start:end]``.

    Each needle is looked for from its second byte while that byte is rare: a one-byte find is a fast
    memchr, while a needle starting with a byte as common as '<' is compared byte by byte. Past RARE_HITS
    hits, whole searches bound the time a hostile file can take.
    """
    end = len(content) if end is None else end
    for mark in dict.fromkeys(needle[1:2] for needle in needles):
        mine = tuple(needle for needle in needles if needle[1:2] == mark)
        at, hits = content.find(mark, start + 1, end), 0
        while at >= 0 and hits < RARE_HITS:
            if any(content.startswith(needle, at - 1, end) for needle in mine):
                return True
            at, hits = content.find(mark, at + 1, end), hits + 1
        if at >= 0 and any(content.find(needle, at - 1, end) >= 0 for needle in mine):
            return True
    return False


def _part_name(info: zipfile.ZipInfo) -> str:
    """An entry's part name with forward slashes (some Windows tools write backslashes)."""
    return info.filename.replace("\\", "/")


def parse_xml(content: bytes, subject: str | None = None) -> Element:
    """An XML part parsed with entity and DOCTYPE declarations refused."""
    subject = subject if subject is not None else _("The file")
    try:
        return safe_et.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        _refuse(_(NOT_ALLOWED_XML).format(subject=subject))
    except (ParseError, ValueError):
        _refuse(_damaged(subject))


def _local(tag: str) -> str:
    """An XML tag or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _relationships(parts: dict[str, bytes], rels_path: str, base_dir: str, subject: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part name resolved against ``base_dir``)."""
    if rels_path not in parts:
        return {}
    out = {}
    for rel in parse_xml(parts[rels_path], subject).iter():
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base_dir, target))
        )
        out[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    return out


def _rels_path(part: str) -> str:
    """The relationships part of a part, e.g. xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _summary(parts: dict[str, bytes], names: set[str], entries: int, uncompressed: int, subject: str) -> ZipSummary:
    """The package summary: sheets from workbook.xml and its relationships, and what is noted about it."""
    parse_xml(parts.get("[Content_Types].xml", b"<Types/>"), subject)
    root_rels = _relationships(parts, "_rels/.rels", "", subject)
    workbook_path = next(
        (target for kind, target in root_rels.values() if kind.endswith(OFFICE_DOCUMENT) and target in parts),
        "xl/workbook.xml",
    )
    if workbook_path not in parts:
        _refuse_no_workbook(subject)
    workbook = parse_xml(parts[workbook_path], subject)
    rels = _relationships(parts, _rels_path(workbook_path), posixpath.dirname(workbook_path), subject)
    sheets = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        name = element.get("name", "")
        _kind, target = rels.get(_attribute(element, "id") or "", ("", ""))
        sheets.append((name, target, element.get("state", "visible") == "visible"))
    if not sheets:
        _refuse(_("{subject} has no sheets; {advice}.").format(subject=subject, advice=_(SAVE_AS_XLSX)))
    content_types = parts.get("[Content_Types].xml", b"")
    summary = ZipSummary(
        entries=entries,
        uncompressed_bytes=uncompressed,
        sheets=sheets,
        has_macros=any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types,
        has_external_links=any(n.startswith("xl/externalLinks/") for n in names),
        has_connections="xl/connections.xml" in names,
        parts=parts,
    )
    if summary.has_macros:
        summary.notes.append(_("The workbook contains macros; they were not run, and only cell values were read."))
    if summary.has_external_links:
        summary.notes.append(
            _("The workbook links to other files; the links were not followed, values were read as saved.")
        )
    if summary.has_connections:
        summary.notes.append(
            _("The workbook has data connections; they were not refreshed, values were read as saved.")
        )
    return summary


def column_number(letters: str) -> int:
    """The 1-based number of a column given by its letters (A → 1, XFD → 16384)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    """The letters of a 1-based column number (1 → A, 16384 → XFD)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """The last row and the last column a sheet reaches, from its dimension and its cells' references.

    Fast on large sheets: the dimension and the references in the first and last 64 KB are read; in sheets
    up to FULL_SCAN_BYTES of XML one search also looks for a reference anywhere that could reach further
    (two or three column letters, or a seven-digit row), and only then is every reference read. A far
    cell hidden in the middle of a larger sheet is left to the parsing worker's memory and time limits,
    which turn a reader that allocates too much or aborts into a clear message.
    """
    last_row = last_col = 0
    head_end = xml.find(b"sheetData")  # the dimension comes before the cells
    dimension = _DIMENSION.search(xml, 0, head_end if head_end >= 0 else 65536)
    if dimension:
        for letters, digits in _REF.findall(dimension.group(1).decode("ascii", "replace")):
            last_row, last_col = max(last_row, int(digits)), max(last_col, column_number(letters))
    window = 65536
    refs = _CELL_REF.findall(xml, 0, window) + _CELL_REF.findall(xml, max(0, len(xml) - window))
    if len(xml) <= FULL_SCAN_BYTES and _FAR_REF.search(xml):
        refs = _CELL_REF.findall(xml)
    for letters, digits in set(refs):
        last_row, last_col = max(last_row, int(digits)), max(last_col, column_number(letters.decode()))
    return last_row, last_col


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))  # never allowed in XML 1.0, even escaped-free
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sheet_is_well_formed_text(xml: bytes) -> bool:
    """Whether a sheet's XML is text Excel would open: valid UTF-8 (or UTF-16 with its mark), no control bytes.

    calamine skips what lies between elements, so bytes that are not UTF-8 there would be read silently
    while Excel refuses the file. Plain ASCII (the usual sheet, whose text sits in the shared strings) is
    told in one fast pass; other text is decoded once.
    """
    if xml.startswith(_UTF16_BOMS):
        try:
            xml = xml.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False
    elif not xml.isascii():
        try:
            xml.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return len(xml.translate(None, _CONTROL_BYTES)) == len(xml)


def _check_extents(summary: ZipSummary, subject: str) -> None:
    """Refuse a sheet whose used range (from A1) spans more cells than MAX_CELLS, or whose XML is not text."""
    limit = setting_int("MAX_CELLS")
    for name, path, _visible in summary.sheets:
        xml = summary.parts.get(path)
        if xml is None:  # a sheet whose part is missing, or not XML: never read it unchecked
            _refuse(
                _(
                    "{subject} is damaged: its sheet '{sheet}' cannot be found; save it again from Excel and upload it."
                ).format(subject=subject, sheet=name)
            )
        rows, cols = sheet_extent(xml)
        if rows * cols > limit or rows > MAX_ROWS or cols > MAX_COLUMNS:
            _refuse(
                _(
                    "The sheet '{sheet}' reaches cell {cell}, more than the {limit} cells "
                    "allowed; delete the empty rows and columns after your data and save again."
                ).format(sheet=name, cell=f"{column_letters(cols)}{rows}", limit=_amount(limit, ","))
            )
        if not sheet_is_well_formed_text(xml):
            _refuse(
                _(
                    "{subject} is damaged: its sheet '{sheet}' holds bytes that are not text (not UTF-8), which Excel "
                    "also refuses to open; save it again from Excel, or copy its cells into a new workbook, "
                    "and upload that."
                ).format(subject=subject, sheet=name)
            )
