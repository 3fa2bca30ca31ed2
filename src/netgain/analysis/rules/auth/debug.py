"""Debug mode enabled in a served application (CWE-489)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule
from netgain.risk.paths import TEST_PATH

DEBUG_ENABLED = rule_meta(
    id="debug-enabled",
    name="DebugModeInServedApp",
    family="auth",
    cwe=(489, 215),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Debug mode enabled in a served application",
    doc="""
    ## What it does
    Flags `app.run(debug=True)` and `app.debug = True` on Flask-like applications,
    `app.config["DEBUG"] = True` (also through `config.update(...)` / `from_mapping(...)`),
    `app.config["ENV"] = "development"` (which turns debug mode on in Flask before 2.3), and
    `DEBUG = True` in a Django settings module.

    `app.config["TESTING"] = True` (or through `update` / `from_mapping`) outside a test module
    is reported at low confidence: testing mode re-raises exceptions past the application's
    error handlers, and extensions relax checks under it (Flask-WTF accepts any reCAPTCHA,
    Flask-Mail stops sending). A test module (`test_*.py`, `*_test.py`, `conftest.py`, or one
    under a `tests` / `test` folder) and a test function are where it belongs and are not
    reported; nor is a `TESTING = True` attribute of a configuration class chosen at run time.

    ## Why is this bad?
    The Werkzeug debugger executes arbitrary Python from the browser; Django's debug pages leak
    settings, source code and SQL. Debug settings reach production more often than anyone plans.

    ## Example
    ```python
    app.run(host="0.0.0.0", debug=True)
    ```

    ## Use instead
    Read the flag from the environment, defaulting to off:
    ```python
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    ```

    ## References
    - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    - [Flask docs: debug mode](https://flask.palletsprojects.com/en/stable/debugging/)
    """,
)


_DEVELOPMENT_ENV = "application config ENV set to 'development', which turns debug mode on"
_TESTING = (
    "application config TESTING set to True outside tests: exceptions skip the error handlers "
    "and extensions relax checks (reCAPTCHA, mail)"
)


def _in_tests(ctx: PatternContext) -> bool:
    """A test module (by the file-name rule risk uses to tell tests from code), or a test
    function of any module: where testing mode belongs."""
    if TEST_PATH.search(ctx.path.replace("\\", "/")):
        return True
    return any(fn.name.startswith(("test", "setUp")) for fn in ctx.function_stack)


def _testing_on(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not _in_tests(ctx):
        yield PatternHit(DEBUG_ENABLED, node, _TESTING, confidence=Confidence.LOW)


def _config_item(ctx: PatternContext, target: ast.expr, key: str) -> bool:
    """`<something>.config["KEY"]` as an assignment target."""
    return (
        isinstance(target, ast.Subscript)
        and ctx.is_const(target.slice, key)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "config"
    )


@pattern_rule(DEBUG_ENABLED, ast.Assign, names={"ENV", "debug", "DEBUG", "TESTING"})
@pattern_rule(DEBUG_ENABLED, ast.Call, names={"run", "update", "from_mapping"})
def check_debug(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Call):
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "run"
            and ctx.is_const(ctx.keyword(node, "debug"), True)
        ):
            yield PatternHit(DEBUG_ENABLED, node, "application served with debug=True")
        elif isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping"):
            if ctx.is_const(ctx.keyword(node, "DEBUG"), True):
                yield PatternHit(DEBUG_ENABLED, node, "application config DEBUG set to True")
            elif ctx.is_const(ctx.keyword(node, "ENV"), "development"):
                yield PatternHit(DEBUG_ENABLED, node, _DEVELOPMENT_ENV)
            elif ctx.is_const(ctx.keyword(node, "TESTING"), True):
                yield from _testing_on(ctx, node)
        return
    if not isinstance(node, ast.Assign):
        return
    if ctx.is_const(node.value, "development") and any(
        _config_item(ctx, t, "ENV") for t in node.targets
    ):
        yield PatternHit(DEBUG_ENABLED, node, _DEVELOPMENT_ENV)
        return
    if not ctx.is_const(node.value, True):
        return
    for target in node.targets:
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "debug"
            and not (isinstance(target.value, ast.Name) and target.value.id == "self")
        ):
            yield PatternHit(DEBUG_ENABLED, node, "application debug flag set to True")
        elif _config_item(ctx, target, "DEBUG"):
            yield PatternHit(DEBUG_ENABLED, node, "application config DEBUG set to True")
        elif _config_item(ctx, target, "TESTING"):
            yield from _testing_on(ctx, node)
        elif (
            isinstance(target, ast.Name)
            and target.id == "DEBUG"
            and ctx.module_basename.startswith("settings")
            and not ctx.function_stack
        ):
            yield PatternHit(DEBUG_ENABLED, node, "Django settings with DEBUG = True")
