"""Validation guards: conditions that, once passed, make a value safe for some sink kinds.

A guard is read from an `if` (or `assert`) test as two lists of effects: the values validated
when the test is true, and those validated when it is false. Each effect names a variable and the
rules it is now safe for, so a check clears only the sink kinds it protects against (rejecting
`'../'` protects a path, not an SQL string). Calls that never return (`abort(400)`, `sys.exit()`)
end a branch; that is how an early exit turns a check into a guard for the code after it: the
branch that exits contributes nothing to the join, the other one carries the validated value.

What counts as a check is model data (`models/guards.toml`, see `guard_models`): dangerous
content per rule, validating predicates, regular expressions worked out against the dangerous
content, conversions that raise on bad input, and host checks on a parsed URL. A user function
whose every truthy return validates a parameter is a predicate too (its summary's `validates`).
"""

from __future__ import annotations

import ast
import re
import string

from netgain.analysis.flow.state import AnalyzerState, Env
from netgain.analysis.guard_models import ALL_RULES
from netgain.analysis.index import dotted_name
from netgain.analysis.values import NOCONST, Value, sanitize

# (variable, rules it is validated for)
Effects = tuple[tuple[str, frozenset[str]], ...]
NONE: tuple[Effects, Effects] = ((), ())
# a pattern that is one character class (`[^a-z0-9]`, `[;&|]+`): a search finds one bad character
_ONE_CLASS = re.compile(r"\[(?:\\.|[^\]\\])+\][+*]?")


def meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """Rules both sets are validated for (`*` is every rule)."""
    if "*" in a:
        return b
    if "*" in b:
        return a
    return a & b


def _common(alternatives: list[Effects]) -> Effects:
    """What holds whichever of the alternatives is the case: per variable, the rules every
    alternative validates it for."""
    if not alternatives or any(not a for a in alternatives):
        return ()
    merged: list[dict[str, frozenset[str]]] = []
    for effects in alternatives:
        rules: dict[str, frozenset[str]] = {}
        for name, r in effects:
            rules[name] = rules.get(name, frozenset()) | r
        merged.append(rules)
    out: list[tuple[str, frozenset[str]]] = []
    for name, first in merged[0].items():
        common = first
        for other in merged[1:]:
            if name not in other:
                break
            common = meet(common, other[name])
        else:
            if common:
                out.append((name, common))
    return tuple(out)


def _membership_of_loop_var(gen: ast.GeneratorExp, op: type[ast.cmpop]) -> bool:
    """`(s <op> X for s in Y)`: one loop whose element tests its own variable's membership."""
    comp = gen.generators[0]
    elt = gen.elt
    return (
        len(gen.generators) == 1
        and isinstance(comp.target, ast.Name)
        and isinstance(elt, ast.Compare)
        and len(elt.ops) == 1
        and isinstance(elt.ops[0], op)
        and isinstance(elt.left, ast.Name)
        and elt.left.id == comp.target.id
    )


class GuardMixin(AnalyzerState):
    """Recognise validation checks and calls that end a path."""

    def no_return(self, call: ast.Call) -> bool:
        dotted = dotted_name(call.func)
        qual = self.index.qualify(self.module, dotted, self.scope) if dotted else None
        return (qual or dotted) in self.m.guards.exits

    def apply_guard(self, env: Env, effects: Effects) -> None:
        """Validate each named value of `env` for the effect's rules (in place)."""
        for name, rules in effects:
            current = env.get(name)
            if rules and current is not None and current.tainted:
                env[name] = sanitize(current, rules)

    def raising_check(self, call: ast.expr, env: Env) -> None:
        """After `int(x)` (a conversion that raises on bad input) returns, `x` is validated."""
        if not isinstance(call, ast.Call) or not call.args:
            return
        rules = self.m.guards.raises.get(self._qual(call.func))
        if rules is not None:
            name = self._subject(call.args[0], env)
            if name is not None:
                self.apply_guard(env, ((name, rules),))

    def note_return(self, node: ast.expr | None, v: Value, env: Env) -> None:
        """Record which parameters a truthy `return` has validated (for a validator summary:
        `def is_safe(name): return re.fullmatch(...) is not None`). A falsy constant return is
        the rejecting path and says nothing."""
        fn = self.fn
        if fn is None or not fn.params or node is None:
            return
        if v.const is not NOCONST and not v.const:
            return
        scratch = env
        if v.const is NOCONST:
            effects = self.guard_effects(node, env)[0]
            if effects:
                scratch = dict(env)
                self.apply_guard(scratch, effects)
        validated: dict[int, frozenset[str]] = {}
        for i, name in enumerate(fn.params):
            value = scratch.get(name)
            if value is None:
                continue
            rules: frozenset[str] | None = None
            for label in value.all_labels():
                if label.kind == "param" and label.param == i:
                    rules = label.cleaned if rules is None else meet(rules, label.cleaned)
            if rules:
                validated[i] = rules
        self.return_validations.append(validated)

    def remember_guard(self, target: ast.expr, value: ast.expr, env: Env) -> None:
        """`ok = <check>`: keep the check's effects for a later `if ok:` (or forget them)."""
        if not isinstance(target, ast.Name):
            return
        effects = (
            self.guard_effects(value, env)
            if isinstance(value, ast.Call | ast.Compare | ast.BoolOp | ast.UnaryOp)
            else NONE
        )
        if effects[0] or effects[1]:
            self.guard_vars[target.id] = effects
        else:
            self.guard_vars.pop(target.id, None)

    def guard_effects(self, test: ast.expr, env: Env) -> tuple[Effects, Effects]:
        """(validated when `test` is true, validated when it is false)."""
        match test:
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                on_true, on_false = self.guard_effects(operand, env)
                return on_false, on_true
            case ast.BoolOp(op=ast.And(), values=values):
                # true: every part held; false: one of them failed, so only what holds
                # whichever failed
                parts = [self.guard_effects(v, env) for v in values]
                return tuple(e for p in parts for e in p[0]), _common([p[1] for p in parts])
            case ast.BoolOp(op=ast.Or(), values=values):
                parts = [self.guard_effects(v, env) for v in values]
                return _common([p[0] for p in parts]), tuple(e for p in parts for e in p[1])
            case ast.Compare(left=left, ops=[op], comparators=[right]):
                return self._compare(left, op, right, env)
            case ast.Call():
                rejected = self.any_rejection(test, env) or self._class_search(test, env)
                return ((), rejected) if rejected else (self._predicate(test, env), ())
            case ast.Name(id=var):
                # `ok = is_safe_url(url=next, ...)` then `if ok:`
                if var in self.guard_vars:
                    return self.guard_vars[var]
                # `if not next:` ... else: a falsy value ("", None) carries no content
                found = env.get(var)
                return ((), ((var, ALL_RULES),)) if found is not None and found.tainted else NONE
            case ast.Attribute():
                # `if urlparse(u).netloc: abort()`: no host, so a path on this site
                name = self._url_host_subject(test, env)
                return ((), ((name, self.m.guards.url_rules),)) if name else NONE
        return NONE

    def _compare(
        self, left: ast.expr, op: ast.cmpop, right: ast.expr, env: Env
    ) -> tuple[Effects, Effects]:
        guards = self.m.guards
        effect: Effects
        if isinstance(op, ast.In | ast.NotIn):
            needle = self.ev(left, env)
            if isinstance(needle.const, str) and not needle.tainted:
                # `'../' in name`: true means the dangerous content is there
                name = self._subject(right, env)
                effect = ((name, guards.rules_for_rejected(needle.const)),) if name else ()
                return ((), effect) if isinstance(op, ast.In) else (effect, ())
            host = self._url_host_subject(left, env)
            allowed = self.ev(right, env)
            if host:
                effect = ((host, guards.url_rules),)
            elif not allowed.tainted and (name := self._subject(left, env, exact=True)):
                effect = ((name, ALL_RULES),)  # an allow-list
            else:
                return NONE
            return (effect, ()) if isinstance(op, ast.In) else ((), effect)
        if isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot):
            positive = isinstance(op, ast.Eq | ast.Is)
            for a, b in ((left, right), (right, left)):
                other = self.ev(b, env)
                if isinstance(a, ast.Call) and other.const is None:
                    # `re.fullmatch(...) is not None`
                    found = self._predicate(a, env)
                    return ((), found) if positive else (found, ())
                if isinstance(a, ast.Call) and isinstance(other.const, bool):
                    found = self._predicate(a, env)
                    return (found, ()) if positive == other.const else ((), found)
                host = self._url_host_subject(a, env)
                if host:
                    effect = ((host, guards.url_rules),)
                    return (effect, ()) if positive else ((), effect)
                under = self._common_path_subject(a, other, env)
                if under:
                    effect = ((under, guards.common_path_rules),)
                    return (effect, ()) if positive else ((), effect)
                if other.const is not NOCONST and not other.tainted:
                    name = self._subject(a, env, exact=True)
                    if name:
                        effect = ((name, ALL_RULES),)  # equal to a constant
                        return (effect, ()) if positive else ((), effect)
        return NONE

    def _predicate(self, call: ast.Call, env: Env) -> Effects:
        """What a call that returned true has validated."""
        guards = self.m.guards
        func = call.func
        if isinstance(func, ast.Name) and func.id in ("all", "any") and len(call.args) == 1:
            return self._char_check(func.id == "all", call.args[0], env)
        qual = self._qual(func)
        candidates = guards.by_name.get(qual)
        method = func.attr if isinstance(func, ast.Attribute) else None
        if candidates is None and method is not None and qual not in self.index.functions:
            candidates = guards.by_method.get(method)
        if candidates is not None:
            out: list[tuple[str, frozenset[str]]] = []
            for guard in candidates:
                target = func.value if guard.arg < 0 and isinstance(func, ast.Attribute) else None
                if 0 <= guard.arg < len(call.args):
                    target = call.args[guard.arg]
                elif guard.keyword:
                    target = next(
                        (kw.value for kw in call.keywords if kw.arg == guard.keyword), None
                    )
                if target is None:
                    continue
                if guard.when_type and self.ev(target, env).type != guard.when_type:
                    continue
                rules = guard.rules
                if guard.pattern_arg >= 0:
                    rules = self._pattern_rules(qual, call, guard.pattern_arg, env)
                name = self._subject(target, env)
                if name and rules:
                    out.append((name, rules))
                source = self._assigned_once(target) if isinstance(target, ast.Name) else None
                if guard.derived and source is not None and rules:
                    derived_from = self._subject(source, env)
                    if derived_from:
                        out.append((derived_from, rules))
            return tuple(out)
        return self._helper_validation(qual, call, env)

    def _pattern_rules(self, qual: str, call: ast.Call, index: int, env: Env) -> frozenset[str]:
        if index >= len(call.args):
            return frozenset()
        pattern = self.ev(call.args[index], env).const
        if not isinstance(pattern, str):
            return frozenset()
        if qual.endswith("fullmatch"):
            return self.m.guards.rules_for_pattern(pattern, True)
        if qual.endswith("search"):
            if not pattern.startswith(("^", r"\A")):
                return frozenset()
            pattern = pattern.removeprefix("^")
        return self.m.guards.rules_for_pattern(pattern, False)

    def _char_check(self, is_all: bool, gen: ast.expr, env: Env) -> Effects:
        """`all(c in ALLOWED for c in x)` (an allow-list of characters) or
        `any(s in x for s in BAD)` (the true branch: some dangerous content is there)."""
        if not isinstance(gen, ast.GeneratorExp) or len(gen.generators) != 1:
            return ()
        comp = gen.generators[0]
        elt = gen.elt
        if not (
            isinstance(comp.target, ast.Name)
            and isinstance(elt, ast.Compare)
            and len(elt.ops) == 1
            and isinstance(elt.ops[0], ast.In)
        ):
            return ()
        var = comp.target.id
        if is_all and isinstance(elt.left, ast.Name) and elt.left.id == var:
            allowed = self.ev(elt.comparators[0], env).const
            name = self._subject(comp.iter, env)
            if isinstance(allowed, str) and name:
                return ((name, self.m.guards.rules_for_allowed_chars(allowed)),)
        return ()

    def _class_search(self, test: ast.Call, env: Env) -> Effects:
        """`if re.search(r"[^a-z0-9]", x): return`: validated when the test is false, for what
        a value made only of the characters the class does not match is safe for."""
        if self._qual(test.func) != "re.search" or len(test.args) < 2:
            return ()
        pattern = self.ev(test.args[0], env).const
        if not isinstance(pattern, str) or not _ONE_CLASS.fullmatch(pattern):
            return ()
        try:
            compiled = re.compile(pattern)
        except re.error:
            return ()
        allowed = "".join(c for c in string.printable if compiled.fullmatch(c) is None)
        name = self._subject(test.args[1], env)
        rules = self.m.guards.rules_for_allowed_chars(allowed)
        return ((name, rules),) if name and rules else ()

    def _allowed_chars(self, node: ast.expr, env: Env) -> str | None:
        """The characters of a constant allow-list: a string, or a set or tuple of them."""
        const = self.ev(node, env).const
        if isinstance(const, str):
            return const
        if isinstance(const, frozenset | tuple | set) and all(isinstance(c, str) for c in const):
            return "".join(const)
        return None

    def any_rejection(self, test: ast.expr, env: Env) -> Effects:
        """`if any(s in x for s in BAD): return`: validated when the test is false."""
        if not (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Name)
            and test.func.id == "any"
            and len(test.args) == 1
            and isinstance(test.args[0], ast.GeneratorExp)
        ):
            return ()
        gen = test.args[0]
        comp = gen.generators[0]
        elt = gen.elt
        if _membership_of_loop_var(gen, ast.NotIn) and isinstance(elt, ast.Compare):
            # `any(c not in ALLOWED for c in x)`: false when every character is allowed
            allowed = self._allowed_chars(elt.comparators[0], env)
            name = self._subject(comp.iter, env)
            found = self.m.guards.rules_for_allowed_chars(allowed) if allowed else frozenset()
            return ((name, found),) if name and found else ()
        if not _membership_of_loop_var(gen, ast.In) or not isinstance(elt, ast.Compare):
            return ()
        bad = self.ev(comp.iter, env)
        items = bad.const if isinstance(bad.const, tuple | frozenset) else None
        if items is None and bad.elems is not None:
            items = tuple(e.const for e in bad.elems)
        name = self._subject(elt.comparators[0], env)
        if not name or not items or not all(isinstance(s, str) for s in items):
            return ()
        rules: set[str] = set()
        for s in items:
            rules |= self.m.guards.rules_for_rejected(str(s))
        return ((name, frozenset(rules)),)

    def _helper_validation(self, qual: str, call: ast.Call, env: Env) -> Effects:
        """A call to a scanned function whose summary says which parameters it validates."""
        summary = self.p.summary_of(qual) if qual else None
        if summary is None or not summary.validates:
            return ()
        fn = self.index.functions.get(qual)
        offset = 1 if fn is not None and fn.is_method else 0
        out: list[tuple[str, frozenset[str]]] = []
        for param, rules in summary.validates:
            i = param - offset
            if 0 <= i < len(call.args):
                name = self._subject(call.args[i], env)
                if name:
                    out.append((name, rules))
        return tuple(out)

    def _common_path_subject(self, call: ast.expr, root: Value, env: Env) -> str | None:
        """`commonpath([path, ROOT])` compared with ROOT -> "path", when `path` is a resolved
        path (realpath/abspath) and ROOT is not input."""
        guards = self.m.guards
        if (
            not isinstance(call, ast.Call)
            or root.tainted
            or len(call.args) != 1
            or not isinstance(call.args[0], ast.List | ast.Tuple)
            or self._qual(call.func) not in guards.common_path_calls
        ):
            return None
        for element in call.args[0].elts:
            value = self.ev(element, env)
            if value.tainted and value.type == guards.common_path_type:
                return self._subject(element, env)
        return None

    def _url_host_subject(self, node: ast.expr, env: Env) -> str | None:
        """`urlparse(u).netloc` -> "u" (the host part of a parsed URL); also through a local
        name assigned once (`host = urlparse(u).hostname`, `parts = urlparse(u)`)."""
        guards = self.m.guards
        if isinstance(node, ast.Name):
            node = self._assigned_once(node) or node
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            parsed = self._assigned_once(node.value)
            if parsed is not None:
                node = ast.Attribute(value=parsed, attr=node.attr, ctx=ast.Load())
        if (
            isinstance(node, ast.Attribute)
            and node.attr in guards.url_host_attributes
            and isinstance(node.value, ast.Call)
            and node.value.args
            and self._qual(node.value.func) in guards.url_parsers
        ):
            return self._subject(node.value.args[0], env)
        return None

    def _assigned_once(self, name: ast.Name) -> ast.expr | None:
        """The one expression assigned to a local name, when there is exactly one."""
        assigned = self.local_assignments().get(name.id, [])
        return assigned[0] if len(assigned) == 1 else None

    def _qual(self, func: ast.expr) -> str:
        dotted = dotted_name(func)
        if not dotted:
            return ""
        return self.index.qualify(self.module, dotted, self.scope) or dotted

    def _subject(self, node: ast.expr, env: Env, *, exact: bool = False) -> str | None:
        """The tainted variable a check is about: `x` in `x`, `x.lower()`, `realpath(join(B, x))`.

        With `exact`, only the variable itself or a method called on it (`x.strip()`): an
        equality on `x.role` says nothing about the rest of `x`.
        """
        while True:
            if isinstance(node, ast.Name):
                found: Value | None = env.get(node.id)
                return node.id if found is not None and found.tainted else None
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Attribute) and not self._is_module_call(node.func):
                    node = node.func.value
                    continue
                if exact:
                    return None
                tainted = [a for a in node.args if self._mentions_tainted(a, env)]
                if len(tainted) != 1:
                    return None
                node = tainted[0]
                continue
            return None

    def _is_module_call(self, func: ast.Attribute) -> bool:
        """`os.path.realpath(x)` is a function of a module, not a method called on a value
        (`hmac.new(key, x).digest()` is a method of the call's result)."""
        if any(isinstance(sub, ast.Call) for sub in ast.walk(func.value)):
            return False
        dotted = dotted_name(func)
        return bool(dotted) and self.index.qualify(self.module, dotted, self.scope) is not None

    def _mentions_tainted(self, node: ast.expr, env: Env) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                found = env.get(sub.id)
                if found is not None and found.tainted:
                    return True
        return False
