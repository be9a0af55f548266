"""The sales report as a PDF, drawn with ReportLab.

The report is a long table (a row per receipt), which WeasyPrint laid out in seconds: 1,000 rows
took 4.9 s, and the first PDF of a worker 5.7 s, mostly the import and the layout engine
(bench/results/reports_sales.txt). ReportLab draws the same page — letter, the header block, the
table with its header repeated on every page, the totals, "Página N de M" and the entity's name
at the foot — in a fraction of that. Text is measured and wrapped here, so a long name takes
two lines instead of running into the next column.

Fonts: DejaVu Sans (Debian's fonts-dejavu-core, which the receipts use too) when it is
installed, for every character a name may hold; ReportLab's built-in Helvetica otherwise.
"""

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, SimpleDocTemplate, Spacer, Table, TableStyle

from aom.lib.numbers import format_decimal
from billing.money import format_kwh, format_pesos

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
MARGINS = {"left": 14 * mm, "right": 14 * mm, "top": 18 * mm, "bottom": 18 * mm}
BODY_SIZE = 9
GREY = colors.HexColor("#555555")


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once per process."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class Column:
    title: str
    share: float  # of the table's width
    align: str = "LEFT"


def _numbered_canvas(footer_left: str):
    """A canvas that writes "Página N de M" once the number of pages is known."""
    regular, _bold = fonts()

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(regular, 8)
                self.setFillColor(GREY)
                y = MARGINS["bottom"] / 2
                self.drawString(MARGINS["left"], y, footer_left)
                label = _("Página %(page)s de %(pages)s") % {"page": self._pageNumber, "pages": total}
                self.drawRightString(letter[0] - MARGINS["right"], y, label)
                super().showPage()
            super().save()

    return NumberedCanvas


def _wrap(text: str, font: str, size: float, width: float) -> str:
    """`text` broken into lines that fit `width` (a word longer than the width is cut)."""
    lines = simpleSplit(text, font, size, width)
    return "\n".join(lines) if lines else ""


def sales_report_pdf(
    *, entity, generated_by, generated_at, filter, filter_description, rows, totals, voided=(), voided_totals=None
) -> bytes:
    """The sales report: who generated it and when, the filter, a row per receipt, the totals,
    then the voided receipts apart (they are in no total)."""
    regular, bold = fonts()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=letter,
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        title=_("Reporte de ventas"),
        author=generated_by.full_name,
        creator="AOM",
    )
    width = doc.width
    story = []

    title = Table([[f"{_('Reporte de ventas')} — {entity.name}"]], colWidths=[width])
    title.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), bold, 14), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(title)
    story.append(Spacer(1, 3 * mm))

    half = width / 2 - 2 * mm
    left = [
        _("Generado por"),
        f"{_('Nombre')}: {generated_by.full_name}",
        f"{_('Identificación')}: {generated_by.identification or '—'}",
        f"{_('Fecha inicial')}: {filter.start:%Y-%m-%d}",
        f"{_('Fecha final')}: {filter.end:%Y-%m-%d}",
    ]
    right = [_("Consultar por"), filter_description, f"{_('Generado el')}: {generated_at:%Y-%m-%d %H:%M}"]
    meta_rows = []
    for i in range(max(len(left), len(right))):
        cells = [left[i] if i < len(left) else "", right[i] if i < len(right) else ""]
        meta_rows.append([_wrap(c, regular, BODY_SIZE, half - 2) for c in cells])
    meta = Table(meta_rows, colWidths=[width / 2, width / 2])
    meta.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, BODY_SIZE),
                ("FONT", (0, 0), (-1, 0), bold, BODY_SIZE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(meta)
    story.append(Spacer(1, 4 * mm))

    columns = [
        Column(_("# Factura"), 0.16),
        Column(_("Cliente"), 0.46),
        Column(_("Fecha"), 0.22),
        Column(_("Valor"), 0.16, "RIGHT"),
    ]
    widths = [c.share * width for c in columns]
    pad = 1 * mm
    name_width = widths[1] - 2 * pad
    data = [[c.title for c in columns]]
    for r in rows:
        data.append(
            [
                r.number,
                _wrap(f"{r.customer_name} ({r.customer_identification})", regular, BODY_SIZE, name_width),
                f"{r.issued_at:%Y-%m-%d %H:%M:%S}",
                format_pesos(r.total),
            ]
        )
    if len(data) == 1:
        data.append([_("No hay recargas en este intervalo."), "", "", ""])
    style = [
        ("FONT", (0, 0), (-1, -1), regular, BODY_SIZE),
        ("FONT", (0, 0), (-1, 0), bold, BODY_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 1), (-1, -1), 0.8 * mm),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 0.8 * mm),
    ]
    style += [("ALIGN", (i, 0), (i, -1), c.align) for i, c in enumerate(columns) if c.align != "LEFT"]
    if not rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    story.append(Spacer(1, 2 * mm))

    total_rows = [
        [_("# Recargas"), format_decimal(totals.count, 0)],
        [_("kWh"), format_kwh(totals.kwh)],
        [_("Subtotal"), format_pesos(totals.subtotal)],
        [_("IVA"), format_pesos(totals.iva)],
        [_("Total"), format_pesos(totals.total)],
    ]
    summary = Table(total_rows, colWidths=[width - widths[-1], widths[-1]])
    summary.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), bold, BODY_SIZE),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("LINEABOVE", (0, 0), (-1, 0), 0.75, colors.black),
            ]
        )
    )
    story.append(summary)
    if voided:
        story.append(Spacer(1, 5 * mm))
        story.append(_voided_table(voided, voided_totals, width, regular, bold, pad))
    doc.build(story, canvasmaker=_numbered_canvas(entity.name))
    return out.getvalue()


def _voided_table(voided, voided_totals, width, regular, bold, pad):
    """The voided receipts of the report, with their reason: listed, never added up with the sales."""
    shares = (0.16, 0.30, 0.22, 0.32)
    widths = [share * width for share in shares]
    heading = [_("Comprobantes anulados (no suman en los totales)"), "", "", ""]
    data = [heading, [_("# Factura"), _("Cliente"), _("Fecha"), _("Motivo")]]
    for v in voided:
        data.append(
            [
                v.number,
                _wrap(f"{v.customer_name} · {format_pesos(v.total)}", regular, BODY_SIZE, widths[1] - 2 * pad),
                f"{v.issued_at:%Y-%m-%d %H:%M:%S}",
                _wrap(v.reason, regular, BODY_SIZE, widths[3] - 2 * pad),
            ]
        )
    if voided_totals is not None:
        data.append([_("Anulados"), format_decimal(voided_totals.count, 0), "", format_pesos(voided_totals.total)])
    table = LongTable(data, colWidths=widths, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, BODY_SIZE),
                ("FONT", (0, 0), (-1, 1), bold, BODY_SIZE),
                ("SPAN", (0, 0), (-1, 0)),
                ("LINEBELOW", (0, 1), (-1, 1), 0.75, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ]
        )
    )
    return table
