"""Exception details sent to the client (CWE-209): `str(e)`, `repr(e)` or a formatted traceback
in a web response.

A pattern rule over each `except ... as e:` block: the exception, values built from it in the
block, and `traceback.format_exc()` / `format_exception()` are followed into a `return` from a
view (a route-decorated function, or a Django view taking `request`) and into response
builders (`jsonify`, `make_response`, `Response`, `HttpResponse`, `JsonResponse`, template
rendering, `abort`, `HTTPException(detail=...)`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule
from netgain.analysis.taint_models import default_models

EXCEPTION_EXPOSURE = rule_meta(
    id="exception-exposure",
    name="ExceptionDetailsInResponse",
    family="web",
    cwe=(209, 497),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Exception message or stack trace returned to the client",
    doc="""
    ## What it does
    Inside an `except ... as e:` block, follows the exception (`e`, `str(e)`, `repr(e)`,
    `e.args`, f-strings and `%`/`.format()` text built from it, and local variables holding
    them) and `traceback.format_exc()` / `traceback.format_exception()` into what the client
    receives: the `return` value of a view (a function registered with a route decorator, or a
    function taking `request` in a Django `views` module) and the arguments of response
    builders (`jsonify`, `make_response`, `Response`, `HttpResponse`, `JsonResponse`,
    `render_template`, `render_template_string`, `abort`, `HTTPException(detail=...)`).
    Logging the exception and returning a fixed message is the safe form.

    ## Why is this bad?
    Exception text and stack traces reveal file paths, library versions, SQL statements, table
    and column names and sometimes data from other users: a map for the next attack.

    ## Example
    ```python
    @app.route("/orders/<int:order_id>")
    def order(order_id):
        try:
            return jsonify(load_order(order_id))
        except Exception as e:
            return jsonify(error=str(e)), 500
    ```

    ## Use instead
    ```python
        except Exception:
            app.logger.exception("loading order %s failed", order_id)
            return jsonify(error="internal error"), 500
    ```

    ## References
    - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    - [CWE-497: Exposure of Sensitive System Information](https://cwe.mitre.org/data/definitions/497.html)
    """,
)

_TRACEBACK = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "sys.exc_info"}
)
_RESPONSE_BUILDERS = frozenset(
    {
        "flask.jsonify", "flask.make_response", "flask.Response", "flask.render_template",
        "flask.render_template_string", "flask.abort", "werkzeug.wrappers.Response",
        "django.http.HttpResponse", "django.http.JsonResponse", "django.http.HttpResponseBadRequest",
        "django.http.HttpResponseServerError", "django.shortcuts.render",
        "fastapi.HTTPException", "fastapi.responses.JSONResponse", "fastapi.responses.HTMLResponse",
        "starlette.responses.JSONResponse", "starlette.responses.HTMLResponse",
        "starlette.responses.PlainTextResponse", "rest_framework.response.Response",
    }
)  # fmt: skip


def _is_view(ctx: PatternContext, fn: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    if fn is None:
        return False
    models = default_models()
    for decorator in fn.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in models.route_decorators:
            return True
    params = fn.args.posonlyargs + fn.args.args
    return (
        ctx.module_basename in models.view_modules and bool(params) and params[0].arg == "request"
    )


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes of a block in source order, not entering nested functions, classes or lambdas."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _exposes(ctx: PatternContext, expr: ast.AST, names: set[str]) -> bool:
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
        if isinstance(sub, ast.Call) and ctx.qualname(sub) in _TRACEBACK:
            return True
    return False


@pattern_rule(EXCEPTION_EXPOSURE, ast.ExceptHandler)
def check_exception_exposure(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.ExceptHandler):
        return
    names = {node.name} if node.name else set()
    view = _is_view(ctx, ctx.function)
    for sub in _own_nodes(node.body):
        if isinstance(sub, ast.Assign) and _exposes(ctx, sub.value, names):
            names |= {t.id for t in sub.targets if isinstance(t, ast.Name)}
        elif isinstance(sub, ast.AugAssign | ast.AnnAssign) and sub.value is not None:
            if isinstance(sub.target, ast.Name) and _exposes(ctx, sub.value, names):
                names.add(sub.target.id)
        elif isinstance(sub, ast.Return) and view and sub.value is not None:
            if _exposes(ctx, sub.value, names) and not _builder_inside(ctx, sub.value):
                yield PatternHit(
                    EXCEPTION_EXPOSURE, sub, "exception details returned to the client"
                )
        elif isinstance(sub, ast.Call) and ctx.qualname(sub) in _RESPONSE_BUILDERS:
            arguments = [*sub.args, *(kw.value for kw in sub.keywords)]
            if any(_exposes(ctx, a, names) for a in arguments):
                yield PatternHit(
                    EXCEPTION_EXPOSURE,
                    sub,
                    f"exception details sent to the client through {ctx.qualname(sub)}()",
                )


def _builder_inside(ctx: PatternContext, expr: ast.AST) -> bool:
    """A returned response builder is reported on the builder call itself, once."""
    return any(
        isinstance(sub, ast.Call) and ctx.qualname(sub) in _RESPONSE_BUILDERS
        for sub in ast.walk(expr)
    )
