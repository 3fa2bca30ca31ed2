"""Loading the taint models: sources, sinks, sanitizers, propagators and types, kept as data.

The models live in TOML files under `netgain/analysis/models/` (Semgrep/Pysa style: taint as data,
separate from the engine) and can be extended from `netgain.toml` (`[scan.models]`, same schema).
Every table is validated on load; an error names the file and the offending key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from netgain.analysis.findings import Confidence
from netgain.analysis.guard_models import GUARD_TABLES, GuardModels, merge_guard_data
from netgain.errors import NetgainError
from netgain.userpattern import PatternError, UserPattern, compile_pattern

DEFAULT_SINK_SOURCES = frozenset({"user", "cli", "env", "socket", "file"})


class ModelError(NetgainError):
    """A taint model file does not match the schema."""


@dataclass(frozen=True, slots=True)
class SourceModel:
    name: str  # qualified name, `prefix.*`, or a bare method name when match == "method"
    match: str  # call | read | method | request
    kind: str
    confidence: Confidence
    description: str


@dataclass(frozen=True, slots=True)
class SinkModel:
    rule: str
    name: str  # qualified name or `prefix.*`; empty for method sinks
    method: str  # bare method name matched on any receiver; empty for qualified sinks
    args: tuple[int, ...]
    keywords: tuple[str, ...]
    receiver: bool
    first_element: bool
    # for argument lists: the elements after the program, up to a `--` separator, are read as
    # options when they start with `-` (argument injection)
    option_elements: bool
    when_keyword: tuple[tuple[str, object], ...]
    unless_keyword: tuple[tuple[str, object], ...]
    receiver_attr: str
    sources: frozenset[str]
    description: str
    # the argument counts as SQL only when it is statement text built at run time (see
    # `flow/sqltext.sql_shaped`); otherwise only the `built-query` kind is accepted
    sql_text: bool = False
    # the sink is off when an argument (by position or keyword) has this type tag
    unless_arg_type: str = ""


@dataclass(frozen=True, slots=True)
class SanitizerModel:
    name: str
    method: str
    rules: frozenset[str]


@dataclass(frozen=True, slots=True)
class PropagatorModel:
    name: str
    method: str
    to: str  # receiver | return | nothing (the result carries no taint from the arguments)


@dataclass(frozen=True, slots=True)
class TypeModel:
    name: str
    type: str
    on: str  # call | read | method


@dataclass(frozen=True, slots=True)
class RouteOwnerModel:
    """An untyped object whose decorators register routes, in a module importing `framework`."""

    framework: str
    decorators: frozenset[str]
    type: str


@dataclass(frozen=True, slots=True)
class ViewClassModel:
    """Classes whose HTTP-verb methods are views once registered (`MethodView.get`)."""

    bases: frozenset[str]
    methods: frozenset[str]
    type: str


@dataclass(frozen=True, slots=True)
class NameSinkModel:
    rule: str
    pattern: UserPattern
    sources: frozenset[str]


@dataclass(slots=True)
class TaintModels:
    """All models, indexed for the engine's lookups."""

    sources: list[SourceModel] = field(default_factory=list)
    sinks: list[SinkModel] = field(default_factory=list)
    sanitizers: list[SanitizerModel] = field(default_factory=list)
    propagators: list[PropagatorModel] = field(default_factory=list)
    types: list[TypeModel] = field(default_factory=list)
    name_sinks: list[NameSinkModel] = field(default_factory=list)
    route_owners: list[RouteOwnerModel] = field(default_factory=list)
    view_classes: list[ViewClassModel] = field(default_factory=list)
    request_param_names: frozenset[str] = frozenset()
    request_annotations: frozenset[str] = frozenset()
    request_attributes: frozenset[str] = frozenset()
    request_session_attributes: frozenset[str] = frozenset()
    route_decorators: frozenset[str] = frozenset()
    view_modules: frozenset[str] = frozenset()
    html_route_types: frozenset[str] = frozenset()
    safe_param_defaults: frozenset[str] = frozenset()
    view_registrars: frozenset[str] = frozenset()
    response_handlers: frozenset[str] = frozenset()
    session_store_rule: str = "trust-boundary-violation"
    html_return_rule: str = "xss"
    guards: GuardModels = field(default_factory=GuardModels)
    # indexes, built by `index()`
    source_calls: dict[str, SourceModel] = field(default_factory=dict)
    source_reads: dict[str, SourceModel] = field(default_factory=dict)
    source_methods: dict[str, SourceModel] = field(default_factory=dict)
    source_prefix_calls: list[tuple[str, SourceModel]] = field(default_factory=list)
    request_objects: frozenset[str] = frozenset()
    sinks_by_name: dict[str, list[SinkModel]] = field(default_factory=dict)
    sinks_by_prefix: list[tuple[str, SinkModel]] = field(default_factory=list)
    sinks_by_method: dict[str, list[SinkModel]] = field(default_factory=dict)
    sanitizers_by_name: dict[str, frozenset[str]] = field(default_factory=dict)
    sanitizers_by_method: dict[str, frozenset[str]] = field(default_factory=dict)
    sanitizer_prefixes: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    propagators_by_method: dict[str, str] = field(default_factory=dict)
    propagators_by_name: dict[str, str] = field(default_factory=dict)
    types_on_call: dict[str, str] = field(default_factory=dict)
    type_call_prefixes: list[tuple[str, str]] = field(default_factory=list)
    types_on_read: dict[str, str] = field(default_factory=dict)
    types_on_method: dict[str, str] = field(default_factory=dict)
    # top-level modules the sinks and sanitizers are named in (`pickle` for `pickle.loads`)
    sink_modules: frozenset[str] = frozenset()

    def index(self) -> TaintModels:
        self.source_calls = {
            s.name: s for s in self.sources if s.match == "call" and not s.name.endswith(".*")
        }
        self.source_prefix_calls = [
            (s.name[:-1], s) for s in self.sources if s.match == "call" and s.name.endswith(".*")
        ]
        self.source_reads = {s.name: s for s in self.sources if s.match == "read"}
        self.source_methods = {s.name: s for s in self.sources if s.match == "method"}
        self.request_objects = frozenset(s.name for s in self.sources if s.match == "request")
        self.sinks_by_name, self.sinks_by_method, self.sinks_by_prefix = {}, {}, []
        for sink in self.sinks:
            if sink.method:
                self.sinks_by_method.setdefault(sink.method, []).append(sink)
            elif sink.name.endswith(".*"):
                self.sinks_by_prefix.append((sink.name[:-1], sink))
            else:
                self.sinks_by_name.setdefault(sink.name, []).append(sink)
        self.sanitizers_by_name, self.sanitizers_by_method = {}, {}
        for san in self.sanitizers:
            table = self.sanitizers_by_method if san.method else self.sanitizers_by_name
            key = san.method or san.name
            table[key] = table.get(key, frozenset()) | san.rules
        self.sanitizer_prefixes = [
            (n[:-1], r) for n, r in self.sanitizers_by_name.items() if n.endswith(".*")
        ]
        self.propagators_by_method = {p.method: p.to for p in self.propagators if p.method}
        self.propagators_by_name = {p.name: p.to for p in self.propagators if p.name}
        self.types_on_call = {
            t.name: t.type for t in self.types if t.on == "call" and not t.name.endswith(".*")
        }
        self.type_call_prefixes = [
            (t.name[:-1], t.type) for t in self.types if t.on == "call" and t.name.endswith(".*")
        ]
        self.types_on_read = {t.name: t.type for t in self.types if t.on == "read"}
        self.types_on_method = {t.name: t.type for t in self.types if t.on == "method"}
        self.sink_modules = frozenset(
            n.split(".", 1)[0]
            for n in (*self.sinks_by_name, *(p for p, _ in self.sinks_by_prefix))
            if "." in n
        ) | frozenset(n.split(".", 1)[0] for n in self.sanitizers_by_name if "." in n)
        return self

    def knows_module(self, head: str) -> bool:
        """Whether some sink or sanitizer is named in the top-level module `head`."""
        return head in self.sink_modules

    def source_for_call(self, qualname: str) -> SourceModel | None:
        found = self.source_calls.get(qualname)
        if found is None:
            for prefix, model in self.source_prefix_calls:
                if qualname.startswith(prefix):
                    return model
        return found

    def type_of_call(self, qualname: str) -> str | None:
        """The type a call returns (`Type.*` entries cover every method of a builder type)."""
        found = self.types_on_call.get(qualname)
        if found is None:
            for prefix, type_ in self.type_call_prefixes:
                if qualname.startswith(prefix):
                    return type_
        return found

    def sinks_for(self, qualname: str | None, method: str | None) -> list[SinkModel]:
        found: list[SinkModel] = []
        if qualname:
            found.extend(self.sinks_by_name.get(qualname, ()))
            found.extend(m for p, m in self.sinks_by_prefix if qualname.startswith(p))
        if method and not found:
            found.extend(self.sinks_by_method.get(method, ()))
        return found


# --- schema -------------------------------------------------------------------------------------

_CONFIDENCES = {c.value: c for c in Confidence}


class _Checker:
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, where: str, message: str) -> ModelError:
        return ModelError(f"{self.origin}: {where}: {message}")

    def table(
        self,
        where: str,
        raw: object,
        allowed: Mapping[str, type | tuple[type, ...]],
        required: tuple[str, ...],
    ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(where, "expected a table")
        for key, value in raw.items():
            if key not in allowed:
                raise self.fail(
                    f"{where}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})"
                )
            if not isinstance(value, allowed[key]):
                raise self.fail(
                    f"{where}.{key}",
                    f"expected {_type_name(allowed[key])}, got {type(value).__name__}",
                )
        for key in required:
            if key not in raw:
                raise self.fail(where, f"missing required key {key!r}")
        return raw

    def str_list(self, where: str, value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "expected a list of strings")
        return tuple(value)

    def int_list(self, where: str, value: object) -> tuple[int, ...]:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value
        ):
            raise self.fail(where, "expected a list of non-negative integers")
        return tuple(value)

    def choice(self, where: str, value: str, options: tuple[str, ...]) -> str:
        if value not in options:
            raise self.fail(where, f"{value!r} is not one of {', '.join(options)}")
        return value


def _type_name(t: type | tuple[type, ...]) -> str:
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return t.__name__


def _entries(check: _Checker, data: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise check.fail(key, "expected an array of tables ([[...]])")
    return [(f"{key}[{i}]", item) for i, item in enumerate(raw)]


def _name_or_method(check: _Checker, where: str, entry: Mapping[str, Any]) -> tuple[str, str]:
    name, method = entry.get("name", ""), entry.get("method", "")
    if bool(name) == bool(method):
        raise check.fail(where, "exactly one of 'name' or 'method' is required")
    return name, method


_TOP_KEYS = {
    "source", "sink", "sanitizer", "propagator", "type", "name_sink", "request", "routes",
    "route_owner", "view_class",
}  # fmt: skip


def merge_model_data(models: TaintModels, data: Mapping[str, Any], origin: str) -> None:
    """Validate one model document and add its entries to `models` (call `index()` afterwards)."""
    check = _Checker(origin)
    for key in data:
        if key not in _TOP_KEYS and key not in GUARD_TABLES:
            raise check.fail(
                key, f"unknown table (allowed: {', '.join(sorted(_TOP_KEYS | GUARD_TABLES))})"
            )
    for where, raw in _entries(check, data, "source"):
        e = check.table(
            where,
            raw,
            {"name": str, "match": str, "kind": str, "confidence": str, "description": str},
            ("name", "match", "kind"),
        )
        conf = check.choice(f"{where}.confidence", e.get("confidence", "high"), tuple(_CONFIDENCES))
        match = check.choice(f"{where}.match", e["match"], ("call", "read", "method", "request"))
        models.sources.append(
            SourceModel(e["name"], match, e["kind"], _CONFIDENCES[conf], e.get("description", ""))
        )
    for where, raw in _entries(check, data, "sink"):
        allowed: dict[str, type | tuple[type, ...]] = {
            "rule": str, "name": str, "method": str, "args": list, "keywords": list, "receiver": bool,
            "first_element": bool, "option_elements": bool, "when_keyword": dict, "unless_keyword": dict, "receiver_attr": str,
            "sources": list, "description": str, "sql_text": bool, "unless_arg_type": str,
        }  # fmt: skip
        e = check.table(where, raw, allowed, ("rule",))
        name, method = _name_or_method(check, where, e)
        args = check.int_list(f"{where}.args", e.get("args", []))
        keywords = check.str_list(f"{where}.keywords", e.get("keywords", []))
        if not args and not keywords and not e.get("receiver", False):
            raise check.fail(where, "a sink needs 'args', 'keywords' or 'receiver = true'")
        sources = (
            frozenset(check.str_list(f"{where}.sources", e["sources"]))
            if "sources" in e
            else DEFAULT_SINK_SOURCES
        )
        models.sinks.append(
            SinkModel(
                rule=e["rule"], name=name, method=method, args=args, keywords=keywords,
                receiver=e.get("receiver", False), first_element=e.get("first_element", False),
                option_elements=e.get("option_elements", False),
                when_keyword=tuple(sorted(e.get("when_keyword", {}).items())),
                unless_keyword=tuple(sorted(e.get("unless_keyword", {}).items())),
                receiver_attr=e.get("receiver_attr", ""), sources=sources, description=e.get("description", ""),
                sql_text=e.get("sql_text", False), unless_arg_type=e.get("unless_arg_type", ""),
            )
        )  # fmt: skip
    for where, raw in _entries(check, data, "sanitizer"):
        e = check.table(
            where, raw, {"name": str, "method": str, "rules": list, "description": str}, ("rules",)
        )
        name, method = _name_or_method(check, where, e)
        models.sanitizers.append(
            SanitizerModel(name, method, frozenset(check.str_list(f"{where}.rules", e["rules"])))
        )
    for where, raw in _entries(check, data, "propagator"):
        e = check.table(
            where, raw, {"name": str, "method": str, "to": str, "description": str}, ("to",)
        )
        name, method = _name_or_method(check, where, e)
        models.propagators.append(
            PropagatorModel(
                name,
                method,
                check.choice(f"{where}.to", e["to"], ("receiver", "return", "nothing")),
            )
        )
    for where, raw in _entries(check, data, "type"):
        e = check.table(where, raw, {"name": str, "type": str, "on": str}, ("name", "type", "on"))
        models.types.append(
            TypeModel(
                e["name"],
                e["type"],
                check.choice(f"{where}.on", e["on"], ("call", "read", "method")),
            )
        )
    for where, raw in _entries(check, data, "route_owner"):
        e = check.table(
            where,
            raw,
            {"framework": str, "decorators": list, "type": str},
            ("framework", "decorators", "type"),
        )
        models.route_owners.append(
            RouteOwnerModel(
                e["framework"],
                frozenset(check.str_list(f"{where}.decorators", e["decorators"])),
                e["type"],
            )
        )
    for where, raw in _entries(check, data, "name_sink"):
        e = check.table(
            where,
            raw,
            {"rule": str, "pattern": str, "sources": list, "description": str},
            ("rule", "pattern", "sources"),
        )
        try:  # RE2: names in scanned code are written by whoever wrote the code
            pattern = compile_pattern(e["pattern"])
        except PatternError as exc:
            raise check.fail(f"{where}.pattern", f"invalid regular expression: {exc}") from exc
        models.name_sinks.append(
            NameSinkModel(
                e["rule"], pattern, frozenset(check.str_list(f"{where}.sources", e["sources"]))
            )
        )
    if "request" in data:
        e = check.table(
            "request",
            data["request"],
            {
                "param_names": list,
                "annotations": list,
                "attributes": list,
                "session_attributes": list,
            },
            (),
        )
        models.request_param_names |= frozenset(
            check.str_list("request.param_names", e.get("param_names", []))
        )
        models.request_annotations |= frozenset(
            check.str_list("request.annotations", e.get("annotations", []))
        )
        models.request_attributes |= frozenset(
            check.str_list("request.attributes", e.get("attributes", []))
        )
        models.request_session_attributes |= frozenset(
            check.str_list("request.session_attributes", e.get("session_attributes", []))
        )
    if "routes" in data:
        e = check.table(
            "routes",
            data["routes"],
            {
                "decorators": list,
                "view_modules": list,
                "html_route_types": list,
                "safe_param_defaults": list,
                "view_registrars": list,
                "response_handlers": list,
            },
            (),
        )
        models.route_decorators |= frozenset(
            check.str_list("routes.decorators", e.get("decorators", []))
        )
        models.view_modules |= frozenset(
            check.str_list("routes.view_modules", e.get("view_modules", []))
        )
        models.html_route_types |= frozenset(
            check.str_list("routes.html_route_types", e.get("html_route_types", []))
        )
        models.safe_param_defaults |= frozenset(
            check.str_list("routes.safe_param_defaults", e.get("safe_param_defaults", []))
        )
        models.view_registrars |= frozenset(
            check.str_list("routes.view_registrars", e.get("view_registrars", []))
        )
        models.response_handlers |= frozenset(
            check.str_list("routes.response_handlers", e.get("response_handlers", []))
        )
    for where, raw in _entries(check, data, "view_class"):
        e = check.table(
            where, raw, {"bases": list, "methods": list, "type": str}, ("bases", "methods", "type")
        )
        models.view_classes.append(
            ViewClassModel(
                frozenset(check.str_list(f"{where}.bases", e["bases"])),
                frozenset(check.str_list(f"{where}.methods", e["methods"])),
                e["type"],
            )
        )
    merge_guard_data(models.guards, data, check)


_BUILTIN_FILES = (
    "sources.toml",
    "sinks.toml",
    "sanitizers.toml",
    "propagators.toml",
    "frameworks.toml",
    "guards.toml",
)


def builtin_model_texts() -> list[tuple[str, str]]:
    """(file name, TOML text) of every packaged model file."""
    root = resources.files("netgain.analysis.models")
    return [(name, root.joinpath(name).read_text(encoding="utf-8")) for name in _BUILTIN_FILES]


def load_models(
    extra: Mapping[str, Any] | None = None, *, extra_origin: str = "netgain.toml [scan.models]"
) -> TaintModels:
    """Load the packaged models plus `extra` (same schema); raises ModelError naming file and key."""
    models = TaintModels()
    for name, text in builtin_model_texts():
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ModelError(f"models/{name}: {exc}") from exc
        merge_model_data(models, data, f"models/{name}")
    if extra:
        merge_model_data(models, extra, extra_origin)
    return models.index()


_DEFAULT: TaintModels | None = None


def default_models() -> TaintModels:
    """The packaged models, loaded once per process."""
    global _DEFAULT  # noqa: PLW0603 - a process-wide cache of immutable data
    if _DEFAULT is None:
        _DEFAULT = load_models()
    return _DEFAULT
