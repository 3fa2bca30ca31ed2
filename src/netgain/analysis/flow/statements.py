"""Statements and control flow: blocks, branches, loops, exception handlers, assignments.

Branches are analysed separately and joined; a branch whose condition folds to a constant is
skipped; loops run until the environment stops changing (bounded); a statement after which
control never continues (`return`, `raise`, `abort()`) ends its path with `None`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import replace

from netgain.analysis.flow.content_type import NON_HTML_RESPONSE, retyped
from netgain.analysis.flow.folding import (
    BINOPS,
    safe_fold,
)
from netgain.analysis.flow.sqltext import looks_like_sql, mark_built_query, unknown_text
from netgain.analysis.flow.state import (
    LOOP_ROUNDS,
    MAX_CLOSURE_DEPTH,
    REQUEST_TYPE,
    SESSION_TYPE,
    AnalyzerState,
    Env,
    join_envs,
    step_at,
)
from netgain.analysis.index import dotted_name
from netgain.analysis.values import (
    CLEAN,
    NOCONST,
    Value,
    add_step,
    combine,
    join,
    merge_labels,
)


class StatementMixin(AnalyzerState):
    """Walk statements, threading the environment through control flow."""

    def block(self, body: Iterable[ast.stmt], env: Env | None) -> Env | None:
        for stmt in body:
            if env is None:
                return None
            env = self.stmt(stmt, env)
        return env

    def stmt(self, s: ast.stmt, env: Env) -> Env | None:
        match s:
            case ast.Expr(value=value):
                self.ev(value, env)
                if isinstance(value, ast.Call) and self.no_return(value):
                    return None
                self.raising_check(value, env)
            case ast.Assign(targets=targets, value=value):
                v = self.ev(value, env)
                self.raising_check(value, env)
                if len(targets) == 1:
                    self.remember_guard(targets[0], value, env)
                for t in targets:
                    self.assign(t, v, env, s)
            case ast.AnnAssign(target=target, value=value) if value is not None:
                self.assign(target, self.ev(value, env), env, s)
            case ast.AugAssign(target=target, op=op, value=value):
                new = self.ev(value, env)
                old = self.ev(target, env)
                if isinstance(op, ast.Add) and old.elems is not None and new.elems is not None:
                    v = Value(
                        labels=merge_labels(old.labels, new.labels), elems=old.elems + new.elems
                    )
                else:
                    fn = BINOPS.get(type(op))
                    const = (
                        safe_fold(fn, old.const, new.const)
                        if fn and old.const is not NOCONST and new.const is not NOCONST
                        else NOCONST
                    )
                    v = (
                        combine([old, new])
                        if const is NOCONST
                        else replace(combine([old, new]), const=const)
                    )
                    if (
                        isinstance(op, ast.Add)
                        and const is NOCONST
                        and looks_like_sql(old.const)
                        and unknown_text(new, value)
                    ):
                        v = mark_built_query(v, self.path, s)
                self.assign(target, v, env, s)
            case ast.Return(value=value):
                v = self.ev(value, env) if value is not None else CLEAN
                self.returned(v, s)
                self.note_return(value, v, env)
                return None
            case ast.If(test=test, body=body, orelse=orelse):
                truth = self.truth(self.ev(test, env))
                if truth is True:
                    return self.block(body, env)
                if truth is False:
                    return self.block(orelse, env)
                body_env, else_env = dict(env), dict(env)
                on_true, on_false = self.guard_effects(test, env)
                self.apply_guard(body_env, on_true)
                self.apply_guard(else_env, on_false)
                a = self.block(body, body_env)
                b = self.block(orelse, else_env)
                return join_envs(a, b)
            case (
                ast.For(target=target, iter=it, body=body, orelse=orelse)
                | ast.AsyncFor(target=target, iter=it, body=body, orelse=orelse)
            ):
                seq = self.ev(it, env)
                item = self.element_of(seq)
                return self._loop(env, lambda e: self.assign(target, item, e, s), body, orelse)
            case ast.While(test=test, body=body, orelse=orelse):
                truth = self.truth(self.ev(test, env))
                if truth is False:
                    return self.block(orelse, env)
                return self._loop(env, lambda e: None, body, orelse)
            case ast.With(items=items, body=body) | ast.AsyncWith(items=items, body=body):
                for w_item in items:
                    ctx_v = self.ev(w_item.context_expr, env)
                    if w_item.optional_vars is not None:
                        self.assign(w_item.optional_vars, ctx_v, env, s)
                return self.block(body, env)
            case (
                ast.Try(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody)
                | ast.TryStar(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody)
            ):
                start = dict(env)
                after_body = self.block(body, env)
                after_else = self.block(orelse, after_body) if after_body is not None else None
                merged = after_else
                for h in handlers:
                    h_env = join_envs(start, after_body) or dict(start)
                    if h.name:
                        h_env[h.name] = CLEAN
                    merged = join_envs(merged, self.block(h.body, h_env))
                if finalbody:
                    fin_env = join_envs(merged, start) or dict(start)
                    fin = self.block(finalbody, fin_env)
                    return None if merged is None or fin is None else fin
                return merged
            case ast.Match(subject=subject, cases=cases):
                subj = self.ev(subject, env)
                m_env: Env | None = None
                for case in cases:
                    c_env = dict(env)
                    self._bind_pattern(case.pattern, subj, c_env)
                    if case.guard is not None:
                        self.ev(case.guard, c_env)
                    m_env = join_envs(m_env, self.block(case.body, c_env))
                return join_envs(m_env, env)
            case ast.Raise(exc=exc):
                if exc is not None:
                    self.ev(exc, env)
                return None
            case ast.Continue() | ast.Break():
                return None
            case ast.Global(names=names):
                self.global_names.update(names)
            case ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name):
                qual = self._nested_qualname(name)
                env[name] = Value(func=qual) if qual else CLEAN
                for deco in s.decorator_list:
                    self.ev(deco, env)
                if self.fn is not None and qual is not None and self.depth < MAX_CLOSURE_DEPTH:
                    self._closure(qual, env)
            case ast.ClassDef(name=name):
                prefix = self.fn.qualname if self.fn else self.module.name
                env[name] = Value(func=f"{prefix}.{name}")
            case ast.Delete(targets=targets):
                for t in targets:
                    key = dotted_name(t) if isinstance(t, ast.Name | ast.Attribute) else ""
                    if key:
                        env.pop(key, None)
            case ast.Assert(test=test):
                self.ev(test, env)
                self.apply_guard(env, self.guard_effects(test, env)[0])
            case _:
                pass
        return env

    def _closure(self, qual: str, env: Env) -> None:
        """Analyse a nested function against the enclosing environment (its free variables).

        Its own parameters are left clean here (the nested function's summary covers them);
        what this catches is taint captured from the enclosing scope.
        """
        nested = self.index.functions.get(qual)
        if nested is None or nested.node is None:
            return
        sub = type(self)(self.p, self.module, nested)
        sub.depth = self.depth + 1
        closure_env = dict(env)
        for param in nested.params:
            closure_env[param] = CLEAN
        sub.block(nested.node.body, closure_env)
        for finding in sub.findings.values():
            self.keep_finding(finding)
        for ps in sub.param_sinks.values():
            self.keep_param_sink(ps)
        self.callees |= sub.callees

    def _nested_qualname(self, name: str) -> str | None:
        prefix = self.fn.qualname if self.fn else self.module.name
        qual = f"{prefix}.{name}"
        return qual if qual in self.index.functions else None

    def _loop(
        self, env: Env, bind: Callable[[Env], None], body: list[ast.stmt], orelse: list[ast.stmt]
    ) -> Env:
        state = dict(env)
        for _ in range(LOOP_ROUNDS):
            round_env = dict(state)
            bind(round_env)
            after = self.block(body, round_env)
            merged = join_envs(state, after) or state
            if merged == state:
                break
            state = merged
        out = self.block(orelse, dict(state))
        return join_envs(state, out) or state

    def _bind_pattern(self, pattern: ast.pattern, subj: Value, env: Env) -> None:
        for node in ast.walk(pattern):
            name = getattr(node, "name", None)
            if isinstance(name, str):
                env[name] = subj.flat()
            if isinstance(node, ast.MatchStar) and node.name:
                env[node.name] = subj.flat()

    def assign(self, target: ast.expr, v: Value, env: Env, at: ast.AST) -> None:
        response = retyped(target, v) if not isinstance(target, ast.Name) else None
        if response is not None:
            old = env.get(response[0], CLEAN)
            if response[1] or old.type == NON_HTML_RESPONSE:
                env[response[0]] = replace(old, type=NON_HTML_RESPONSE if response[1] else None)
        if isinstance(target, ast.Name):
            stepped = (
                add_step(v, step_at(self.path, at, f"assigned to `{target.id}`")) if v.labels else v
            )
            env[target.id] = stepped
            if target.id in self.global_names and v.tainted:
                # only tainted writes: a clean one changes nothing a reader reports
                known = self.global_writes.get(target.id)
                self.global_writes[target.id] = stepped if known is None else join(known, stepped)
            self.check_name_sinks(target.id, v, at)
        elif isinstance(target, ast.Attribute):
            self.response_body_write(target, v, at, env)
            key = dotted_name(target)
            if key and not isinstance(target.value, ast.Call):
                env[key] = (
                    add_step(v, step_at(self.path, at, f"assigned to `{key}`")) if v.labels else v
                )
                base_key = dotted_name(target.value)
                base = env.get(base_key)
                if base is not None and v.tainted and base.type != REQUEST_TYPE:
                    env[base_key] = replace(
                        base, labels=merge_labels(base.labels, v.all_labels()), _all=None
                    )
            else:
                self.ev(target.value, env)
            self.check_name_sinks(target.attr, v, at)
        elif isinstance(target, ast.Subscript):
            base = self.ev(target.value, env)
            idx = self.ev(target.slice, env)
            if base.type == SESSION_TYPE:
                self.session_store(v, at)
            if isinstance(idx.const, str):
                self.check_name_sinks(idx.const, v, at)
            key = (
                dotted_name(target.value)
                if isinstance(target.value, ast.Name | ast.Attribute)
                else ""
            )
            if not key:
                return
            self.note_markup_store(key, v, at, env)
            if base.keys is not None and idx.const is not NOCONST:
                entries = [(k, val) for k, val in base.keys if k != idx.const]
                env[key] = replace(base, keys=(*entries, (idx.const, v)), _all=None)
            elif (
                base.elems is not None
                and isinstance(idx.const, int)
                and -len(base.elems) <= idx.const < len(base.elems)
            ):
                elems = list(base.elems)
                elems[idx.const] = v
                env[key] = replace(base, elems=tuple(elems), _all=None)
            elif v.tainted or (idx.tainted and base.elems is None):
                # a tainted key taints a mapping (iterating it yields the keys), not a list
                keys = idx.all_labels() if base.elems is None else frozenset()
                env[key] = Value(
                    labels=merge_labels(base.all_labels(), v.all_labels(), keys), type=base.type
                )
        elif isinstance(target, ast.Tuple | ast.List):
            starred = any(isinstance(e, ast.Starred) for e in target.elts)
            if v.elems is not None and not starred and len(v.elems) == len(target.elts):
                for t, ev in zip(target.elts, v.elems, strict=True):
                    self.assign(t, ev, env, at)
            else:
                flat = v.flat()
                for t in target.elts:
                    self.assign(t.value if isinstance(t, ast.Starred) else t, flat, env, at)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, v.flat(), env, at)
