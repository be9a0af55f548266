from django.urls import path

from tokens import views

app_name = "tokens"

urlpatterns = [
    path("medidor/<int:pk>/", views.meter_codes, name="meter_codes"),
    path("medidor/<int:pk>/emitir/", views.meter_codes_issue, name="meter_codes_issue"),
    path("medidor/<int:pk>/cambio-de-clave/", views.meter_key_change, name="meter_key_change"),
    path("medidor/<int:pk>/aprovisionamiento/", views.provisioning, name="provisioning"),
    path("medidor/<int:pk>/aprovisionamiento/descargar/", views.provisioning_download, name="provisioning_download"),
    path("medidor/<int:pk>/reemplazar/", views.replace, name="replace"),
    path("documento/<int:pk>/", views.document, name="document"),
    path("documento/<int:pk>/<str:format>/", views.document_print, name="document_print"),
    path("documento/<int:pk>/<str:format>/pdf/", views.document_pdf, name="document_pdf"),
    path("cambio-de-clave/", views.batch, name="batch"),
    path("cambio-de-clave/iniciar/", views.batch_start, name="batch_start"),
    path("cambio-de-clave/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("cambio-de-clave/<int:pk>/continuar/", views.batch_advance, name="batch_advance"),
    path("cambio-de-clave/<int:pk>/lista/", views.batch_print, name="batch_print"),
]
