"""Code signals: which sensitive API families the added lines of a change use.

The review policy routes a change to an architectural checkpoint when its *code* touches raw SQL,
JWT / session / password handling, cryptography or a payment SDK, wherever the file lives. Names are
resolved with the analyzer's program index (aliases, `from x import y as z`, relative imports), so
`import jwt as j; j.decode(...)` is found, and only calls and imports on added lines count.
Nothing is imported or executed.

The families are data (`FAMILIES`): qualified-name prefixes, plus a structural test for raw SQL
(`.execute()` and friends called with a string built in code, whatever the driver), and a
`git log -G` regular expression used to ask whether an author ever wrote such code before.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from netgain.analysis.findings import UnparsedFile
from netgain.analysis.index import ProgramIndex, dotted_name
from netgain.analysis.source import ParsedSource, parse_source


@dataclass(frozen=True, slots=True)
class Family:
    """One API family: qualified-name prefixes and a history regex (POSIX ERE for `git log -G`)."""

    name: str
    description: str
    prefixes: tuple[str, ...]
    history_regex: str


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "raw_sql",
            "raw SQL execution",
            ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"),
            r"\.(execute|executemany|executescript|raw)\(|text\(",
        ),
        Family(
            "jwt",
            "JWT handling",
            ("jwt", "jose", "authlib.jose", "python_jwt", "jwcrypto", "flask_jwt_extended"),
            r"(import|from) +(jwt|jose|authlib\.jose|jwcrypto|flask_jwt_extended)",
        ),
        Family(
            "session",
            "session handling",
            (
                "flask.session",
                "flask_login",
                "django.contrib.sessions",
                "django.contrib.auth.login",
                "django.contrib.auth.logout",
                "starlette.middleware.sessions",
                "itsdangerous",
            ),
            r"(flask_login|sessions|itsdangerous|session\[)",
        ),
        Family(
            "password",
            "password handling",
            (
                "bcrypt",
                "passlib",
                "argon2",
                "werkzeug.security",
                "django.contrib.auth.hashers",
                "hashlib.pbkdf2_hmac",
                "hashlib.scrypt",
                "getpass",
            ),
            r"(bcrypt|passlib|argon2|password_hash|pbkdf2|scrypt|make_password|check_password)",
        ),
        Family(
            "crypto",
            "cryptography",
            (
                "cryptography",
                "Crypto",
                "Cryptodome",
                "nacl",
                "hmac",
                "hashlib",
                "secrets",
                "ssl",
                "rsa",
                "ecdsa",
            ),
            r"(import|from) +(cryptography|Crypto|Cryptodome|nacl|hmac|hashlib|secrets|ssl|rsa|ecdsa)",
        ),
        Family(
            "payments",
            "payment SDK",
            (
                "stripe",
                "braintree",
                "paypalrestsdk",
                "paypalcheckoutsdk",
                "adyen",
                "Adyen",
                "square",
                "mollie",
                "razorpay",
            ),
            r"(import|from) +(stripe|braintree|paypal|[Aa]dyen|square|mollie|razorpay)",
        ),
    )
}

_SQL_METHODS = frozenset({"execute", "executemany", "executescript", "raw", "extra", "mogrify"})
_SQL_WORDS = re.compile(
    r"\b(select|insert|update|delete|create|drop|alter|replace|merge|with)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Signal:
    """One use of a sensitive API family on an added line."""

    family: str
    path: str
    line: int
    detail: str  # the resolved name or construct, e.g. "jwt.decode" or "cursor.execute(f-string)"


def _matches(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _families_of(name: str) -> list[str]:
    return [f.name for f in FAMILIES.values() if _matches(name, f.prefixes)]


def _is_built_string(node: ast.expr) -> bool:
    """A query string assembled in code: literal SQL, f-string, concatenation, % or .format()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_SQL_WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and _SQL_WORDS.search(v.value)
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_built_string(node.left) or _is_built_string(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_built_string(node.func.value)
    return False


def _raw_sql(call: ast.Call) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _SQL_METHODS or not call.args:
        return None
    first = call.args[0]
    if _is_built_string(first):
        kind = type(first).__name__.lower().replace("joinedstr", "f-string")
        return f"{dotted_name(func) or func.attr}({kind})"
    return None


def nodes_on_lines(tree: ast.AST, lines: set[int]) -> Iterator[ast.AST]:
    """The nodes of `tree` that span at least one of `lines`, without visiting the subtrees
    that span none: a change's few added lines in a file of thousands cost a walk of the
    statements around them, not of every node of the file. A child lies within its parent's
    lines, except a decorator (above its `def`): a definition's span starts at its first one."""
    if not lines:
        return
    ordered = sorted(lines)

    def touches(start: int, end: int) -> bool:
        at = bisect.bisect_left(ordered, start)
        return at < len(ordered) and ordered[at] <= end

    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        line = getattr(node, "lineno", None)
        if line is not None:
            end = getattr(node, "end_lineno", None) or line
            decorators = getattr(node, "decorator_list", None)
            start = min([line, *(d.lineno for d in decorators)]) if decorators else line
            if not touches(start, end):
                continue
            if touches(line, end):
                yield node
        stack.extend(ast.iter_child_nodes(node))


def find_signals(
    sources: Mapping[str, bytes],
    added: Mapping[str, set[int]],
    parsed_sources: Mapping[str, ParsedSource | UnparsedFile] | None = None,
) -> tuple[list[Signal], list[tuple[str, str]]]:
    """Signals on the added lines of Python files (and notebooks' code cells).

    Args:
        sources: POSIX path -> file bytes at the change's head (Python files only).
        added: POSIX path -> the added line numbers in that file.
        parsed_sources: the same files already parsed by the caller (`parse_source`), if it did.

    Returns:
        (signals sorted by path and line, [(path, reason)] for files that could not be parsed).
    """
    index = ProgramIndex()
    parsed: dict[str, ParsedSource] = {}
    unparsed: list[tuple[str, str]] = []
    for path in sorted(sources):
        known = parsed_sources.get(path) if parsed_sources is not None else None
        result = known if known is not None else parse_source(path, sources[path])
        if isinstance(result, ParsedSource):
            parsed[path] = result
            index.add_module(path, result.tree)
        else:
            unparsed.append((path, result.reason))
    index.finish()
    found: set[Signal] = set()
    for path, source in parsed.items():
        lines = added.get(path, set())
        if not lines:
            continue
        if source.notebook is not None:  # added lines are the notebook's JSON lines
            lines = {n for n in range(1, source.line_count + 1) if source.place(n) in lines}
        module = index.by_path[path]
        for node in nodes_on_lines(source.tree, lines):
            line = source.place(node.lineno)  # type: ignore[attr-defined]  # positioned nodes
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [f"{node.module}.{n}" for n in names] or [node.module]
                for name in names:
                    for family in _families_of(name):
                        found.add(Signal(family, path, line, f"import {name}"))
            elif isinstance(node, ast.Call):
                dotted = dotted_name(node.func)
                qualified = index.qualify(module, dotted) if dotted else None
                for family in _families_of(qualified or ""):
                    found.add(Signal(family, path, line, f"{qualified}()"))
                sql = _raw_sql(node)
                if sql is not None:
                    found.add(Signal("raw_sql", path, line, sql))
            elif isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
                dotted = dotted_name(node)
                qualified = index.qualify(module, dotted) if dotted else None
                if qualified and _matches(qualified, FAMILIES["session"].prefixes):
                    found.add(Signal("session", path, line, qualified))
    return sorted(found, key=lambda s: (s.path, s.line, s.family, s.detail)), unparsed
