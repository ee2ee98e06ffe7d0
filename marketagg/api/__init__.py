"""The read-only JSON API: route table, parameter parsing, views and the OpenAPI schema built from them."""
