"""The JavaScript / TypeScript taint models (`models.toml` beside this file), validated on load.

Sources, sinks, sanitizers and guards are data, as for Python (`analysis/models/`): adding a
driver's raw-query method or a framework's request member is an entry in the file, not code.
A malformed entry is an error naming the file, the table and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MODELS_FILE = Path(__file__).with_name("models.toml")


class JsModelError(ValueError):
    """A models file entry netgain cannot use."""


@dataclass(frozen=True, slots=True)
class Role:
    """What a handler parameter holds (a request, a Koa context) and its client-controlled parts."""

    name: str
    members: frozenset[str]
    methods: frozenset[str]
    roles: dict[str, str] = field(default_factory=dict)
    whole: bool = False  # the object itself is client data (a Lambda event)


@dataclass(frozen=True, slots=True)
class CallMatcher:
    """A qualified function name set, or method names on a receiver whose text matches a pattern."""

    names: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    receiver: re.Pattern[str] | None = None

    def matches(self, qname: str | None, method: str | None, receiver_text: str | None) -> bool:
        if qname is not None and qname in self.names:
            return True
        if method is None or method not in self.methods:
            return False
        if self.receiver is None:
            return True
        return receiver_text is not None and self.receiver.search(receiver_text) is not None


@dataclass(frozen=True, slots=True)
class Sink:
    rule: str
    call: CallMatcher
    args: tuple[int, ...]
    properties: frozenset[str] = frozenset()
    shell_args: tuple[int, ...] = ()
    strings_only: frozenset[str] = frozenset()
    unless_option: str | None = None
    header: str | None = None
    shell_programs: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Sanitizer:
    call: CallMatcher
    rules: frozenset[str]


@dataclass(frozen=True, slots=True)
class Handlers:
    """How route handlers are recognised and which role each of their parameters holds."""

    route_methods: frozenset[str]
    route_option_handlers: frozenset[str]
    koa_modules: frozenset[str]
    request_roles: tuple[str, ...]
    koa_roles: tuple[str, ...]
    app_router_exports: frozenset[str]
    app_router_roles: tuple[str, ...]
    exported_handler_names: frozenset[str]
    exported_handler_roles: tuple[str, ...]
    request_param_names: frozenset[str]
    request_param_types: frozenset[str]
    koa_param_names: frozenset[str]
    koa_param_types: frozenset[str]
    param_decorators: dict[str, str] = field(default_factory=dict)
    exported_roles: dict[str, str] = field(default_factory=dict)
    page_files: frozenset[str] = frozenset()
    page_prop_keys: frozenset[str] = frozenset()
    page_role: str = ""
    param_types: dict[str, str] = field(default_factory=dict)  # parameter type -> role
    redirect_decorators: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Guards:
    functions: frozenset[str]
    rejecting_functions: frozenset[str]
    membership_methods: frozenset[str]
    traversal_markers: frozenset[str]
    prefix_methods: frozenset[str]
    normalisers: frozenset[str] = frozenset()
    predicate_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class JsModels:
    roles: dict[str, Role]
    handlers: Handlers
    sinks: tuple[Sink, ...]
    sanitizers: tuple[Sanitizer, ...]
    guards: Guards
    to_receiver: frozenset[str] = frozenset()
    lookups: frozenset[str] = frozenset()

    def sanitizer_rules(
        self, qname: str | None, method: str | None, receiver_text: str | None
    ) -> frozenset[str]:
        """The rules a call's result is safe for (empty: not a sanitizer)."""
        out: set[str] = set()
        for sanitizer in self.sanitizers:
            if sanitizer.call.matches(qname, method, receiver_text):
                out |= sanitizer.rules
        return frozenset(out)


class _Table:
    """One TOML table being validated: every error names the file, the table and the key."""

    def __init__(self, source: str, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise JsModelError(f"{source}: {where} must be a table")
        self.source, self.where, self.data = source, where, data

    def _fail(self, key: str, expected: str) -> JsModelError:
        return JsModelError(f"{self.source}: {self.where}.{key} must be {expected}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def words(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "a string or a list of strings")
        return tuple(value)

    def numbers(self, key: str) -> tuple[int, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self._fail(key, "a list of integers")
        return tuple(value)

    def mapping(self, key: str) -> dict[str, str]:
        value = self.data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self._fail(key, "a table of strings")
        return dict(value)

    def pattern(self, key: str) -> re.Pattern[str] | None:
        text = self.optional_text(key)
        if text is None:
            return None
        try:
            return re.compile(text)
        except re.error as exc:
            raise self._fail(key, f"a regular expression ({exc})") from exc

    def call(self) -> CallMatcher:
        names, methods = self.words("name"), self.words("method")
        if not names and not methods:
            raise self._fail("name", "given (or `method`)")
        return CallMatcher(frozenset(names), frozenset(methods), self.pattern("receiver"))


def _entries(source: str, data: dict[str, Any], key: str) -> list[_Table]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise JsModelError(f"{source}: [[{key}]] must be an array of tables")
    return [_Table(source, f"{key}[{i}]", item) for i, item in enumerate(items)]


def parse_models(text: str, source: str = "models.toml") -> JsModels:
    """Validate a models file's text into `JsModels`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JsModelError(f"{source}: {exc}") from exc
    roles = {}
    for t in _entries(source, data, "role"):
        role = Role(
            t.text("name"),
            frozenset(t.words("members")),
            frozenset(t.words("methods")),
            t.mapping("roles"),
            t.flag("whole"),
        )
        roles[role.name] = role
    h = _Table(source, "handlers", data.get("handlers", {}))
    handlers = Handlers(
        route_methods=frozenset(h.words("route_methods")),
        route_option_handlers=frozenset(h.words("route_option_handlers")),
        koa_modules=frozenset(h.words("koa_modules")),
        request_roles=h.words("request_roles"),
        koa_roles=h.words("koa_roles"),
        app_router_exports=frozenset(h.words("app_router_exports")),
        app_router_roles=h.words("app_router_roles"),
        exported_handler_names=frozenset(h.words("exported_handler_names")),
        exported_handler_roles=h.words("exported_handler_roles"),
        request_param_names=frozenset(h.words("request_param_names")),
        request_param_types=frozenset(h.words("request_param_types")),
        koa_param_names=frozenset(h.words("koa_param_names")),
        koa_param_types=frozenset(h.words("koa_param_types")),
        param_decorators=h.mapping("param_decorators"),
        exported_roles=h.mapping("exported_roles"),
        page_files=frozenset(h.words("page_files")),
        page_prop_keys=frozenset(h.words("page_prop_keys")),
        page_role=h.text("page_role", ""),
        param_types=h.mapping("param_types"),
        redirect_decorators=frozenset(h.words("redirect_decorators")),
    )
    sinks = tuple(
        Sink(
            rule=t.text("rule"),
            call=t.call(),
            args=t.numbers("args"),
            properties=frozenset(t.words("properties")),
            shell_args=t.numbers("shell_args"),
            strings_only=frozenset(t.words("strings_only")),
            unless_option=t.optional_text("unless_option"),
            header=t.optional_text("header"),
            shell_programs=frozenset(t.words("shell_programs")),
        )
        for t in _entries(source, data, "sink")
    )
    sanitizers = tuple(
        Sanitizer(t.call(), frozenset(t.words("rules")))
        for t in _entries(source, data, "sanitizer")
    )
    g = _Table(source, "guards", data.get("guards", {}))
    guards = Guards(
        functions=frozenset(g.words("functions")),
        rejecting_functions=frozenset(g.words("rejecting_functions")),
        membership_methods=frozenset(g.words("membership_methods")),
        traversal_markers=frozenset(g.words("traversal_markers")),
        prefix_methods=frozenset(g.words("prefix_methods")),
        normalisers=frozenset(g.words("normalisers")),
        predicate_pattern=g.pattern("predicate_pattern"),
    )
    propagators = _Table(source, "propagators", data.get("propagators", {}))
    role_lists: tuple[tuple[str, ...], ...] = (
        handlers.request_roles,
        handlers.koa_roles,
        handlers.app_router_roles,
        handlers.exported_handler_roles,
    )
    role_lists += (
        tuple(handlers.param_decorators.values()),
        tuple(handlers.exported_roles.values()),
        tuple(handlers.param_types.values()),
        (handlers.page_role,) if handlers.page_role else (),
    )
    for role_list in role_lists:
        for name in role_list:
            if name not in roles and name != "response":
                raise JsModelError(f"{source}: handlers name the unknown role {name!r}")
    return JsModels(
        roles,
        handlers,
        sinks,
        sanitizers,
        guards,
        frozenset(propagators.words("to_receiver")),
        frozenset(propagators.words("lookups")),
    )


@cache
def default_js_models() -> JsModels:
    """The shipped models (read once per process)."""
    return parse_models(MODELS_FILE.read_text(encoding="utf-8"), str(MODELS_FILE.name))
