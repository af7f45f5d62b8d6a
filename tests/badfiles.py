"""Factories that build hostile or odd upload files in code, each returning the file's bytes.

Used by tests/test_safety.py, tests/test_reader.py and tests/test_worker.py, and by the end-to-end
bad-input suite. ``far_cell`` must only ever be read through ``worker.parse_isolated`` or
``safety.check_upload``: fed straight to calamine it aborts the Python process.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import openpyxl

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
OFFICE_DOCUMENT_TYPE = REL_NS + "/officeDocument"


# ---- building blocks -------------------------------------------------------------------------------------


def xlsx_from_rows(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    """A valid .xlsx written by openpyxl: one sheet per item, rows written from A1, None for empty cells."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if name in hidden:
            ws.sheet_state = "hidden"
    return _saved(wb)


def _saved(wb: openpyxl.Workbook) -> bytes:
    """The bytes of an openpyxl workbook."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_from_parts(parts: dict[str, bytes], precompressed: dict[str, tuple[bytes, int, int]] | None = None) -> bytes:
    """A zip built by hand: ``parts`` are deflated here; ``precompressed`` maps a name to (deflate stream,
    declared uncompressed size, crc32), so sizes can be declared that the data does not keep to."""
    entries: list[tuple[str, bytes, int, int]] = []
    for name, raw in parts.items():
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((name, comp.compress(raw) + comp.flush(), len(raw), zlib.crc32(raw)))
    for name, (stream, size, crc) in (precompressed or {}).items():
        entries.append((name, stream, size, crc))
    body = io.BytesIO()
    central = io.BytesIO()
    for name, stream, size, crc in entries:
        encoded = name.encode()
        offset = body.tell()
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded), 0))
        body.write(encoded)
        body.write(stream)
        central.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    cd = central.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), body.tell(), 0)
    return body.getvalue() + cd + end


def sheet_xml(rows_xml: str, dimension: str = "A1", extra_after: str = "", prefix: str = "") -> bytes:
    """A worksheet part: ``rows_xml`` goes inside <sheetData>; ``extra_after`` follows it (merges ...)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{SHEET_NS}"' if prefix else f'xmlns="{SHEET_NS}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {xmlns}>'
        f'<{p}dimension ref="{dimension}"/><{p}sheetData>{rows_xml}</{p}sheetData>{extra_after}</{p}worksheet>'
    ).encode()


def workbook_parts(
    sheets: dict[str, bytes], states: dict[str, str] | None = None, workbook_prolog: str = ""
) -> dict[str, bytes]:
    """The parts of a minimal hand-written .xlsx around the given worksheet parts (name → sheet XML)."""
    states = states or {}
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT_TYPE}" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_tags = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
        + (f' state="{states[name]}"' if name in states else "")
        + "/>"
        for i, name in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?>{workbook_prolog}<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{sheet_tags}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{WORKSHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": content_types.encode(),
        "_rels/.rels": root_rels.encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
        f"{rels}</Relationships>".encode(),
    }
    for i, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    return parts


def _inline(ref: str, text: str) -> str:
    """An inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_and_row(sheet: str = "Values") -> dict[str, bytes]:
    """Parts of a workbook with one sheet holding a header row and one data row."""
    rows = f'<row r="1">{_inline("A1", "Indicator ID")}{_inline("B1", "Value")}</row>'
    rows += f'<row r="2">{_inline("A2", "IND-01")}<c r="B2"><v>3</v></c></row>'
    return workbook_parts({sheet: sheet_xml(rows, "A1:B2")})


# ---- not a workbook at all ---------------------------------------------------------------------------------


def not_utf8_between_elements() -> bytes:
    """A Values sheet whose XML holds bytes that are not UTF-8 between two rows, outside any cell (Excel refuses it)."""
    parts = _header_and_row()
    xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = xml.replace(b'</row><row r="2">', b'</row>\xff\xfe\xe9<row r="2">')
    return zip_from_parts(parts)


def control_byte_in_sheet() -> bytes:
    """A Values sheet whose XML holds a control character (never allowed in XML 1.0) between elements."""
    parts = _header_and_row()
    xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = xml.replace(b'</row><row r="2">', b'</row>\x01<row r="2">')
    return zip_from_parts(parts)


def empty() -> bytes:
    """A file of zero bytes."""
    return b""


def html_named_xlsx() -> bytes:
    """A web page, as some systems export 'Excel' files."""
    return b"<!DOCTYPE html>\n<html><body><table><tr><td>Indicator ID</td></tr></table></body></html>\n"


def csv_text() -> bytes:
    """Comma-separated text."""
    return b"Indicator ID,Beneficiary,Semester,Value\nIND-01,ALB,2025NovS1,3\n"


def pdf_header() -> bytes:
    """The start of a PDF document."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def xml_spreadsheet_2003() -> bytes:
    """An 'XML Spreadsheet 2003' file, plain XML rather than a zip."""
    return (
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Values"/></Workbook>\n'
    )


def legacy_xls() -> bytes:
    """An OLE2 compound file without encryption streams: what an old .xls looks like at the start."""
    return OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(4000)


def encrypted_ooxml() -> bytes:
    """An OLE2 compound file naming the EncryptionInfo and EncryptedPackage streams: a password-protected .xlsx."""
    names = "".join(n.ljust(32, "\0") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return OLE_MAGIC + bytes(504) + names.encode("utf-16-le") + bytes(4000)


# ---- zips that are not .xlsx ----------------------------------------------------------------------------


def ods_file() -> bytes:
    """An OpenDocument spreadsheet (LibreOffice's own format)."""
    return zip_from_parts(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b'<?xml version="1.0"?><office:document-content xmlns:office="x"/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest/>',
        }
    )


def xlsb_file() -> bytes:
    """An Excel binary workbook (.xlsb)."""
    return zip_from_parts(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "xl/workbook.bin": b"\x83\x01\x00" * 20,
            "xl/worksheets/sheet1.bin": b"\x81\x01\x00" * 20,
        }
    )


def plain_zip() -> bytes:
    """A zip of text files, not an office document."""
    return zip_from_parts({"readme.txt": b"hello", "data/values.csv": b"a,b\n1,2\n"})


def word_document() -> bytes:
    """A zip shaped like a Word document."""
    return zip_from_parts({"[Content_Types].xml": b'<?xml version="1.0"?><Types/>', "word/document.xml": b"<w/>"})


def truncated_zip() -> bytes:
    """A valid workbook cut off half way, as an interrupted download leaves it."""
    data = xlsx_from_rows({"Values": [["Indicator ID", "Value"], ["IND-01", 3]]})
    return data[: len(data) // 2]


def corrupt_entry() -> bytes:
    """A workbook whose sheet entry's compressed data has been overwritten (bad CRC)."""
    parts = _header_and_row()
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = bytearray(comp.compress(sheet) + comp.flush())
    return zip_from_parts(parts, {"xl/worksheets/sheet1.xml": (bytes(stream), len(sheet), zlib.crc32(sheet) ^ 0xFFFF)})


# ---- bounds ----------------------------------------------------------------------------------------------


def _spaces_stream(megabytes: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of a worksheet padded with ``megabytes`` MiB of spaces, its crc32 and size; quick
    to build because one flushed block of a MiB of spaces is repeated."""
    head = sheet_xml("", "A1")[: -len(b"</worksheet>")]
    tail = b"</worksheet>"
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    chunk = b" " * (1 << 20)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.compress(tail) + comp.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    # the blocks after a full flush do not refer back, so the same bytes can be repeated
    return start + block * megabytes + end, crc, len(head) + megabytes * len(chunk) + len(tail)


def zip_bomb(megabytes: int = 300) -> bytes:
    """A workbook whose sheet inflates to ``megabytes`` MiB of spaces from a few hundred KB, sizes declared."""
    parts = _header_and_row()
    stream, crc, size = _spaces_stream(megabytes)
    del parts["xl/worksheets/sheet1.xml"]
    return zip_from_parts(parts, {"xl/worksheets/sheet1.xml": (stream, size, crc)})


def zip_bomb_lying_sizes(megabytes: int = 300) -> bytes:
    """The same bomb, but its central directory claims the sheet inflates to 10 KB."""
    parts = _header_and_row()
    stream, crc, _ = _spaces_stream(megabytes)
    del parts["xl/worksheets/sheet1.xml"]
    return zip_from_parts(parts, {"xl/worksheets/sheet1.xml": (stream, 10_000, crc)})


def too_many_entries(count: int = 2500) -> bytes:
    """A workbook zip with thousands of tiny extra entries."""
    parts = _header_and_row()
    parts.update({f"xl/media/image{i}.bin": b"x" for i in range(count)})
    return zip_from_parts(parts)


def far_cell() -> bytes:
    """A 1-cell sheet whose only cell sits at XFD1048576 (calamine aborts, openpyxl runs out of memory)."""
    rows = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return zip_from_parts(workbook_parts({"Values": sheet_xml(rows, "A1:XFD1048576")}))


def far_dimension() -> bytes:
    """A small sheet whose dimension claims the whole grid."""
    rows = f'<row r="1">{_inline("A1", "Indicator ID")}</row>'
    return zip_from_parts(workbook_parts({"Values": sheet_xml(rows, "A1:XFD1048576")}))


# ---- XML attacks ---------------------------------------------------------------------------------------------


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def billion_laughs() -> bytes:
    """A workbook whose workbook.xml declares nested entities (exponential expansion)."""
    parts = _header_and_row()
    text = parts["xl/workbook.xml"].decode()
    head, rest = text.split("?>", 1)
    parts["xl/workbook.xml"] = (head + "?>" + BILLION_LAUGHS + rest.replace('name="Values"', 'name="&lol3;"')).encode()
    return zip_from_parts(parts)


def billion_laughs_in_sheet() -> bytes:
    """A workbook whose sheet XML declares nested entities."""
    parts = _header_and_row()
    text = parts["xl/worksheets/sheet1.xml"].decode()
    head, rest = text.split("?>", 1)
    parts["xl/worksheets/sheet1.xml"] = (head + "?>" + BILLION_LAUGHS + rest).encode()
    return zip_from_parts(parts)


def external_entity() -> bytes:
    """A workbook whose workbook.xml pulls an external file in through an entity."""
    parts = _header_and_row()
    text = parts["xl/workbook.xml"].decode()
    head, rest = text.split("?>", 1)
    doctype = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    parts["xl/workbook.xml"] = (head + "?>" + doctype + rest.replace('name="Values"', 'name="&xxe;"')).encode()
    return zip_from_parts(parts)


# ---- readable workbooks with content the reader must report ------------------------------------------------------


def formulas_without_values() -> bytes:
    """Formulas written by openpyxl, which stores no calculated value (B3 and B4)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Values"
    for row in (["Indicator ID", "Value"], ["IND-01", 2], ["IND-02", "=B2*2"], ["IND-03", "=SUM(B2:B3)"]):
        ws.append(row)
    return _saved(wb)


def formula_with_cached_value() -> bytes:
    """A formula cell that carries its calculated value, as Excel saves it (B2 = 6)."""
    rows = f'<row r="1">{_inline("A1", "Indicator ID")}{_inline("B1", "Value")}</row>'
    rows += f'<row r="2">{_inline("A2", "IND-01")}<c r="B2"><f>2*3</f><v>6</v></c></row>'
    rows += f'<row r="3">{_inline("A3", "IND-02")}<c r="B3" t="str"><f>""</f><v></v></c></row>'
    return zip_from_parts(workbook_parts({"Values": sheet_xml(rows, "A1:B3")}))


def error_cells() -> bytes:
    """Cells holding Excel error values (#DIV/0! in B2, #N/A in B3)."""
    rows = f'<row r="1">{_inline("A1", "Indicator ID")}{_inline("B1", "Value")}</row>'
    rows += f'<row r="2">{_inline("A2", "IND-01")}<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    rows += f'<row r="3">{_inline("A3", "IND-02")}<c r="B3" t="e"><v>#N/A</v></c></row>'
    return zip_from_parts(workbook_parts({"Values": sheet_xml(rows, "A1:B3")}))


def merged_cells() -> bytes:
    """A data range A2:A3 merged (the second row reads as empty), and a merged title over the header row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Values"
    for row in (["Indicator ID", "Beneficiary"], ["IND-01", "ALB"], [None, "BIH"]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    return _saved(wb)


def hidden_sheet() -> bytes:
    """A workbook with a visible Values sheet and a hidden Targets sheet."""
    return xlsx_from_rows(
        {"Values": [["Indicator ID"], ["IND-01"]], "Targets": [["Indicator ID"], ["IND-02"]]}, hidden=("Targets",)
    )


def hidden_rows() -> bytes:
    """Row 3 holds data and is hidden; row 5 is hidden and empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Values"
    for row in (["Indicator ID", "Value"], ["IND-01", 1], ["IND-02", 2], ["IND-03", 3]):
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[5].hidden = True
    return _saved(wb)


def macro_workbook() -> bytes:
    """A workbook holding a VBA project, external links and a data connection (none of which is run)."""
    parts = _header_and_row()
    parts["xl/vbaProject.bin"] = OLE_MAGIC + bytes(100)
    parts["xl/externalLinks/externalLink1.xml"] = b'<?xml version="1.0"?><externalLink/>'
    parts["xl/connections.xml"] = b'<?xml version="1.0"?><connections/>'
    return zip_from_parts(parts)


def namespaced_sheet() -> bytes:
    """A sheet whose elements carry a namespace prefix (x:c), with a formula lacking its value in B2."""
    rows = '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Value</x:t></x:is></x:c></x:row>'
    rows += '<x:row r="2"><x:c r="A2"><x:f>1+1</x:f></x:c></x:row>'
    return zip_from_parts(workbook_parts({"Values": sheet_xml(rows, "A1:A2", prefix="x")}))


FACTORIES: dict[str, Callable[[], bytes]] = {
    f.__name__: f
    for f in (
        empty,
        html_named_xlsx,
        csv_text,
        pdf_header,
        xml_spreadsheet_2003,
        legacy_xls,
        encrypted_ooxml,
        ods_file,
        xlsb_file,
        plain_zip,
        word_document,
        truncated_zip,
        corrupt_entry,
        zip_bomb,
        zip_bomb_lying_sizes,
        too_many_entries,
        far_cell,
        far_dimension,
        billion_laughs,
        billion_laughs_in_sheet,
        external_entity,
        not_utf8_between_elements,
        control_byte_in_sheet,
        formulas_without_values,
        formula_with_cached_value,
        error_cells,
        merged_cells,
        hidden_sheet,
        hidden_rows,
        macro_workbook,
        namespaced_sheet,
    )
}
