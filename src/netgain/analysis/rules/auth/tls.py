"""TLS certificate verification disabled (CWE-295)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, callee_names, pattern_rule

TLS_VERIFICATION_DISABLED = rule_meta(
    id="tls-verification-disabled",
    name="TlsCertificateNotVerified",
    family="auth",
    cwe=(295,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="TLS certificate verification disabled",
    doc="""
    ## What it does
    Flags `verify=False` on `requests`/`httpx` calls and clients, `ssl=False` on aiohttp,
    `ssl._create_unverified_context()` (called, or installed process-wide as
    `ssl._create_default_https_context`), `cert_reqs=ssl.CERT_NONE` / `"CERT_NONE"` / `"NONE"`,
    `context.verify_mode = ssl.CERT_NONE` and `context.check_hostname = False`.
    `CERT_OPTIONAL` is not reported: on the client side it verifies like `CERT_REQUIRED`.

    ## Why is this bad?
    Without certificate checks anyone on the network path can impersonate the server, read
    credentials and change responses.

    ## Example
    ```python
    requests.get(url, verify=False)
    ```

    ## Use instead
    Keep verification on; point `verify=` at a CA bundle for private certificates.
    ```python
    requests.get(url, verify="/etc/ssl/internal-ca.pem")
    ```

    ## References
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    """,
)

_HTTP_PREFIXES = ("requests.", "httpx.", "urllib3.", "aiohttp.")
_UNVERIFIED_FACTORIES = ("ssl._create_unverified_context", "ssl._create_stdlib_context")


@pattern_rule(
    TLS_VERIFICATION_DISABLED,
    ast.Assign,
    names={"_create_default_https_context", "verify_mode", "check_hostname"},
)
@pattern_rule(
    TLS_VERIFICATION_DISABLED,
    ast.Call,
    names=callee_names(_UNVERIFIED_FACTORIES),
    keywords={"verify", "ssl", "cert_reqs"},
)
def check_tls(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Assign):
        if (
            any(
                isinstance(t, ast.Attribute) and t.attr == "_create_default_https_context"
                for t in node.targets
            )
            and ctx.qualname(node.value) in _UNVERIFIED_FACTORIES
        ):
            yield PatternHit(
                TLS_VERIFICATION_DISABLED,
                node,
                "the default HTTPS context of the whole process accepts any certificate",
            )
            return
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "verify_mode"
                and ctx.qualname(node.value) == "ssl.CERT_NONE"
            ):
                yield PatternHit(
                    TLS_VERIFICATION_DISABLED,
                    node,
                    "verify_mode = CERT_NONE accepts any certificate",
                )
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "check_hostname"
                and ctx.is_const(node.value, False)
            ):
                yield PatternHit(
                    TLS_VERIFICATION_DISABLED,
                    node,
                    "check_hostname = False accepts certificates for any host",
                )
        return
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    if qual in _UNVERIFIED_FACTORIES:
        yield PatternHit(
            TLS_VERIFICATION_DISABLED,
            node,
            f"{qual}() creates a context that accepts any certificate",
        )
        return
    verify = ctx.keyword(node, "verify")
    if verify is not None and ctx.is_const(verify, False):
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if qual.startswith(_HTTP_PREFIXES) or method in (
            "get",
            "post",
            "put",
            "patch",
            "delete",
            "head",
            "request",
            "options",
            "stream",
        ):
            yield PatternHit(
                TLS_VERIFICATION_DISABLED,
                node,
                "verify=False disables TLS certificate verification",
            )
            return
    ssl_kw = ctx.keyword(node, "ssl")
    if ssl_kw is not None and ctx.is_const(ssl_kw, False) and qual.startswith("aiohttp."):
        yield PatternHit(
            TLS_VERIFICATION_DISABLED, node, "ssl=False disables TLS certificate verification"
        )
        return
    cert_reqs = ctx.keyword(node, "cert_reqs")
    if cert_reqs is not None and (
        ctx.qualname(cert_reqs) == "ssl.CERT_NONE"
        or ctx.is_const(cert_reqs, "CERT_NONE")
        or ctx.is_const(cert_reqs, "NONE")  # urllib3 reads "NONE" as ssl.CERT_NONE
    ):
        yield PatternHit(
            TLS_VERIFICATION_DISABLED, node, "cert_reqs=CERT_NONE accepts any certificate"
        )
