from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
