from django.urls import path  # noqa: F401

from customers import views  # noqa: F401

app_name = "customers"

urlpatterns = []

from customers import views_excel  # noqa: E402

urlpatterns += [
    path("importar/", views_excel.import_customers, name="import"),
    path("importar/confirmar/", views_excel.import_confirm, name="import_confirm"),
    path("importar/plantilla.xlsx", views_excel.import_template, name="import_template"),
    path("exportar.xlsx", views_excel.export_customers, name="export"),
]
