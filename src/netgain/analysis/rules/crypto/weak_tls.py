"""Weak TLS protocol versions (CWE-327): SSLv2, SSLv3, TLS 1.0 and 1.1 chosen explicitly."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, last_name, pattern_rule

WEAK_TLS_VERSION = rule_meta(
    id="weak-tls-version",
    name="DeprecatedTlsProtocol",
    family="crypto",
    cwe=(327, 326),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Deprecated SSL/TLS protocol version selected",
    doc="""
    ## What it does
    Flags the protocol constants of SSLv2, SSLv3, TLS 1.0 and TLS 1.1 where they choose a
    connection's protocol: passed to a call (`ssl.wrap_socket(ssl_version=ssl.PROTOCOL_TLSv1)`,
    `SSL.Context(SSL.SSLv3_METHOD)`), given as a parameter's default, or assigned
    (`context.minimum_version = ssl.TLSVersion.TLSv1`). `ssl` and pyOpenSSL (`OpenSSL.SSL`,
    including `SSLv23_METHOD`, which still allows SSLv3, and OpenSSL's method constants read
    from any other module named `SSL` outside the scanned code) are covered; comparisons with
    these constants are not reported. `ssl.wrap_socket(sock)` without a protocol is reported
    too: removed in Python 3.12, it checks neither the certificate nor the host name.

    ## Why is this bad?
    These versions have practical attacks (POODLE, BEAST, downgrade attacks) and are disabled
    by current browsers and servers (RFC 8996): a connection negotiated with them can be read
    or altered.

    ## Example
    ```python
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    ```

    ## References
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    - [RFC 8996: Deprecating TLS 1.0 and TLS 1.1](https://www.rfc-editor.org/rfc/rfc8996)
    """,
)

_WEAK = frozenset(
    {
        *(f"ssl.PROTOCOL_{v}" for v in ("SSLv2", "SSLv3", "TLSv1", "TLSv1_1")),
        *(f"ssl.TLSVersion.{v}" for v in ("SSLv3", "TLSv1", "TLSv1_1")),
        *(f"OpenSSL.SSL.{v}_METHOD" for v in ("SSLv2", "SSLv3", "SSLv23", "TLSv1", "TLSv1_1")),
    }
)


_WEAK_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in _WEAK)
# OpenSSL's method constants keep their names in every binding that exposes them as a module
# `SSL` (pyOpenSSL's `OpenSSL.SSL`, its vendored and misspelt imports such as
# `from pyOpenSSL import SSL`): the name alone says which protocol is chosen.
_OPENSSL_METHODS = frozenset(n for n in _WEAK_NAMES if n.endswith("_METHOD"))


def _weak(ctx: PatternContext, node: ast.expr | None) -> str | None:
    # the last name first: resolving every argument of every call is what costs
    last = last_name(node)
    if last in _WEAK_NAMES and node is not None:
        qual = ctx.qualname(node)
        if qual in _WEAK:
            return qual
        owner, _, _ = qual.rpartition(".")
        if (
            last in _OPENSSL_METHODS
            and owner.rpartition(".")[2] == "SSL"
            and owner not in ctx.index.modules  # not a module of the scanned tree
            and qual not in ctx.index.classes
        ):
            return qual
    return None


def _legacy_wrap_socket(ctx: PatternContext, call: ast.Call) -> bool:
    """`ssl.wrap_socket(sock)` without a protocol: deprecated since 3.7 and removed in 3.12, it
    builds a context that verifies neither the certificate (`cert_reqs=CERT_NONE`) nor the
    host name, and negotiates whatever the OpenSSL build still allows."""
    return (
        last_name(call.func) == "wrap_socket"
        and ctx.qualname(call) == "ssl.wrap_socket"
        and ctx.keyword(call, "ssl_version") is None
        and len(call.args) < 6  # ssl_version is the sixth positional parameter
    )


@pattern_rule(WEAK_TLS_VERSION, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign)
# a protocol constant passed to any function (`wrap(sock, PROTOCOL_TLSv1)`), or `wrap_socket`
@pattern_rule(WEAK_TLS_VERSION, ast.Call, names={"wrap_socket"}, arguments=_WEAK_NAMES)
def check_weak_tls(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    values: list[ast.expr] = []
    if isinstance(node, ast.Call):
        values = [*node.args, *(kw.value for kw in node.keywords)]
        if _legacy_wrap_socket(ctx, node):
            yield PatternHit(
                WEAK_TLS_VERSION,
                node,
                "ssl.wrap_socket() checks neither certificate nor host name and is removed in "
                "Python 3.12: use ssl.create_default_context().wrap_socket(sock, server_hostname=...)",
            )
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        values = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    elif isinstance(node, ast.Assign) and all(
        isinstance(t, ast.Name | ast.Attribute) for t in node.targets
    ):
        values = [node.value]  # not `table[ssl.PROTOCOL_TLSv1] = ...`: a mapping, not a choice
    for value in values:
        qual = _weak(ctx, value)
        if qual is not None:
            yield PatternHit(
                WEAK_TLS_VERSION,
                value,
                f"{qual.rsplit('.', 1)[-1]} is deprecated: require TLS 1.2 or newer",
            )
