"""Validation guards as model data: which checks make a value safe, and for which sink kinds.

A guard is a check in an `if` (or `assert`) test. When the code exits early on failure (`return`,
`raise`, `abort(400)`), the value is validated on the path after the check, but only for the sink
kinds the check protects against: rejecting `'../'` protects a file path, not an SQL string. The
tables live in `models/guards.toml` (extendable from `netgain.toml` like the other models):

- `[[guard_content]]`: dangerous content per rule. Rejecting a value that contains one of the
  substrings (`if '..' in name: return`) clears the rule; an allow-list of characters or a
  full-match regular expression clears it when it rejects every one of them.
- `[[guard]]`: predicates whose truth validates one argument (or the receiver, for methods),
  optionally only for a value of a given type (`startswith` on a resolved path).
  With `pattern_arg`, the predicate is a regular-expression match and the rules it clears are
  worked out from the pattern against `guard_content` (a pattern that accepts `..` is no guard
  for paths).
- `[[guard_raises]]`: conversions that raise on invalid input (`int(x)`): on the path after the
  call the argument is validated.
- `[guard_url]`: comparisons on the host of a parsed URL (`urlparse(u).netloc`).
- `[guard_common_path]`: `commonpath([path, ROOT]) == ROOT` on a resolved path keeps it under ROOT.
- `[exits]`: calls that never return, so the code after them runs only when a check passed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ALL_RULES = frozenset({"*"})
GUARD_TABLES = frozenset(
    {"guard_content", "guard", "guard_raises", "guard_url", "guard_common_path", "exits"}
)
_MAX_PATTERN = 500  # longer patterns in scanned code are not worked out (not a guard)


class ModelChecker(Protocol):
    """The schema checks of `taint_models` (kept there, where every model table is validated)."""

    def fail(self, where: str, message: str) -> Exception: ...

    def table(
        self,
        where: str,
        raw: object,
        allowed: Mapping[str, type | tuple[type, ...]],
        required: tuple[str, ...],
    ) -> dict[str, Any]: ...

    def str_list(self, where: str, value: object) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class ContentGuard:
    rules: frozenset[str]
    dangerous: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PredicateGuard:
    rules: frozenset[str]
    arg: int  # validated argument; -1 = the receiver of a method
    pattern_arg: int  # the regular expression's argument, or -1
    when_type: str = ""  # applies only when the validated value has this type tag
    keyword: str = ""  # the validated argument when passed by keyword (`url=next`)
    # also validates what a local name checked here was computed from, when it was assigned
    # once (`digest = hmac.new(key, data).hexdigest()` then `compare_digest(digest, sig)`)
    derived: bool = False


@dataclass(slots=True)
class GuardModels:
    content: list[ContentGuard] = field(default_factory=list)
    by_name: dict[str, list[PredicateGuard]] = field(default_factory=dict)
    by_method: dict[str, list[PredicateGuard]] = field(default_factory=dict)
    raises: dict[str, frozenset[str]] = field(default_factory=dict)
    url_parsers: frozenset[str] = frozenset()
    url_host_attributes: frozenset[str] = frozenset()
    url_rules: frozenset[str] = frozenset()
    common_path_calls: frozenset[str] = frozenset()
    common_path_rules: frozenset[str] = frozenset()
    common_path_type: str = ""
    exits: frozenset[str] = frozenset()
    _regex_memo: dict[tuple[str, bool], frozenset[str]] = field(default_factory=dict)

    def rules_for_rejected(self, text: str) -> frozenset[str]:
        """Rules cleared by rejecting every value that contains `text`."""
        if not text:
            return frozenset()
        out: set[str] = set()
        for g in self.content:
            if any(d in text or text in d for d in g.dangerous):
                out |= g.rules
        return frozenset(out)

    def rules_for_allowed_chars(self, allowed: str) -> frozenset[str]:
        """Rules cleared by accepting only values made of the characters in `allowed`."""
        chars = set(allowed)
        out: set[str] = set()
        for g in self.content:
            if all(any(c not in chars for c in d) for d in g.dangerous):
                out |= g.rules
        return frozenset(out)

    def rules_for_pattern(self, pattern: str, full: bool) -> frozenset[str]:
        """Rules cleared by a regular-expression match: those whose dangerous content the pattern
        rejects wherever it stands. `full` is False for `re.match` (a prefix match), which
        validates only a pattern anchored at the end."""
        key = (pattern, full)
        found = self._regex_memo.get(key)
        if found is None:
            found = self._pattern_rules(pattern, full)
            self._regex_memo[key] = found
        return found

    def _pattern_rules(self, pattern: str, full: bool) -> frozenset[str]:
        if len(pattern) > _MAX_PATTERN:
            return frozenset()
        if not full:
            if not pattern.endswith(("$", r"\Z", r"\z")):
                return frozenset()
            pattern = pattern.removesuffix("$")
        try:
            compiled = re.compile(pattern)
        except (re.error, RecursionError, OverflowError, ValueError):
            return frozenset()
        out: set[str] = set()
        for g in self.content:
            if all(
                not any(
                    compiled.fullmatch(probe)
                    for probe in (d, "a" + d, d + "a", "a" + d + "a", "1" + d + "1")
                )
                for d in g.dangerous
            ):
                out |= g.rules
        return frozenset(out)


def merge_guard_data(guards: GuardModels, data: Mapping[str, Any], check: ModelChecker) -> None:
    """Add the guard tables of one model file (schema checked; errors name file and key)."""
    for where, raw in _entries(check, data, "guard_content"):
        e = check.table(where, raw, {"rules": list, "dangerous": list}, ("rules", "dangerous"))
        dangerous = check.str_list(f"{where}.dangerous", e["dangerous"])
        if not all(dangerous):
            raise check.fail(f"{where}.dangerous", "empty strings match everything")
        guards.content.append(
            ContentGuard(frozenset(check.str_list(f"{where}.rules", e["rules"])), dangerous)
        )
    for where, raw in _entries(check, data, "guard"):
        e = check.table(
            where,
            raw,
            {
                "name": str,
                "method": str,
                "arg": int,
                "pattern_arg": int,
                "rules": list,
                "when_type": str,
                "keyword": str,
                "derived": bool,
            },
            (),
        )
        name, method = e.get("name", ""), e.get("method", "")
        if bool(name) == bool(method):
            raise check.fail(where, "exactly one of 'name' or 'method' is required")
        pattern_arg = e.get("pattern_arg", -1)
        if "rules" not in e and pattern_arg < 0:
            raise check.fail(where, "'rules' is required unless 'pattern_arg' is given")
        arg = e.get("arg", -1 if method else 0)
        guard = PredicateGuard(
            frozenset(check.str_list(f"{where}.rules", e.get("rules", []))),
            arg,
            pattern_arg,
            e.get("when_type", ""),
            e.get("keyword", ""),
            e.get("derived", False),
        )
        table = guards.by_name if name else guards.by_method
        table.setdefault(name or method, []).append(guard)
    for where, raw in _entries(check, data, "guard_raises"):
        e = check.table(where, raw, {"name": str, "rules": list}, ("name", "rules"))
        guards.raises[e["name"]] = frozenset(check.str_list(f"{where}.rules", e["rules"]))
    if "guard_url" in data:
        e = check.table(
            "guard_url",
            data["guard_url"],
            {"parsers": list, "host_attributes": list, "rules": list},
            (),
        )
        guards.url_parsers |= frozenset(check.str_list("guard_url.parsers", e.get("parsers", [])))
        guards.url_host_attributes |= frozenset(
            check.str_list("guard_url.host_attributes", e.get("host_attributes", []))
        )
        guards.url_rules |= frozenset(check.str_list("guard_url.rules", e.get("rules", [])))
    if "guard_common_path" in data:
        e = check.table(
            "guard_common_path",
            data["guard_common_path"],
            {"calls": list, "rules": list, "when_type": str},
            (),
        )
        where = "guard_common_path"
        guards.common_path_calls |= frozenset(check.str_list(f"{where}.calls", e.get("calls", [])))
        guards.common_path_rules |= frozenset(check.str_list(f"{where}.rules", e.get("rules", [])))
        guards.common_path_type = e.get("when_type", guards.common_path_type)
    if "exits" in data:
        e = check.table("exits", data["exits"], {"calls": list}, ())
        guards.exits |= frozenset(check.str_list("exits.calls", e.get("calls", [])))


def _entries(check: ModelChecker, data: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise check.fail(key, "expected an array of tables ([[...]])")
    return [(f"{key}[{i}]", item) for i, item in enumerate(raw)]
