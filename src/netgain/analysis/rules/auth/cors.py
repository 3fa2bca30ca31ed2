"""Permissive CORS with credentials (CWE-942)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import NOT_CONST, PatternContext, PatternHit, pattern_rule

PERMISSIVE_CORS = rule_meta(
    id="permissive-cors",
    name="AnyOriginWithCredentials",
    family="auth",
    cwe=(942, 346),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="CORS allows any origin with credentials",
    doc="""
    ## What it does
    Flags CORS configurations that send credentials to any origin: flask-cors
    `CORS(app, supports_credentials=True)` with the default or `"*"` origins, Starlette/FastAPI
    `CORSMiddleware` with `allow_origins=["*"]` or `allow_origin_regex=".*"` and
    `allow_credentials=True`, and django-cors-headers settings `CORS_ALLOW_ALL_ORIGINS = True`
    (or `CORS_ORIGIN_ALLOW_ALL`) together with `CORS_ALLOW_CREDENTIALS = True`.

    ## Why is this bad?
    Any website the user visits can then make authenticated requests to the API with the
    user's cookies and read the responses.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    ```

    ## Use instead
    List the trusted origins explicitly:
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
    ```

    ## References
    - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    """,
)


def _any_origin(value: object) -> bool:
    if value is NOT_CONST:
        return False
    if isinstance(value, str):
        return value in ("*", ".*", "^.*$", "https?://.*")
    if isinstance(value, list | tuple | set):
        return any(_any_origin(v) for v in value)
    if isinstance(value, dict):
        return any(
            _any_origin(v.get("origins", "*")) if isinstance(v, dict) else False
            for v in value.values()
        )
    return False


@pattern_rule(PERMISSIVE_CORS, ast.Module)
@pattern_rule(PERMISSIVE_CORS, ast.Call, keywords={"supports_credentials", "allow_credentials"})
def check_cors(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Module):
        consts = ctx.module_consts
        any_origin = (
            consts.get("CORS_ALLOW_ALL_ORIGINS") is True
            or consts.get("CORS_ORIGIN_ALLOW_ALL") is True
        )
        if any_origin and consts.get("CORS_ALLOW_CREDENTIALS") is True:
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name)
                    and t.id in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
                    for t in stmt.targets
                ):
                    yield PatternHit(
                        PERMISSIVE_CORS,
                        stmt,
                        "CORS allows every origin together with CORS_ALLOW_CREDENTIALS",
                    )
        return
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    if qual in ("flask_cors.CORS", "flask_cors.cross_origin"):
        if not ctx.is_const(ctx.keyword(node, "supports_credentials"), True):
            return
        origins = ctx.keyword(node, "origins")
        resources = ctx.keyword(node, "resources")
        if (
            (origins is None and resources is None)
            or _any_origin(ctx.const(origins))
            or _any_origin(ctx.const(resources))
        ):
            yield PatternHit(
                PERMISSIVE_CORS, node, "CORS with supports_credentials=True allows every origin"
            )
        return
    is_middleware = False
    if isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" and node.args:
        is_middleware = ctx.qualname(node.args[0]).endswith("CORSMiddleware")
    elif qual.endswith("CORSMiddleware") or (
        qual.endswith("Middleware")
        and node.args
        and ctx.qualname(node.args[0]).endswith("CORSMiddleware")
    ):
        is_middleware = True
    if not is_middleware or not ctx.is_const(ctx.keyword(node, "allow_credentials"), True):
        return
    if _any_origin(ctx.const(ctx.keyword(node, "allow_origins"))) or _any_origin(
        ctx.const(ctx.keyword(node, "allow_origin_regex"))
    ):
        yield PatternHit(
            PERMISSIVE_CORS, node, "CORS middleware allows every origin with allow_credentials=True"
        )
