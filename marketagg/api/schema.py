"""OpenAPI 3 schema of the API, built from the route table, and the browsable docs page."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from marketagg.api.routes import ROUTES, Route, optional_routes

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "param": {"type": "string"}},
    "required": ["error"],
}


def _operation(route: Route) -> dict:
    if route.openapi is not None:
        return route.openapi
    result = route.result or {"type": "object"}
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": result}}}}
    for code, text in route.responses.items():
        responses[code] = {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return {
        "get": {
            "operationId": route.name.replace("-", "_"),
            "summary": route.summary,
            "parameters": [
                {
                    "name": p.name,
                    "in": p.location,
                    "required": p.required or p.location == "path",
                    "description": p.description,
                    "schema": p.schema,
                }
                for p in route.params
            ],
            "responses": responses,
        }
    }


def build_schema() -> dict:
    routes = [*ROUTES, *optional_routes()]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "marketagg API",
            "version": "1",
            "description": "Read-only JSON: live consolidated order books, stored bars and trades, feed status. "
            "Prices and quantities are decimal strings.",
        },
        "paths": {r.openapi_path: _operation(r) for r in routes},
        "components": {"schemas": {"Error": ERROR_SCHEMA}},
    }


@require_safe
def schema(request):
    return JsonResponse(build_schema())


@require_safe
def docs(request):
    return render(request, "api/docs.html", {})
