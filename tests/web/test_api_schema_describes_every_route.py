"""/api/schema is an OpenAPI 3 document of every API route, with the parameters the views take;
/api/docs shows it without anything from outside."""

import re

import pytest
from django.urls import get_resolver
from openapi_spec_validator import validate

from marketagg.api.routes import ROUTES


def test_schema_is_openapi_3_with_every_api_path(client, seeded):
    schema = client.get("/api/schema").json()
    validate(schema)  # openapi-spec-validator: a valid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] and schema["info"]["version"]
    api_urls = {
        "/" + re.sub(r"<str:(\w+)>", r"{\1}", str(p.pattern))
        for p in get_resolver().url_patterns
        if hasattr(p, "url_patterns")
        for p in p.url_patterns
        if str(p.pattern).startswith("api/") and str(p.pattern) not in ("api/schema", "api/docs")
    }
    assert api_urls == set(schema["paths"])
    assert {
        "/api/pairs",
        "/api/book/{pair}",
        "/api/bars/{pair}",
        "/api/trades/{pair}",
        "/api/status",
    } <= api_urls
    for path, item in schema["paths"].items():
        op = item["get"]
        assert op["summary"] and op["responses"]["200"]
        path_params = {p["name"] for p in op["parameters"] if p["in"] == "path"}
        assert path_params == set(re.findall(r"{(\w+)}", path))
        for p in op["parameters"]:
            assert p["in"] in ("path", "query") and p["description"] and p["schema"]["type"]
        for code, response in op["responses"].items():
            if code != "200":
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
    assert "Error" in schema["components"]["schemas"]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.params], ids=lambda r: r.name)
def test_every_documented_query_parameter_is_accepted(client, seeded, route):
    """A parameter the schema lists is never refused as unknown by its view."""
    samples = {
        "depth": "5",
        "venue": "binance",
        "group": "1",
        "metric": "spread",
        "interval": "1m",
        "start": "1795000000",
        "end": "1795000060",
        "limit": "5",
    }
    for p in route.params:
        if p.location != "query":
            continue
        url = "/" + route.path.replace("<str:pair>", "BTC-USDT")
        body = client.get(f"{url}?{p.name}={samples[p.name]}").json()
        assert "unknown parameter" not in body.get("error", ""), (p.name, body)


def test_docs_page_is_served_with_local_assets_only(client, seeded):
    html = client.get("/api/docs").content.decode()
    assert "/api/schema" in html
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert scripts and all(s.startswith("/static/") for s in scripts), scripts
