from django.urls import path  # noqa: F401

from licensing import views  # noqa: F401

app_name = "licensing"

urlpatterns = []
