from django.urls import path

from customers import views, views_excel

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("agregar/", views.customer_add, name="add"),
    path("modificar/", views.customer_edit, name="edit"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:customer_pk>/medidores/agregar/", views.meter_add, name="meter_add"),
    path("medidores/<int:pk>/", views.meter_edit, name="meter_edit"),
    path("importar/", views_excel.import_customers, name="import"),
    path("importar/confirmar/", views_excel.import_confirm, name="import_confirm"),
    path("importar/cancelar/", views_excel.import_cancel, name="import_cancel"),
    path("importar/plantilla.xlsx", views_excel.import_template, name="import_template"),
    path("exportar.xlsx", views_excel.export_customers, name="export"),
]
