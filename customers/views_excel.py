"""Import customers from Excel (upload → preview → confirm), the template, and the export."""

import io

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aom.access import admin_required
from customers import excel

PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Archivo de Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + excel.XLSX_CONTENT_TYPE}),
    )


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _preview(request, result: excel.ImportResult, token: str | None):
    return render(
        request,
        "customers/import_preview.html",
        {
            "result": result,
            "rows": result.rows[:PREVIEW_ROWS],
            "more_rows": max(0, len(result.rows) - PREVIEW_ROWS),
            "errors": result.errors[:PREVIEW_ERRORS],
            "more_errors": max(0, len(result.errors) - PREVIEW_ERRORS),
            "token": token,
        },
    )


@admin_required
def import_customers(request):
    """GET: the upload form. POST: check the whole file and show what would be added."""
    if request.method != "POST":
        return render(request, "customers/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "customers/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    try:
        excel.check_file(upload)
        result = excel.parse_and_validate(upload, request.user.entity)
    except excel.ImportRefused as exc:
        form.add_error("file", str(exc))
        return render(request, "customers/import.html", {"form": form}, status=400)
    token = excel.store_pending(request.user, result.rows) if result.ok else None
    return _preview(request, result, token)


@require_POST
@admin_required
def import_confirm(request):
    """Check the kept rows again and insert every one, or none. A second click finds nothing."""
    token = request.POST.get("token", "")
    path = excel.claim_pending(request.user, token)
    if path is None:
        messages.warning(request, _("Esta importación ya se procesó o venció. Cargue el archivo de nuevo."))
        return redirect("customers:import")
    try:
        count = excel.import_rows(request.user.entity, excel.load_pending(path))
    except excel.ImportRejected as exc:
        return _preview(request, excel.ImportResult(errors=exc.errors), None)
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Agregado correctamente: %(count)s usuarios con su medidor.") % {"count": f"{count:,}".replace(",", ".")},
    )
    return redirect("customers:import")


@admin_required
def import_template(request):
    return _xlsx_response(excel.build_template(), "plantilla_usuarios.xlsx")


@admin_required
def export_customers(request):
    out = io.BytesIO()
    excel.export_customers(request.user.entity, out)
    return _xlsx_response(out.getvalue(), f"usuarios_{timezone.localdate():%Y-%m-%d}.xlsx")
