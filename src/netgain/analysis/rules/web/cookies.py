"""Cookies set without the `secure` (CWE-614) or `httponly` (CWE-1004) flag."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, last_name, pattern_rule

_COOKIE_DOC_REFS = "- [OWASP Session Management Cheat Sheet: cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)"

INSECURE_COOKIE = rule_meta(
    id="insecure-cookie",
    name="CookieWithoutSecureFlag",
    family="web",
    cwe=(614,),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Cookie set without the Secure flag",
    doc=f"""
    ## What it does
    Flags `response.set_cookie(...)` calls without `secure=True`, Pyramid's auth-ticket cookie
    helpers (`AuthTktCookieHelper`, `AuthTktAuthenticationPolicy`, whose `secure` defaults to
    False) without `secure=True`, and the framework settings `SESSION_COOKIE_SECURE = False` /
    `CSRF_COOKIE_SECURE = False`.

    ## Why is this bad?
    Without `Secure` the browser also sends the cookie over plain HTTP, where anyone on the
    network path can read it and take over the session.

    ## Example
    ```python
    resp.set_cookie("session", token)
    ```

    ## Use instead
    ```python
    resp.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")
    ```

    ## References
    - [CWE-614: Sensitive Cookie Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    {_COOKIE_DOC_REFS}
    """,
)

COOKIE_WITHOUT_HTTPONLY = rule_meta(
    id="cookie-without-httponly",
    name="CookieWithoutHttpOnlyFlag",
    family="web",
    cwe=(1004,),
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="Cookie set without the HttpOnly flag",
    doc=f"""
    ## What it does
    Flags `response.set_cookie(...)` calls and Pyramid's auth-ticket cookie helpers without
    `httponly=True`, and the settings `SESSION_COOKIE_HTTPONLY = False`.

    ## Why is this bad?
    Scripts can read a cookie without `HttpOnly`: one XSS bug is then enough to steal the
    session.

    ## Example
    ```python
    resp.set_cookie("session", token, secure=True)
    ```

    ## Use instead
    ```python
    resp.set_cookie("session", token, secure=True, httponly=True)
    ```

    ## References
    - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    {_COOKIE_DOC_REFS}
    """,
)


COOKIE_SAMESITE_NONE = rule_meta(
    id="cookie-samesite-none",
    name="CookieSameSiteTurnedOff",
    family="web",
    cwe=(1275,),
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Cookie set with SameSite explicitly turned off",
    doc=f"""
    ## What it does
    Flags cookies whose SameSite attribute is written as off: `samesite=None` or
    `samesite="None"` in `set_cookie(...)` and in Pyramid's auth-ticket helpers (whose default
    is `Lax`), and `SESSION_COOKIE_SAMESITE = None` / `"None"` settings. A cookie that leaves
    the argument out is not reported: that is the framework's default, not a choice.

    ## Why is this bad?
    With SameSite off the browser attaches the cookie to requests that other sites trigger
    (forms, images, scripts), which is what cross-site request forgery needs.

    ## Example
    ```python
    resp.set_cookie("session", token, secure=True, httponly=True, samesite=None)
    ```

    ## Use instead
    ```python
    resp.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")
    ```

    ## References
    - [CWE-1275: Sensitive Cookie with Improper SameSite Attribute](https://cwe.mitre.org/data/definitions/1275.html)
    {_COOKIE_DOC_REFS}
    """,
)

# Pyramid's auth-ticket cookie: `secure` and `httponly` default to False, `samesite` to "Lax".
_AUTH_TICKET_HELPERS = ("AuthTktCookieHelper", "AuthTktAuthenticationPolicy")
_SAMESITE_SETTINGS = ("SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE")
_COOKIE_CALLS = frozenset({"set_cookie", *_AUTH_TICKET_HELPERS})
_SECURE_SETTINGS = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")
_HTTPONLY_SETTINGS = ("SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY")
_COOKIE_SETTINGS = frozenset({*_SAMESITE_SETTINGS, *_SECURE_SETTINGS, *_HTTPONLY_SETTINGS})


@pattern_rule(INSECURE_COOKIE, ast.Assign, names=_COOKIE_SETTINGS)
@pattern_rule(INSECURE_COOKIE, ast.Call, names=_COOKIE_CALLS)
def check_cookie_flags(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Assign):
        yield from _cookie_settings(ctx, node)
        return
    if not isinstance(node, ast.Call):
        return
    if any(kw.arg is None for kw in node.keywords):
        return  # **options: flags unknown
    helper = last_name(node.func) in _AUTH_TICKET_HELPERS
    if not helper and not (isinstance(node.func, ast.Attribute) and node.func.attr == "set_cookie"):
        return
    if not helper and len(node.args) <= 1 and not node.keywords:
        # `jar.set_cookie(cookie)` stores a client-side `http.cookiejar` cookie; on a response,
        # a key alone sets an empty value: no value to protect either way
        return
    what = "auth-ticket cookie" if helper else "cookie"
    if not ctx.is_const(ctx.keyword(node, "secure"), True) and not _dynamic(ctx, node, "secure"):
        yield PatternHit(INSECURE_COOKIE, node, f"{what} set without secure=True")
    if not ctx.is_const(ctx.keyword(node, "httponly"), True) and not _dynamic(
        ctx, node, "httponly"
    ):
        yield PatternHit(COOKIE_WITHOUT_HTTPONLY, node, f"{what} set without httponly=True")
    samesite = ctx.keyword(node, "samesite")
    if samesite is not None and _samesite_off(ctx, samesite):
        yield PatternHit(COOKIE_SAMESITE_NONE, node, f"{what} set with SameSite turned off")


def _cookie_settings(ctx: PatternContext, node: ast.Assign) -> Iterator[PatternHit]:
    """Framework settings that turn a cookie flag off for every session or CSRF cookie."""
    for target in node.targets:
        key = (
            target.id
            if isinstance(target, ast.Name)
            else ctx.const(target.slice)
            if isinstance(target, ast.Subscript)
            else None
        )
        if key in _SAMESITE_SETTINGS and _samesite_off(ctx, node.value):
            yield PatternHit(
                COOKIE_SAMESITE_NONE, node, f"{key} = None sends the cookie cross-site"
            )
        if not ctx.is_const(node.value, False):
            continue
        if key in _SECURE_SETTINGS:
            yield PatternHit(
                INSECURE_COOKIE, node, f"{key} = False sends the cookie over plain HTTP"
            )
        elif key in _HTTPONLY_SETTINGS:
            yield PatternHit(
                COOKIE_WITHOUT_HTTPONLY, node, f"{key} = False exposes the cookie to scripts"
            )


def _samesite_off(ctx: PatternContext, value: ast.expr) -> bool:
    """`None` written out, or the string "None" (which sends `SameSite=None`)."""
    found = ctx.const(value)
    return found is None or (isinstance(found, str) and found.lower() == "none")


def _dynamic(ctx: PatternContext, node: ast.Call, name: str) -> bool:
    """A flag computed at run time (e.g. `secure=settings.SECURE`) is not reported."""
    value = ctx.keyword(node, name)
    return value is not None and not isinstance(value, ast.Constant)


for _meta in (COOKIE_WITHOUT_HTTPONLY, COOKIE_SAMESITE_NONE):
    pattern_rule(_meta, ast.Assign, names=_COOKIE_SETTINGS)(check_cookie_flags)
    pattern_rule(_meta, ast.Call, names=_COOKIE_CALLS)(check_cookie_flags)
