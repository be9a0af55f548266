"""A small, fast .xlsx writer for long reports: one worksheet, written row by row.

openpyxl (write-only) took 12-20 s for the sales report's 100,000 rows and XlsxWriter about 5 s
of CPU (bench/results/reports_sales.txt): both build and check an object per cell. A report needs
much less: text, numbers and dates, a bold header, a number format per column. This writer
formats each row straight into SpreadsheetML and streams it into the zip, five times faster.

- Text is always an inline string: never read as a formula, a number or a link, whatever it
  starts with ("=", "+", "-", "@"). Characters XML cannot hold are dropped.
- Numbers (int, Decimal, float) are written exactly as Python writes them; dates and datetimes
  (naive, local) as Excel serial days with the format given.
- Styles are named number formats, each also available in bold: `Sheet(formats={"pesos": '"$ "#,##0'})`,
  then `sheet.append(["Total", Cell(1500, "pesos", bold=True)])`.

    sheet = Sheet("Ventas", widths=[14, 30], formats={"pesos": '"$ "#,##0'})
    sheet.append([Cell("Reporte", bold=True)])
    sheet.append_typed(rows, ["text", "pesos"])   # the fast path for a long table
    content = sheet.close()
"""

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

_EPOCH = datetime(1899, 12, 30)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FLUSH_ROWS = 2000


@dataclass(frozen=True)
class Cell:
    """A value with a named number format and/or bold."""

    value: object
    format: str = ""
    bold: bool = False


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    value = escape(value)
    if _BAD_XML.search(value):
        value = _BAD_XML.sub("", value)
    return value


def _serial(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    delta = value.replace(tzinfo=None) - _EPOCH
    return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


def _number(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value) if isinstance(value, float) else str(value)


class Sheet:
    """One worksheet, streamed into the .xlsx as rows are appended; `close()` gives the file."""

    def __init__(self, title: str, *, widths: Sequence[float] = (), formats: dict[str, str] | None = None):
        self.title = (_SHEET_NAME_BAD.sub(" ", title) or "Sheet1")[:31]
        # Dates as the pages write them; Excel's own format ids start at 164 for custom formats.
        self._format_codes = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", **(formats or {})}
        self._formats = {"": 0, **{name: 164 + i for i, name in enumerate(self._format_codes)}}
        # One cell style per (format, bold): index = 2 * position + bold.
        self._style_names = list(self._formats)
        self._row = 0
        self._buffer: list[str] = []
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
        head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
        self._sheet.write((head + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>").encode())

    def style(self, format: str = "", bold: bool = False) -> int:
        return 2 * self._style_names.index(format) + int(bold)

    def _cell(self, ref: str, value, style: int) -> str:
        s = f' s="{style}"' if style else ""
        if value is None or value == "":
            return f'<c r="{ref}"{s}/>' if style else ""
        if isinstance(value, str):
            return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}"{s}><v>{_serial(value)}</v></c>'
        return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'

    def append(self, cells: Iterable = ()) -> None:
        """One row; each cell a plain value or a `Cell`. Dates get the "date"/"datetime" format
        unless the cell names another."""
        self._row += 1
        n = self._row
        out = []
        for i, cell in enumerate(cells):
            value, fmt, bold = (cell.value, cell.format, cell.bold) if isinstance(cell, Cell) else (cell, "", False)
            if not fmt and isinstance(value, date):
                fmt = "datetime" if isinstance(value, datetime) else "date"
            out.append(self._cell(f"{column_letter(i)}{n}", value, self.style(fmt, bold)))
        self._buffer.append(f'<row r="{n}">{"".join(out)}</row>')
        self._flush_if_full()

    def append_typed(self, rows: Iterable[Sequence], kinds: Sequence[str]) -> None:
        """Many rows whose columns have fixed kinds: "text", or a format name for numbers and
        dates ("date", "datetime", or one given to the sheet). The fast path of long tables."""
        letters = [column_letter(i) for i in range(len(kinds))]
        plan = []
        for letter, kind in zip(letters, kinds, strict=True):
            if kind == "text":
                plan.append((letter, "", 0))
            elif kind in ("date", "datetime"):
                plan.append((letter, f' s="{self.style(kind)}"', 1))
            else:
                plan.append((letter, f' s="{self.style(kind)}"', 2))
        for values in rows:
            self._row += 1
            n = self._row
            out = [f'<row r="{n}">']
            for (letter, s, how), value in zip(plan, values, strict=True):
                if value is None or value == "":
                    continue
                if how == 0:
                    out.append(
                        f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
                    )
                elif how == 1:
                    out.append(f'<c r="{letter}{n}"{s}><v>{_serial(value)}</v></c>')
                else:
                    out.append(f'<c r="{letter}{n}"{s}><v>{_number(value)}</v></c>')
            out.append("</row>")
            self._buffer.append("".join(out))
            if len(self._buffer) >= _FLUSH_ROWS:
                self._flush()

    def _flush_if_full(self):
        if len(self._buffer) >= _FLUSH_ROWS:
            self._flush()

    def _flush(self):
        self._sheet.write("".join(self._buffer).encode())
        self._buffer = []

    def close(self) -> bytes:
        """The finished .xlsx file."""
        self._flush()
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        z = self._zip
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" '
            f'xmlns:r="{_REL}"><sheets><sheet name={quoteattr(self.title)} sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        z.writestr("xl/styles.xml", self._styles())
        z.close()
        return self._out.getvalue()

    def _styles(self) -> str:
        num_fmts = "".join(
            f'<numFmt numFmtId="{self._formats[name]}" formatCode={quoteattr(code)}/>'
            for name, code in self._format_codes.items()
        )
        xfs = []
        for name in self._style_names:
            for bold in (0, 1):
                applied = (' applyNumberFormat="1"' if self._formats[name] else "") + (' applyFont="1"' if bold else "")
                xfs.append(
                    f'<xf numFmtId="{self._formats[name]}" fontId="{bold}" fillId="0" borderId="0" xfId="0"{applied}/>'
                )
        xfs = "".join(xfs)
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
            f'<numFmts count="{len(self._format_codes)}">{num_fmts}</numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{2 * len(self._style_names)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
