"""The OpenAPI document and an offline ``/docs``.

Swagger UI 5's assets (the first to render OpenAPI 3.1, which FastAPI writes) are served from the
``fastapi-offline`` package's static files (no CDN), so ``/docs`` works on an air-gapped machine; the PyPI
``swagger-ui-bundle`` ships Swagger UI 4, which answers "Unable to render this definition". The OpenAPI
document is post-processed once: error responses are declared as ``application/problem+json``, and every JSON
response gets an example composed from the examples the models carry (``queries/models.py``), so no endpoint is
documented without one.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from policygraph.api.problems import MEDIA_TYPE

ASSETS = "/docs/assets"


def swagger_assets() -> Path:
    """Where the installed ``fastapi-offline`` keeps Swagger UI's files (it is imported for nothing else)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.origin:
        raise RuntimeError("the fastapi-offline package is missing: reinstall PolicyGraph (pip install -e .)")
    return Path(spec.origin).parent / "static"


def install(app: FastAPI) -> None:
    """Serve ``/docs`` from local assets and a post-processed ``/openapi.json``."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_assets())), name="swagger-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} — API",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon.png")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            finish(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def finish(schema: dict[str, Any]) -> None:
    """Problem content type on 4xx/5xx, and an example on every JSON response."""
    components = schema.get("components", {}).get("schemas", {})
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for status, resp in op.get("responses", {}).items():
                content = resp.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
                    content[MEDIA_TYPE]["example"] = {"type": "about:blank", "title": resp.get("description", ""),
                                                      "status": int(status), "detail": resp.get("description", "")}
                for media in content.values():
                    if "schema" in media and "example" not in media and "examples" not in media:
                        media["example"] = example(media["schema"], components)


def example(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """An example value for a schema: the model's own example, filled in from its fields where incomplete."""
    if depth > 8:
        return None
    if "$ref" in schema:
        return example(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    if "examples" in schema and schema["examples"]:
        given = schema["examples"][0]
        if not isinstance(given, dict) or schema.get("type") != "object":
            return given
    else:
        given = {}
    if "example" in schema:
        return schema["example"]
    if "default" in schema and not given:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            if len(options) < len(schema[key]) and "$ref" not in options[0] and options[0].get("type") != "array":
                return None  # an optional scalar: null is the commonest value
            return example(options[0], components, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out = dict(given) if isinstance(given, dict) else {}
        for name, sub in schema.get("properties", {}).items():
            if name not in out:
                out[name] = example(sub, components, depth + 1)
        return out
    if kind == "array":
        item = example(schema.get("items", {}), components, depth + 1)
        return [] if item is None else [item]
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "", "integer": 0, "number": 0.0, "boolean": False}.get(str(kind))
