from django.contrib import admin
from django.urls import path

from marketagg import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("api/status", views.status, name="api-status"),
]
