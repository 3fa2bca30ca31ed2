"""Requests over cleartext protocols (CWE-319): a client given a constant http:// or ftp:// URL.

A pattern rule: the URL is a constant where the request is made (a literal, a name the function
or module binds once to a constant, or the constant default of the parameter passed on), and
the client is a module function (`requests.get`, `urlopen`) or an object whose constructor is
found where its name was bound (`session = requests.Session()`, `with OpenerDirector() as od`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from urllib.parse import urlsplit

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import (
    PatternContext,
    PatternHit,
    callee_names,
    last_name,
    pattern_rule,
)

INSECURE_TRANSPORT = rule_meta(
    id="insecure-transport",
    name="RequestOverCleartextProtocol",
    family="secrets",
    cwe=(319,),
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Request sent to an http:// or ftp:// URL",
    doc="""
    ## What it does
    Flags HTTP and FTP requests to a constant `http://` or `ftp://` URL: `requests` and `httpx`
    calls (`get`, `post`, ..., `request`, `Request`), the methods of a `requests.Session` /
    `httpx.Client`, `urllib.request.urlopen`, `Request` and `urlretrieve`, and the `open` /
    `retrieve` methods of urllib's `OpenerDirector`, `URLopener` and `FancyURLopener`. The URL
    may be written at the call, bound once to a name before it, or be the default of the
    parameter passed on. Loopback hosts (`localhost`, `127.0.0.1`, `::1`) are not reported.
    Credentials sent this way are `cleartext-credentials`.

    ## Why is this bad?
    Everything sent and received, cookies and tokens included, can be read and changed by
    anyone on the path; a response can be replaced by an attacker's.

    ## Example
    ```python
    requests.get("http://api.example.com/v1/items", timeout=10)
    ```

    ## Use instead
    ```python
    requests.get("https://api.example.com/v1/items", timeout=10)
    ```

    ## References
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """,
)

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
# module-level clients -> position of the URL argument (the `url` keyword everywhere)
_FUNCTIONS: dict[str, int] = {
    **{f"{lib}.{verb}": 0 for lib in ("requests", "httpx") for verb in _VERBS},
    **{f"{lib}.{name}": 1 for lib in ("requests", "httpx") for name in ("request", "Request")},
    "requests.api.request": 1,
    "urllib.request.urlopen": 0,
    "urllib.request.Request": 0,
    "urllib.request.urlretrieve": 0,
}
# client objects -> their methods that send a request (URL first, `request` second)
_CLIENTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("requests.Session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient"),
        frozenset({*_VERBS, "request"}),
    ),
    **dict.fromkeys(
        (
            "urllib.request.OpenerDirector",
            "urllib.request.URLopener",
            "urllib.request.FancyURLopener",
            "urllib.request.build_opener",
        ),
        frozenset({"open", "retrieve"}),
    ),
}
_METHODS = frozenset(m for methods in _CLIENTS.values() for m in methods)
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})  # noqa: S104 - a host name


def _cleartext(url: object) -> str | None:
    """The scheme of a constant URL sent in cleartext to another host, or None."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "ftp") or not host or host in _LOOPBACK:
        return None
    if host.startswith("127.") or host.endswith(".localhost"):
        return None
    return scheme


def _url_value(ctx: PatternContext, node: ast.expr | None) -> object:
    """A constant URL: the value itself, or the default of the parameter it names."""
    value = ctx.const_here(node)
    fn = ctx.function
    if isinstance(value, str) or not isinstance(node, ast.Name) or fn is None:
        return value
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(args.defaults) :]],
            args.defaults,
            strict=True,
        )
    )
    defaults.update(
        (a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
    )
    default = defaults.get(node.id)
    return ctx.const(default) if default is not None else None


def _client(ctx: PatternContext, call: ast.Call) -> tuple[str, int] | None:
    """The client a call sends through and the URL argument's position, or None."""
    func = call.func
    name = last_name(func)
    if name in _METHODS and isinstance(func, ast.Attribute):
        receiver = func.value
        if isinstance(receiver, ast.Call):
            owner = ctx.qualname(receiver)
        elif isinstance(receiver, ast.Name):
            # noted when the walk passed its binding: no search of the function per `.get()`
            owner = ctx.notes.get((_NOTE, id(ctx.function), receiver.id), "")
        else:
            owner = ""
        if name in _CLIENTS.get(owner, ()):
            return f"{owner.rsplit('.', 1)[-1]}.{name}", 1 if name == "request" else 0
    qual = ctx.qualname(call)
    position = _FUNCTIONS.get(qual)
    return (qual, position) if position is not None else None


_NOTE = "insecure-transport:client"
_CLIENT_CLASSES = frozenset(q.rsplit(".", 1)[-1] for q in _CLIENTS)


@pattern_rule(INSECURE_TRANSPORT, ast.Assign, ast.With, ast.AsyncWith)
def note_clients(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    """Remember names bound to a client object (`session = requests.Session()`, `with
    OpenerDirector() as od`) for the calls made through them further down."""
    pairs: list[tuple[ast.expr, ast.expr | None]] = []
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        pairs.append((node.value, node.targets[0]))
    elif isinstance(node, ast.With | ast.AsyncWith):
        pairs.extend((item.context_expr, item.optional_vars) for item in node.items)
    for value, target in pairs:
        if isinstance(target, ast.Name):
            key = (_NOTE, id(ctx.function), target.id)
            client = ""
            if isinstance(value, ast.Call) and last_name(value.func) in _CLIENT_CLASSES:
                qual = ctx.qualname(value)
                client = qual if qual in _CLIENTS else ""
            if client:
                ctx.notes[key] = client
            else:
                ctx.notes.pop(key, None)  # rebound to something else
    return iter(())


@pattern_rule(INSECURE_TRANSPORT, ast.Call, names=_METHODS | callee_names(_FUNCTIONS))
def check_insecure_transport(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call):
        return
    client = _client(ctx, node)
    if client is None:
        return
    what, position = client
    url = ctx.keyword(node, "url")
    if url is None and len(node.args) > position:
        url = node.args[position]
    scheme = _cleartext(_url_value(ctx, url))
    if scheme is not None:
        yield PatternHit(
            INSECURE_TRANSPORT,
            node,
            f"{what}() sends a request over {scheme}:// in cleartext: use "
            f"{'https' if scheme == 'http' else 'ftps or sftp'}",
        )
