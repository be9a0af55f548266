from django.urls import path

from licensing import views

app_name = "licensing"

urlpatterns = [
    path("facturadores/", views.billers, name="billers"),
    path("facturadores/nuevo/", views.biller_add, name="biller_add"),
    path("facturadores/<int:pk>/editar/", views.biller_edit, name="biller_edit"),
    path("facturadores/<int:pk>/desactivar/", views.biller_deactivate, name="biller_deactivate"),
    path("facturadores/<int:pk>/reactivar/", views.biller_reactivate, name="biller_reactivate"),
    path("facturadores/<int:pk>/desbloquear/", views.biller_unlock, name="biller_unlock"),
    path("auditoria/", views.audit_trail, name="audit"),
    path("auditoria/xlsx/", views.audit_trail_xlsx, name="audit_xlsx"),
    path("comprobante/", views.receipt_header, name="receipt_header"),
    path("comprobante/vista-previa/", views.receipt_header_preview, name="receipt_header_preview"),
]
