"""Expression values: constants folded, names and attributes resolved, containers tracked.

Every expression evaluates to an abstract `Value` (labels, constant, element structure, type).
Names resolve through the local environment, then module-level values (of this module or the
one a name is imported from), then the source and type models.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import replace

from netgain.analysis.findings import Confidence
from netgain.analysis.flow.dynamic import REFERENCE_TYPE, reference
from netgain.analysis.flow.folding import (
    BINOPS,
    CMPOPS,
    MAX_CONST_LEN,
    SAFE_CONST,
    UNARY,
    safe_fold,
)
from netgain.analysis.flow.prefix import format_prefix, rules_fixed_after_base, rules_fixed_by
from netgain.analysis.flow.sqltext import (
    looks_like_sql,
    mark_built_query,
    only_numeric_placeholders,
    unknown_text,
)
from netgain.analysis.flow.state import (
    DICT_TYPE,
    REQUEST_TYPE,
    SESSION_TYPE,
    AnalyzerState,
    Env,
    step_at,
)
from netgain.analysis.index import dotted_name
from netgain.analysis.values import (
    CLEAN,
    NOCONST,
    Label,
    Value,
    combine,
    const_value,
    head_of,
    join,
    merge_labels,
    sanitize,
)


def _fixed(value: Value, prefix: object) -> Value:
    """`value` (built after the constant `prefix`) cleaned for what the prefix fixes."""
    rules = rules_fixed_by(prefix)
    return sanitize(value, rules) if rules and value.tainted else value


def _is_str_format(node: ast.Call) -> bool:
    """`"...".format(...)` (read by `ExpressionMixin.ev` for its template)."""
    func = node.func
    return (
        type(func) is ast.Attribute
        and func.attr == "format"
        and type(func.value) is ast.Constant
        and isinstance(func.value.value, str)
    )


class ExpressionMixin(AnalyzerState):
    """Evaluate expressions to abstract values."""

    def truth(self, v: Value) -> bool | None:
        if v.const is NOCONST:
            return None
        try:
            return bool(v.const)
        except Exception:
            return None

    def element_of(self, seq: Value) -> Value:
        if seq.elems is not None:
            if not seq.elems:
                return CLEAN
            out = seq.elems[0]
            for e in seq.elems[1:]:
                out = join(out, e)
            if out.elems is not None:
                # every element a tuple of one length (`[(name, value), ...]`): keep its
                # positions, so `for name, value in pairs` unpacks them one by one
                return replace(out, labels=merge_labels(out.labels, seq.labels), _all=None)
            return Value(labels=merge_labels(out.all_labels(), seq.labels))
        if seq.keys is not None:
            return CLEAN if not seq.keys else Value(labels=seq.labels)
        return Value(labels=seq.all_labels())

    def ev(self, node: ast.expr, env: Env) -> Value:
        # the commonest nodes first, by exact type: a `match` tries its class patterns one
        # after the other, and this runs for every expression of every body
        kind = type(node)
        if kind is ast.Name:
            return self._name(node.id, node, env)  # type: ignore[attr-defined]
        if kind is ast.Attribute:
            return self._attribute(node, env)  # type: ignore[arg-type]
        if kind is ast.Call and not _is_str_format(node):  # type: ignore[arg-type]
            return self.call(node, env)  # type: ignore[arg-type]
        match node:
            case ast.Constant(value=c):
                return (
                    const_value(c)
                    if isinstance(c, SAFE_CONST)
                    and not (isinstance(c, str | bytes) and len(c) > MAX_CONST_LEN)
                    else CLEAN
                )
            case ast.Name(id=name):
                return self._name(name, node, env)
            case ast.Attribute():
                return self._attribute(node, env)
            case ast.Subscript(value=base_node, slice=sl):
                base = self.ev(base_node, env)
                idx = self.ev(sl, env)
                if base.type == REQUEST_TYPE:
                    return CLEAN
                item_type = self.m.type_of_call(f"{base.type}.__getitem__") if base.type else None
                if item_type is not None:
                    return Value(labels=base.all_labels(), type=item_type)  # `request.files["f"]`
                if isinstance(sl, ast.Slice):
                    return Value(labels=base.all_labels()) if base.tainted else CLEAN
                if idx.const is not NOCONST:
                    if (
                        base.elems is not None
                        and isinstance(idx.const, int)
                        and -len(base.elems) <= idx.const < len(base.elems)
                    ):
                        return base.elems[idx.const]
                    if (
                        base.head is not None
                        and isinstance(idx.const, int)
                        and 0 <= idx.const < len(base.head)
                    ):
                        return base.head[idx.const]
                    found = base.get_key(idx.const)
                    if found is not None:
                        return found
                    if base.keys is not None:
                        return Value(labels=base.labels)
                    if isinstance(base.const, str | bytes | tuple) and isinstance(idx.const, int):
                        return const_value(safe_fold(operator.getitem, base.const, idx.const))
                return Value(labels=base.all_labels()) if base.tainted else CLEAN
            case ast.Call(
                func=ast.Attribute(value=ast.Constant(value=str(template)), attr="format")
            ):
                built = self.call(node, env)
                if "{" not in template and "}" not in template:
                    return const_value(template)  # no placeholder: the arguments are not used
                if looks_like_sql(template) and built.const is NOCONST:
                    used = [*node.args, *(kw.value for kw in node.keywords)]
                    if any(unknown_text(self.ev(u, env), u) for u in used):
                        built = mark_built_query(built, self.path, node)
                return _fixed(built, format_prefix(template, "{"))
            case ast.Call():
                return self.call(node, env)
            case ast.BinOp(left=left, op=op, right=right):
                a, b = self.ev(left, env), self.ev(right, env)
                if a.const is not NOCONST and b.const is not NOCONST:
                    fn = BINOPS.get(type(op))
                    folded = safe_fold(fn, a.const, b.const) if fn else NOCONST
                    if folded is not NOCONST:
                        return const_value(folded)
                if isinstance(op, ast.Add) and a.elems is not None and b.elems is not None:
                    return Value(labels=merge_labels(a.labels, b.labels), elems=a.elems + b.elems)
                if isinstance(op, ast.Add) and head_of(a):
                    return replace(combine([a, b]), head=head_of(a))
                if isinstance(op, ast.Add) and isinstance(a.const, str | bytes):
                    built = combine([a, b])
                    if looks_like_sql(a.const) and unknown_text(b, right):
                        built = mark_built_query(built, self.path, node)
                    return _fixed(built, a.const)
                if isinstance(op, ast.Mod) and isinstance(a.const, str):
                    built = combine([a, b])
                    if (
                        looks_like_sql(a.const)
                        and not only_numeric_placeholders(a.const)
                        and unknown_text(b, right)
                    ):
                        built = mark_built_query(built, self.path, node)
                    return _fixed(built, format_prefix(a.const, "%"))
                return combine([a, b], type_=a.type if isinstance(op, ast.Div) else None)
            case ast.JoinedStr(values=values):
                parts = [self.ev(v, env) for v in values]
                if all(isinstance(p.const, str) for p in parts):
                    return const_value("".join(str(p.const) for p in parts))
                built = combine(parts)
                text = "".join(p.const for p in parts if isinstance(p.const, str))
                if looks_like_sql(text) and any(
                    unknown_text(p, v) for p, v in zip(parts, values, strict=True)
                ):
                    built = mark_built_query(built, self.path, node)
                if parts and isinstance(parts[0].const, str):
                    return _fixed(built, parts[0].const)
                if len(parts) > 1 and not parts[0].tainted and built.tainted:
                    rules = rules_fixed_after_base(parts[1].const)
                    return sanitize(built, rules) if rules else built
                return built
            case ast.FormattedValue(value=value, format_spec=spec):
                v = self.ev(value, env)
                if spec is not None:
                    self.ev(spec, env)
                if isinstance(v.const, str) and node.conversion == -1 and spec is None:
                    return v
                return Value(labels=v.all_labels()) if v.tainted else CLEAN
            case ast.BoolOp(op=op, values=values):
                return self._boolop(isinstance(op, ast.And), values, env)
            case ast.Compare(left=left, ops=ops, comparators=comps):
                cvals = [self.ev(left, env), *(self.ev(c, env) for c in comps)]
                result: object = True
                for i, cmp in enumerate(ops):
                    a, b = cvals[i], cvals[i + 1]
                    if a.const is NOCONST or b.const is NOCONST:
                        return CLEAN
                    r = safe_fold(CMPOPS[type(cmp)], a.const, b.const)
                    if r is NOCONST:
                        return CLEAN
                    result = result and r
                return const_value(bool(result))
            case ast.UnaryOp(op=op, operand=operand):
                v = self.ev(operand, env)
                if isinstance(op, ast.Not):
                    t = self.truth(v)
                    return const_value(not t) if t is not None else CLEAN
                if v.const is not NOCONST:
                    ufn = UNARY.get(type(op))
                    if (
                        ufn is not None
                        and isinstance(v.const, int | float)
                        and not isinstance(v.const, bool)
                    ):
                        return const_value(ufn(v.const))
                return Value(labels=v.all_labels()) if v.tainted else CLEAN
            case ast.IfExp(test=test, body=body, orelse=orelse):
                truth = self.truth(self.ev(test, env))
                if truth is True:
                    return self.ev(body, env)
                if truth is False:
                    return self.ev(orelse, env)
                return join(self.ev(body, env), self.ev(orelse, env))
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                if any(isinstance(e, ast.Starred) for e in elts):
                    inner = [
                        self.ev(e.value if isinstance(e, ast.Starred) else e, env) for e in elts
                    ]
                    first_star = next(i for i, e in enumerate(elts) if isinstance(e, ast.Starred))
                    known = tuple(inner[:first_star]) if first_star else head_of(inner[0])
                    return replace(combine(inner), head=known or None)
                vals = tuple(self.ev(e, env) for e in elts)
                if isinstance(node, ast.Tuple) and all(v.const is not NOCONST for v in vals):
                    return Value(elems=vals, const=tuple(v.const for v in vals))
                return Value(elems=vals)
            case ast.Set(elts=elts):
                vals2 = [self.ev(e, env) for e in elts]
                if vals2 and all(
                    v.const is not NOCONST and v.const.__hash__ is not None for v in vals2
                ):
                    try:
                        return Value(
                            const=frozenset(v.const for v in vals2), labels=combine(vals2).labels
                        )
                    except TypeError:
                        pass
                return combine(vals2)
            case ast.Dict(keys=keys, values=values):
                entries: list[tuple[object, Value]] = []
                extra: list[Value] = []
                for k, val in zip(keys, values, strict=True):
                    vv = self.ev(val, env)
                    kv = self.ev(k, env) if k is not None else None
                    if kv is not None and kv.const is not NOCONST and not kv.tainted:
                        entries.append((kv.const, vv))
                        if isinstance(kv.const, str):
                            self.check_name_sinks(kv.const, vv, val)
                    else:
                        extra.append(vv if kv is None else combine([vv, kv]))
                if extra:
                    return combine([*(v for _, v in entries), *extra], type_=DICT_TYPE)
                return Value(keys=tuple(entries))
            case (
                ast.ListComp(elt=elt, generators=gens)
                | ast.SetComp(elt=elt, generators=gens)
                | ast.GeneratorExp(elt=elt, generators=gens)
            ):
                c_env = self._comprehension(gens, env)
                v = self.ev(elt, c_env)
                return Value(labels=v.all_labels()) if v.tainted else CLEAN
            case ast.DictComp(key=key, value=value, generators=gens):
                c_env = self._comprehension(gens, env)
                return combine([self.ev(key, c_env), self.ev(value, c_env)], type_=DICT_TYPE)
            case ast.Lambda(args=args, body=body):
                l_env = dict(env)
                for l_arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                    l_env[l_arg.arg] = CLEAN
                v = self.ev(body, l_env)
                return Value(labels=v.all_labels(), func="<lambda>")
            case ast.Await(value=value) | ast.YieldFrom(value=value):
                v = self.ev(value, env)
                if isinstance(node, ast.YieldFrom):
                    self.returned(v, node)
                    return CLEAN
                return v
            case ast.Yield(value=value):
                if value is not None:
                    self.returned(self.ev(value, env), node)
                return CLEAN
            case ast.NamedExpr(target=target, value=value):
                v = self.ev(value, env)
                self.assign(target, v, env, node)
                return v
            case ast.Starred(value=value):
                return self.ev(value, env).flat()
            case ast.Slice(lower=lo, upper=up, step=st):
                for part in (lo, up, st):
                    if part is not None:
                        self.ev(part, env)
                return CLEAN
            case _:
                return CLEAN

    def _boolop(self, is_and: bool, values: list[ast.expr], env: Env) -> Value:
        out: Value | None = None
        for expr in values:
            v = self.ev(expr, env)
            truth = self.truth(v)
            if truth is not None:
                if is_and and not truth:
                    return v if out is None else join(out, v)
                if not is_and and truth:
                    return v if out is None else join(out, v)
                if out is None and expr is values[-1]:
                    return v
                continue
            out = v if out is None else join(out, v)
        return out if out is not None else CLEAN

    def _comprehension(self, gens: list[ast.comprehension], env: Env) -> Env:
        c_env = dict(env)
        for gen in gens:
            item = self.element_of(self.ev(gen.iter, c_env))
            self.assign(gen.target, item, c_env, gen.iter)
            for cond in gen.ifs:
                self.ev(cond, c_env)
        return c_env

    def global_value(self, dotted: str) -> Value | None:
        """The module-level value of a (possibly imported) name: what the module body set,
        joined, for this module's own names, with what its functions wrote through `global NAME`
        (an imported name is bound at import time, before any function ran)."""
        if not dotted or "." in dotted:
            return None
        own = self._module_value(self.module.name, dotted)
        if own is not None:
            return own
        target = self.module.imports.get(dotted)
        if target:
            mod, _, name = target.rpartition(".")
            mod_info = self.index.modules.get(mod)
            if mod_info is not None:
                found = self.p.globals_of(mod_info.name).get(name)
                if found is not None:
                    return found
                again = mod_info.imports.get(name)
                if again:
                    m2, _, n2 = again.rpartition(".")
                    return self.p.globals_of(m2).get(n2)
        return None

    def _module_value(self, module: str, name: str) -> Value | None:
        found = self.p.globals_of(module).get(name)
        writes = self.p.global_writes.get(module)
        written = writes.get(name) if writes else None
        if written is None:
            return found
        return written if found is None else join(found, written)

    def _resolved_value(self, qual: str, node: ast.AST) -> Value | None:
        """Models answering for a qualified name being read (sources, request objects, types)."""
        src = self.m.source_reads.get(qual)
        if src is not None:
            label = Label(
                src.kind,
                src.confidence,
                (step_at(self.path, node, f"source: {qual} ({src.description or src.kind})"),),
            )
            return Value(labels=frozenset({label}))
        if qual in self.m.request_objects:
            return Value(type=REQUEST_TYPE)
        t = self.m.types_on_read.get(qual)
        if t is not None:
            return Value(type=t)
        return None

    def _name(self, name: str, node: ast.AST, env: Env) -> Value:
        found = env.get(name)
        if found is not None:
            return found
        g = self.global_value(name)
        if g is not None:
            return g
        qual = self.index.qualify(self.module, name, self.scope)
        if qual is None:
            return CLEAN
        modeled = self._resolved_value(qual, node)
        if modeled is not None:
            return modeled
        if qual in self.index.functions or qual in self.index.classes:
            return Value(func=qual)
        return CLEAN

    def _attribute(self, node: ast.Attribute, env: Env) -> Value:
        key = dotted_name(node)
        if key and key in env and not isinstance(node.value, ast.Call):
            return env[key]
        head = key.split(".", 1)[0] if key else ""
        if key and head not in env and not isinstance(node.value, ast.Call):
            qual = self.index.qualify(self.module, key, self.scope)
            if qual is not None:
                modeled = self._resolved_value(qual, node)
                if modeled is not None:
                    return modeled
                if qual in self.index.functions or qual in self.index.classes:
                    return Value(func=qual)
        base = self.ev(node.value, env)
        if base.type == REFERENCE_TYPE and base.func:
            return reference(f"{base.func}.{node.attr}")  # `dynamic_os.system`, not yet called
        if base.type == REQUEST_TYPE:
            if node.attr in self.m.request_attributes:
                label = Label(
                    "user",
                    Confidence.HIGH,
                    (step_at(self.path, node, f"source: request.{node.attr} (user input)"),),
                )
                # `request.files` holds uploads (`FileStorage`): a type from the models
                return Value(
                    labels=frozenset({label}),
                    type=self.m.types_on_read.get(f"{REQUEST_TYPE}.{node.attr}"),
                )
            if node.attr in self.m.request_session_attributes:
                return Value(type=SESSION_TYPE)
            return CLEAN
        if base.type and base.type in self.index.classes:
            method = self.index.find_method(base.type, node.attr)
            if method:
                return Value(labels=base.labels, func=method)
        return Value(labels=base.all_labels()) if base.tainted else CLEAN
