from django.urls import path  # noqa: F401

from billing import views  # noqa: F401

app_name = "billing"

urlpatterns = []

from billing import views_reports  # noqa: E402

urlpatterns += [
    path("reporte/", views_reports.sales_report, name="report"),
    path("reporte/pdf/", views_reports.sales_report_pdf, name="report_pdf"),
    path("reporte/xlsx/", views_reports.sales_report_xlsx, name="report_xlsx"),
    path("cuadre/", views_reports.cashup, name="cashup"),
    path("subsidio/", views_reports.subsidy, name="subsidy"),
    path("subsidio/pdf/", views_reports.subsidy_pdf, name="subsidy_pdf"),
    path("subsidio/xlsx/", views_reports.subsidy_xlsx, name="subsidy_xlsx"),
    path("tablero/", views_reports.dashboard, name="dashboard"),
]
