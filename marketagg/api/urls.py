"""URLs of the API, from the route table (marketagg/urls.py includes them)."""

from django.urls import path

from marketagg.api import schema
from marketagg.api.routes import ROUTES, optional_routes

urlpatterns = [
    *[path(r.path, r.view, name=r.name) for r in [*ROUTES, *optional_routes()]],
    path("api/schema", schema.schema, name="api-schema"),
    path("api/docs", schema.docs, name="api-docs"),
]
