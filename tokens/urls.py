from django.urls import path

from tokens import views

app_name = "tokens"

urlpatterns = [
    path("medidor/<int:pk>/", views.meter_codes, name="meter_codes"),
    path("medidor/<int:pk>/emitir/", views.meter_codes_issue, name="meter_codes_issue"),
    path("medidor/<int:pk>/cambio-de-clave/", views.meter_key_change, name="meter_key_change"),
    path("documento/<int:pk>/", views.document, name="document"),
    path("documento/<int:pk>/<str:format>/", views.document_print, name="document_print"),
    path("documento/<int:pk>/<str:format>/pdf/", views.document_pdf, name="document_pdf"),
]
