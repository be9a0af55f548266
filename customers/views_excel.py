"""Import customers from Excel (upload → preview → confirm or cancel), the template, the export."""

import io

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aom import audit
from aom.access import admin_required
from aom.lib.spreadsheet import XLSX_CONTENT_TYPE, xlsx_response
from customers import exporter, importer

PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Archivo de Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )


def _preview(request, result: importer.ImportResult, token: str | None):
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
    try:
        result = importer.parse_and_validate(form.cleaned_data["file"], request.user.entity)
    except importer.ImportRefused as exc:
        form.add_error("file", str(exc))
        return render(request, "customers/import.html", {"form": form}, status=400)
    token = importer.stage(request.user, result.rows) if result.ok else None
    return _preview(request, result, token)


@require_POST
@admin_required
def import_confirm(request):
    """Check the staged rows again and insert every one, or none. A second click finds nothing."""
    rows = importer.claim(request.user, request.POST.get("token", ""))
    if rows is None:
        messages.warning(request, _("Esta importación ya se procesó o venció. Cargue el archivo de nuevo."))
        return redirect("customers:import")
    try:
        customers, meters = importer.import_rows(request.user.entity, rows, request=request)
    except importer.ImportRejected as exc:
        return _preview(request, importer.ImportResult(errors=exc.errors), None)
    messages.success(
        request,
        _("Agregado correctamente: %(customers)s usuarios y %(meters)s medidores.")
        % {"customers": f"{customers:,}".replace(",", "."), "meters": f"{meters:,}".replace(",", ".")},
    )
    return redirect("customers:import")


@require_POST
@admin_required
def import_cancel(request):
    """ "Cancelar" on the preview: the staged rows are deleted from the server at once."""
    importer.discard(request.user, request.POST.get("token", ""))
    messages.info(request, _("Importación cancelada: no se agregó ningún usuario."))
    return redirect("customers:import")


@admin_required
def import_template(request):
    return xlsx_response(importer.build_template(), "plantilla_usuarios.xlsx")


@admin_required
def export_customers(request):
    out = io.BytesIO()
    count = exporter.export_customers(request.user.entity, out)
    audit.record(
        "export",
        request=request,
        target_label=str(_("Usuarios y medidores")),
        detail=_("%(rows)s filas de usuarios exportadas a Excel.") % {"rows": count},
    )
    return xlsx_response(out.getvalue(), f"usuarios_{timezone.localdate():%Y-%m-%d}.xlsx")
