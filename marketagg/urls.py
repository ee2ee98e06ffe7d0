from django.contrib import admin
from django.urls import include, path

from books import views as pages
from marketagg import health, views

# The admin's "View site" leads to the live pages.
admin.site.site_url = "/"

urlpatterns = [
    path("", pages.index, name="index"),
    path("book/<str:pair>/", pages.book, name="book"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("", include("marketagg.api.urls")),
]
