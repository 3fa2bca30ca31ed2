"""Every route of the app, ready to call: path parameters filled from a seeded organisation by
their names, required query parameters and a minimal valid JSON body from the OpenAPI schema.

Written to pick up routes added later (the REST API, the dashboard, feeds): a new route needs no
change here unless its parameter names are new, and then the fallback value still exercises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.service.web.seed import Org, Seeded

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
_PARAM = re.compile(r"{([^}:]+)(?::([^}]+))?}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # the template, as routed
    in_schema: bool

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def endpoints(app: FastAPI) -> list[Endpoint]:
    """(method, path) of every route, HEAD left out (it is GET without a body)."""
    found: dict[str, Endpoint] = {}
    # FastAPI includes routers lazily: app.routes holds the included routers, and
    # iter_route_contexts walks them to each route with its full path
    for route in iter_route_contexts(app.routes):
        methods = route.methods
        if isinstance(route.original_route, Mount) or methods is None or route.path is None:
            continue  # mounts (static files) hold no organisation data
        in_schema = bool(getattr(route, "include_in_schema", False))
        for method in sorted(methods):
            if method == "HEAD":
                continue
            endpoint = Endpoint(method, route.path, in_schema)
            found[endpoint.id] = endpoint
    return sorted(found.values(), key=lambda e: e.id)


def value_for(name: str, convertor: str | None, org: Org, seeded: Seeded, *, has_org: bool) -> str:
    key = name.lower()
    if key in ("full_name", "repository_full_name") or (convertor == "path" and "repo" in key):
        return org.full_name
    if "org" in key or key in ("owner", "account"):
        return org.name
    if "repo" in key or key == "name":
        return org.repo if has_org else org.full_name
    if key in ("number", "pr", "pull", "pull_number", "pr_number", "change", "change_id"):
        return str(org.number)
    if key in ("sha", "commit", "head", "head_sha", "ref", "commit_sha"):
        return seeded.head.get(org.name, "0" * 40)
    if "token" in key or key == "id":
        return str(seeded.token_ids.get(org.name, 999999))
    if "team" in key:
        return org.team
    if key in ("login", "person", "user", "author", "identity", "who", "email", "reviewer"):
        return org.login
    if key in ("path", "file", "file_path"):
        return "src/app.py"
    return "1"


def fill(endpoint: Endpoint, org: Org, seeded: Seeded) -> str:
    names = [m.group(1).lower() for m in _PARAM.finditer(endpoint.path)]
    has_org = any("org" in n or n == "owner" for n in names)
    return _PARAM.sub(
        lambda m: value_for(m.group(1), m.group(2), org, seeded, has_org=has_org), endpoint.path
    )


def operation(schema: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    return dict(schema.get("paths", {}).get(endpoint.path, {}).get(endpoint.method.lower(), {}))


def query_for(op: dict[str, Any], org: Org, seeded: Seeded) -> dict[str, str]:
    return {
        p["name"]: value_for(p["name"], None, org, seeded, has_org=False)
        for p in op.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }


def body_for(schema: dict[str, Any], op: dict[str, Any]) -> Any:
    content = (op.get("requestBody") or {}).get("content", {})
    media = content.get("application/json")
    if media is None:
        return None
    return example(schema, media.get("schema", {}))


def example(root: dict[str, Any], node: dict[str, Any], depth: int = 0) -> Any:
    """A minimal instance of a JSON schema: required properties only, first enum value."""
    if depth > 8:
        return None
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return example(root, root["components"]["schemas"][name], depth + 1)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in node:
            options = [o for o in node[combined] if o.get("type") != "null"]
            return example(root, options[0] if options else {}, depth + 1)
    if "enum" in node:
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        return {k: example(root, props.get(k, {}), depth + 1) for k in node.get("required", [])}
    if kind == "array":
        return [example(root, node.get("items", {}), depth + 1)] * node.get("minItems", 0)
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if kind == "string":
        return "x" * max(1, node.get("minLength", 1))
    return None
