from django.urls import path

from billing import views

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
    path("comprobante/<int:pk>/<str:format>/", views.receipt, name="receipt"),
    path("comprobante/<int:pk>/<str:format>/pdf/", views.receipt_pdf, name="receipt_pdf"),
]
