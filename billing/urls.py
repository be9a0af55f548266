from django.urls import path

from billing import views, views_reports, views_void

app_name = "billing"

urlpatterns = [
    path("", views.index, name="index"),
    path("producto/", views.product, name="product"),
    path("producto/guardar/", views.product_save, name="product_save"),
    path("nuevo/", views.new, name="new"),
    path("nuevo/recargar/", views.issue, name="issue"),
    path("nuevo/usuario/", views.lookup, name="lookup"),
    path("nuevo/valor/", views.quote, name="quote"),
    path("comprobante/<int:pk>/", views.done, name="done"),
    path("comprobante/<int:pk>/anular/", views_void.void, name="void"),  # before <format>
    path("comprobante/<int:pk>/<str:format>/", views.receipt, name="receipt"),
    path("comprobante/<int:pk>/<str:format>/imprimir/", views.receipt_print, name="receipt_print"),
    path("comprobante/<int:pk>/<str:format>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    # Voided receipts
    path("anulaciones/", views_void.void_requests, name="void_requests"),
    path("anulaciones/<int:pk>/decidir/", views_void.void_decide, name="void_decide"),
    # Reports
    path("reporte/", views_reports.sales_report, name="report"),
    path("reporte/pdf/", views_reports.sales_report_pdf, name="report_pdf"),
    path("reporte/xlsx/", views_reports.sales_report_xlsx, name="report_xlsx"),
    path("cuadre/", views_reports.cashup, name="cashup"),
    path("subsidio/", views_reports.subsidy, name="subsidy"),
    path("subsidio/pdf/", views_reports.subsidy_pdf, name="subsidy_pdf"),
    path("subsidio/xlsx/", views_reports.subsidy_xlsx, name="subsidy_xlsx"),
    path("tablero/", views_reports.dashboard, name="dashboard"),
]
