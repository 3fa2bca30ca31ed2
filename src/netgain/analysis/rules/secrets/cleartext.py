"""Cleartext transmission of credentials (CWE-319 / CWE-523): logins over FTP, Telnet, SMTP
without STARTTLS, IMAP and POP3 without TLS, and user:password in http:// URLs.

A pattern rule: the client object's constructor is found where the receiver of `.login()` was
bound in the same function (or module), so `ftp = FTP(host); ftp.login(user, pw)` is reported
while `FTP_TLS` and an SMTP session upgraded with `starttls()` first are not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import (
    PatternContext,
    PatternHit,
    callee_names,
    last_name,
    pattern_rule,
)

CLEARTEXT_CREDENTIALS = rule_meta(
    id="cleartext-credentials",
    name="CredentialsSentInCleartext",
    family="secrets",
    cwe=(319, 523),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Credentials sent over an unencrypted connection",
    doc="""
    ## What it does
    Flags a login over a protocol that sends the password in the clear: `.login()` on an
    `ftplib.FTP`, `smtplib.SMTP` / `LMTP` (unless `starttls()` was called on it before),
    `imaplib.IMAP4` (unless `starttls()` came first), `ftplib.FTP(host, user, passwd)` (it logs in
    from the constructor), `poplib.POP3` `.user()` / `.pass_()` / `.apop()`
    (unless `stls()` came first), a password written to a `telnetlib.Telnet` connection,
    `http://` or `ftp://` URLs that carry `user:password@` (given to requests, httpx or urllib,
    or kept in a variable; not in a header or a test's expected values), and `auth=` credentials
    sent to an
    `http://` URL with requests or httpx. The client is recognised where the receiver was bound
    in the same function or module (`ftp = FTP(host)`, `with SMTP(host) as s:`) or when the
    call is chained onto the constructor. `FTP_TLS`, `SMTP_SSL`, `IMAP4_SSL` and `POP3_SSL` are
    not reported.

    ## Why is this bad?
    Anyone on the path (shared Wi-Fi, a compromised router, a mirror port) reads the password
    as it crosses the network, and reuses it.

    ## Example
    ```python
    server = smtplib.SMTP("mail.example.com", 587)
    server.login(user, password)
    ```

    ## Use instead
    ```python
    server = smtplib.SMTP("mail.example.com", 587)
    server.starttls(context=ssl.create_default_context())
    server.login(user, password)
    ```

    ## References
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    - [CWE-523: Unprotected Transport of Credentials](https://cwe.mitre.org/data/definitions/523.html)
    - [Python docs: smtplib.SMTP.starttls](https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls)
    """,
)

# Cleartext client classes -> (the methods that send credentials, the upgrade method or "").
_CLEARTEXT: dict[str, tuple[frozenset[str], str]] = {
    "ftplib.FTP": (frozenset({"login"}), ""),
    "smtplib.SMTP": (frozenset({"login"}), "starttls"),
    "smtplib.LMTP": (frozenset({"login"}), "starttls"),
    "imaplib.IMAP4": (frozenset({"login", "authenticate"}), "starttls"),
    "poplib.POP3": (frozenset({"user", "pass_", "apop", "rpop"}), "stls"),
    "telnetlib.Telnet": (frozenset({"write"}), ""),
}
_METHODS = frozenset(m for methods, _ in _CLEARTEXT.values() for m in methods)
_CREDENTIAL_URL = re.compile(r"^(?:http|ftp)://[^/\s:@]+:[^/\s@]+@[^/\s]", re.IGNORECASE)
_PASSWORD_NAME = re.compile(r"(?i)(passw(or)?d|passwd|pwd|passphrase)")
_HTTP_CLIENTS = frozenset(
    f"{lib}.{verb}"
    for lib in ("requests", "httpx")
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
)
_URL_CLIENTS = _HTTP_CLIENTS | {"urllib.request.urlopen", "urllib.request.Request"}


def _mentions_password(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        name = last_name(sub)
        if name and _PASSWORD_NAME.search(name):
            return True
    return False


def client_binding(ctx: PatternContext, name: str, before: int) -> tuple[ast.AST | None, str]:
    """The constructor call last bound to `name` before line `before` in the enclosing scope,
    and the client class it names ("" when `name` is bound otherwise)."""
    scope: ast.AST | None = ctx.function or ctx.module.tree
    found: tuple[ast.AST | None, str] = (None, "")
    if scope is None:
        return found
    best = 0
    for node in ast.walk(scope):
        value: ast.expr | None = None
        line = getattr(node, "lineno", 0)
        if line >= before or line < best:
            continue
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = node.value
        elif isinstance(node, ast.With | ast.AsyncWith):
            items = node.items
            for item in items:
                var = item.optional_vars
                if isinstance(var, ast.Name) and var.id == name:
                    value = item.context_expr
        if value is None:
            continue
        best = line
        qual = ctx.qualname(value) if isinstance(value, ast.Call) else ""
        found = (node, qual)
    return found


def _upgraded(ctx: PatternContext, name: str, upgrade: str, after: int, before: int) -> bool:
    """Whether `name.upgrade(...)` is called between the binding and the login."""
    scope: ast.AST | None = ctx.function or ctx.module.tree
    if not upgrade or scope is None:
        return False
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == upgrade
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and after <= node.lineno <= before
        ):
            return True
    return False


def _client_call(ctx: PatternContext, node: ast.Call) -> Iterator[PatternHit]:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
        return
    if func.attr == "write" and not (node.args and _mentions_password(node.args[0])):
        return  # Telnet: only a write that carries a password
    receiver = func.value
    bound_line = 0
    if isinstance(receiver, ast.Call):
        qual = ctx.qualname(receiver)
        name = ""
    elif isinstance(receiver, ast.Name):
        binding, qual = client_binding(ctx, receiver.id, node.lineno)
        if binding is None:
            return
        name, bound_line = receiver.id, getattr(binding, "lineno", 0)
    else:
        return
    spec = _CLEARTEXT.get(qual)
    if spec is None or func.attr not in spec[0]:
        return
    upgrade = spec[1]
    if name and _upgraded(ctx, name, upgrade, bound_line, node.lineno):
        return
    protocol = qual.split(".", 1)[0].removesuffix("lib")
    yield PatternHit(
        CLEARTEXT_CREDENTIALS,
        node,
        f"credentials sent over {protocol} in cleartext ({qual}.{func.attr}): use the TLS "
        f"client{' or call ' + upgrade + '() first' if upgrade else ''}",
    )


def _credential_url(node: ast.expr) -> Iterator[PatternHit]:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _CREDENTIAL_URL.match(node.value)
    ):
        scheme = node.value.split(":", 1)[0].lower()
        yield PatternHit(
            CLEARTEXT_CREDENTIALS,
            node,
            f"user:password in an {scheme}:// URL: sent in cleartext",
            mask=node.value,
        )


@pattern_rule(CLEARTEXT_CREDENTIALS, ast.Assign)
@pattern_rule(
    CLEARTEXT_CREDENTIALS, ast.Call, names=_METHODS | callee_names(_URL_CLIENTS, ["ftplib.FTP"])
)
def check_cleartext(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Assign):
        # a URL kept in a variable or constant for later use; not one stored in a header,
        # a table or a test's expected values
        if all(isinstance(t, ast.Name) for t in node.targets):
            yield from _credential_url(node.value)
        return
    if not isinstance(node, ast.Call):
        return
    urls = [*node.args[:1], *(kw.value for kw in node.keywords if kw.arg == "url")]
    with_at = any(
        isinstance(u, ast.Constant) and isinstance(u.value, str) and "@" in u.value for u in urls
    )
    if with_at and ctx.qualname(node) in _URL_CLIENTS:
        for argument in urls:
            yield from _credential_url(argument)
    yield from _client_call(ctx, node)
    if ctx.qualname(node) == "ftplib.FTP" and (
        len(node.args) >= 2 or any(kw.arg in {"user", "passwd"} for kw in node.keywords)
    ):
        # FTP(host, user, passwd) logs in from the constructor
        yield PatternHit(
            CLEARTEXT_CREDENTIALS,
            node,
            "credentials sent over FTP in cleartext (ftplib.FTP(host, user, ...) logs in): "
            "use ftplib.FTP_TLS",
        )
    if node.args and ctx.keyword(node, "auth") is not None:
        url = ctx.const(node.args[0])
        if (
            isinstance(url, str)
            and url.lower().startswith("http://")
            and ctx.qualname(node) in _HTTP_CLIENTS
        ):
            yield PatternHit(
                CLEARTEXT_CREDENTIALS, node, "auth= credentials sent to an http:// URL in cleartext"
            )
