"""Export an entity's customers and meters to Excel, in exactly the columns the import reads:
exporting an entity and importing the file into an empty one reproduces every customer and meter.

Personal data: every export is recorded in the audit trail by the view (who, when, how many rows).
"""

import openpyxl
from django.utils.translation import gettext as _

from aom.lib.spreadsheet import safe_cell, safe_value
from customers import selectors
from customers.importer import COLUMNS, CUSTOMER_KEYS
from licensing.models import Entity


def export_customers(entity: Entity, out) -> int:
    """Write the workbook to `out`; return the number of data rows (one per meter, and one
    per customer without a meter)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(str(_("Usuarios")))
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = col.width
    ws.append([safe_cell(ws, str(c.header)) for c in COLUMNS])
    yes, no = str(_("Sí")), str(_("No"))
    count = 0
    meters = (
        selectors.meters_of(entity)
        .select_related("customer")
        .order_by("customer__full_name", "customer_id", "drn")
        .iterator(chunk_size=2000)
    )
    with_meter = set()
    for m in meters:
        c = m.customer
        with_meter.add(c.pk)
        ws.append(
            [safe_value(ws, getattr(c, k)) for k in CUSTOMER_KEYS]
            + [safe_value(ws, m.drn), m.subsidy_kwh, m.emergency_kwh, m.installed_on, yes if m.is_active else no]
        )
        count += 1
    for c in selectors.customers_of(entity).order_by("full_name", "pk").iterator(chunk_size=2000):
        if c.pk in with_meter:
            continue
        ws.append([safe_value(ws, getattr(c, k)) for k in CUSTOMER_KEYS])
        count += 1
    wb.save(out)
    return count
