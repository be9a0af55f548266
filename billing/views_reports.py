"""Report pages: sales (figures 11, 12), cash-up, subsidy and the dashboard.

Every figure shown comes from `billing.reports`; these views only bind the filters, call it and
render (HTML; PDF through WeasyPrint, the long sales report through ReportLab; .xlsx through
openpyxl in write-only mode, the long sales report through aom.lib.xlsx).
"""

import io
from datetime import timedelta

import openpyxl
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from aom import audit
from aom.access import admin_required, entity_member_required
from aom.lib import xlsx
from aom.lib.spreadsheet import XLSX_CONTENT_TYPE, safe_cell, safe_value
from billing import report_pdf, reports
from billing.charts import bar_chart, horizontal_bar_chart
from billing.forms_reports import CashupForm, MonthForm, SalesReportForm, bind, this_month, today_range
from billing.money import SPREADSHEET_FORMATS, format_kwh, format_pesos

PDF_CONTENT_TYPE = "application/pdf"
MONEY_FORMAT = SPREADSHEET_FORMATS["pesos"]
KWH_FORMAT = SPREADSHEET_FORMATS["kwh"]


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf(request, template: str, context: dict, filename: str) -> HttpResponse:
    """The PDF of `template`; with ?vista=html, the HTML that feeds it (for printing and tests)."""
    html = render_to_string(template, context, request=request)
    if request.GET.get("vista") == "html":
        return HttpResponse(html)
    from billing.pdf import html_document  # imported here: WeasyPrint is slow to import

    # No base URL, and a fetcher that reads only logos and static files.
    pdf = html_document(html).write_pdf()
    return _attachment(pdf, PDF_CONTENT_TYPE, filename)


def _xlsx(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _typed_cell(ws, value, number_format=None):
    cell = safe_cell(ws, value)
    if number_format:
        cell.number_format = number_format
    return cell


def _bold(ws, value, number_format=None):
    cell = _typed_cell(ws, value, number_format)
    cell.font = openpyxl.styles.Font(bold=True)
    return cell


# -- sales report --------------------------------------------------------------------------------
def _record_export(request, what: str, rows: int) -> None:
    """Reports name customers: each download is recorded (who, when, how many rows)."""
    audit.record("export", request=request, target_label=what, detail=_("%(rows)s filas exportadas.") % {"rows": rows})


def _sales_form(request) -> SalesReportForm:
    return bind(SalesReportForm, request, {"filter_by": SalesReportForm.ALL, **today_range()}, user=request.user)


def _filter_description(form: SalesReportForm, f: reports.SalesFilter) -> str:
    if f.customer is not None:
        return _("Usuario: %(name)s (%(id)s)") % {"name": f.customer.full_name, "id": f.customer.identification}
    if f.biller is not None:
        return _("Facturador: %(name)s") % {"name": f.biller.full_name}
    return _("Todos los medidores de la entidad")


@entity_member_required
def sales_report(request):
    form = _sales_form(request)
    context = {"form": form}
    if form.is_valid():
        f = form.sales_filter()
        context.update(
            filter=f,
            filter_description=_filter_description(form, f),
            totals=reports.sales_summary(f),
            voided=reports.voided_rows(f),
            voided_totals=reports.voided_summary(f),
            query=request.GET.urlencode(),
        )
    return render(request, "reports/sales.html", context, status=200 if form.is_valid() else 400)


def _valid_sales_form_or_400(request):
    form = _sales_form(request)
    if not form.is_valid():
        return form, render(request, "reports/sales.html", {"form": form}, status=400)
    return form, None


@entity_member_required
def sales_report_pdf(request):
    form, error = _valid_sales_form_or_400(request)
    if error:
        return error
    f = form.sales_filter()
    rows = list(reports.sales_rows(f))
    pdf = report_pdf.sales_report_pdf(
        entity=request.user.entity,
        generated_by=request.user,
        generated_at=timezone.localtime(),
        filter=f,
        filter_description=_filter_description(form, f),
        rows=rows,
        totals=reports.sales_summary(f, detailed=True),
        voided=reports.voided_rows(f),
        voided_totals=reports.voided_summary(f),
    )
    name = f"reporte_ventas_{f.start}_{f.end}.pdf"
    _record_export(request, name, len(rows))
    return _attachment(pdf, PDF_CONTENT_TYPE, name)


@entity_member_required
def sales_report_xlsx(request):
    form, error = _valid_sales_form_or_400(request)
    if error:
        return error
    f = form.sales_filter()
    _record_export(request, f"reporte_ventas_{f.start}_{f.end}.xlsx", reports.sales_summary(f).count)
    return _attachment(
        sales_xlsx(f, request.user, _filter_description(form, f)),
        XLSX_CONTENT_TYPE,
        f"reporte_ventas_{f.start}_{f.end}.xlsx",
    )


def sales_xlsx(f: reports.SalesFilter, user, description: str) -> bytes:
    """The sales report as .xlsx: a few header lines, a row per receipt, the totals.

    Written with `aom.lib.xlsx` row by row: 100,000 rows in about a fifth of openpyxl's or
    XlsxWriter's time (bench/results/reports_sales.txt). Text is always written as text, never
    read as a formula; kWh and pesos carry the formats of `SPREADSHEET_FORMATS` on every row.
    """
    sheet = xlsx.Sheet(_("Ventas"), widths=(14, 30, 16, 20, 26, 10, 14), formats=SPREADSHEET_FORMATS)

    def bold(value, fmt=""):
        return xlsx.Cell(value, fmt, bold=True)

    sheet.append([bold(_("Reporte de ventas")), f.entity.name])
    sheet.append([_("Generado por"), f"{user.full_name} ({user.identification})"])
    sheet.append([_("Filtro"), description])
    sheet.append([_("Fecha inicial"), f.start, _("Fecha final"), f.end])
    sheet.append([])
    headers = [_("# Factura"), _("Cliente"), _("Identificación"), _("Fecha"), _("Facturador"), _("kWh"), _("Valor")]
    sheet.append([bold(h) for h in headers])
    sheet.append_typed(
        (
            (r.number, r.customer_name, r.customer_identification, r.issued_at, r.biller_name, r.kwh, r.total)
            for r in reports.sales_rows(f)
        ),
        ["text", "text", "text", "datetime", "text", "kwh", "pesos"],
    )
    t = reports.sales_summary(f, detailed=True)
    sheet.append([])
    sheet.append([bold(_("Recargas")), bold(t.count, "count")])
    sheet.append([bold(_("Total kWh")), bold(t.kwh, "kwh")])
    sheet.append([bold(_("Subtotal")), bold(t.subtotal, "pesos")])
    sheet.append([bold(_("IVA")), bold(t.iva, "pesos")])
    sheet.append([bold(_("Total")), bold(t.total, "pesos")])
    voided = reports.voided_rows(f)
    if voided:
        sheet.append([])
        sheet.append([bold(_("Comprobantes anulados (no suman en los totales)"))])
        for v in voided:
            sheet.append(
                [
                    v.number,
                    v.customer_name,
                    None,
                    xlsx.Cell(v.issued_at.replace(tzinfo=None), "datetime"),
                    v.reason,
                    None,
                    xlsx.Cell(v.total, "pesos"),
                ]
            )
    return sheet.close()


# -- cash-up -------------------------------------------------------------------------------------
PRINT_TEMPLATES = {"80mm": "reports/cashup_80mm.html", "carta": "reports/cashup_letter.html"}


@entity_member_required
def cashup(request):
    if request.GET or request.user.is_biller:
        form = bind(CashupForm, request, today_range(), user=request.user)
    else:
        # An administrator opens the page to choose whose cash-up to see: nothing is wrong yet.
        form = CashupForm(initial=today_range(), user=request.user)
    context = {"form": form}
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    elif form.is_valid():
        data = form.cleaned_data
        context["cashup"] = reports.cashup(request.user.entity, form.chosen_biller(), data["start"], data["end"])
        context["query"] = request.GET.urlencode()
        fmt = request.GET.get("formato", "")
        if fmt in PRINT_TEMPLATES:
            context.update(entity=request.user.entity, printed_at=timezone.localtime())
            return render(request, PRINT_TEMPLATES[fmt], context)
    return render(request, "reports/cashup.html", context, status=status)


# -- subsidy -------------------------------------------------------------------------------------
def _subsidy(request):
    form = bind(MonthForm, request, this_month())
    if not form.is_valid():
        return form, None
    return form, reports.subsidy_report(request.user.entity, form.cleaned_data["month"])


@admin_required
def subsidy(request):
    form, report = _subsidy(request)
    return render(
        request,
        "reports/subsidy.html",
        {"form": form, "report": report, "query": request.GET.urlencode()},
        status=200 if report else 400,
    )


@admin_required
def subsidy_pdf(request):
    form, report = _subsidy(request)
    if report is None:
        return render(request, "reports/subsidy.html", {"form": form}, status=400)
    context = {
        "report": report,
        "entity": request.user.entity,
        "generated_by": request.user,
        "generated_at": timezone.localtime(),
    }
    _record_export(request, f"subsidio_{report.month:%Y-%m}.pdf", len(report.rows))
    return _pdf(request, "reports/subsidy_pdf.html", context, f"subsidio_{report.month:%Y-%m}.pdf")


@admin_required
def subsidy_xlsx(request):
    form, report = _subsidy(request)
    if report is None:
        return render(request, "reports/subsidy.html", {"form": form}, status=400)
    _record_export(request, f"subsidio_{report.month:%Y-%m}.xlsx", len(report.rows))
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("Subsidio"))
    for letter, width in zip("ABCDEF", (16, 30, 8, 16, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    entity = request.user.entity
    ws.append([_bold(ws, _("Subsidio mensual")), safe_cell(ws, entity.name), safe_cell(ws, entity.nit)])
    ws.append([safe_cell(ws, _("Mes")), safe_cell(ws, f"{report.month:%Y-%m}")])
    ws.append([safe_cell(ws, _("Precio por kWh")), _typed_cell(ws, report.price_per_kwh, SPREADSHEET_FORMATS["price"])])
    ws.append([])
    headers = [_("Medidor"), _("Usuario"), _("Tipo"), _("Identificación"), _("Subsidio (kWh)"), _("Valor")]
    ws.append([_bold(ws, h) for h in headers])
    for r in report.rows:
        ws.append(
            [
                safe_value(ws, r.drn),
                safe_value(ws, r.customer_name),
                safe_value(ws, r.customer_id_type),
                safe_value(ws, r.customer_identification),
                r.subsidy_kwh,
                r.value,
            ]
        )
    ws.append(
        [
            _bold(ws, _("Total")),
            safe_cell(ws, _("%(n)s medidores") % {"n": len(report.rows)}),
            None,
            None,
            _bold(ws, report.total_kwh, KWH_FORMAT),
            _bold(ws, report.total_value, MONEY_FORMAT),
        ]
    )
    return _attachment(_xlsx(wb), XLSX_CONTENT_TYPE, f"subsidio_{report.month:%Y-%m}.xlsx")


# -- dashboard -----------------------------------------------------------------------------------
DASHBOARD_DAYS = 90


def _kwh(value) -> str:
    return format_kwh(value) + " kWh"


@admin_required
def dashboard(request):
    today = timezone.localdate()
    days = reports.sales_per_day(request.user.entity, today, DASHBOARD_DAYS)
    start = today - timedelta(days=DASHBOARD_DAYS - 1)
    billers = reports.sales_per_biller(request.user.entity, start, today)
    labels = [d.day.strftime("%d/%m") for d in days]
    context = {
        "start": start,
        "end": today,
        "money_chart": bar_chart(list(zip(labels, [d.total for d in days], strict=True)), fmt=format_pesos),
        "kwh_chart": bar_chart(list(zip(labels, [d.kwh for d in days], strict=True)), fmt=_kwh),
        "biller_chart": horizontal_bar_chart([(b.name, b.total) for b in billers], fmt=format_pesos),
        "days": [d for d in days if d.count],
        "billers": billers,
        "totals": reports.totals_of(reports.SalesFilter(request.user.entity, start, today).receipts()),
        "voided_totals": reports.voided_summary(reports.SalesFilter(request.user.entity, start, today)),
    }
    return render(request, "reports/dashboard.html", context)
