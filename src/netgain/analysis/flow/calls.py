"""Calls: resolve the callee, then models (sanitizers, sources, sinks) or the callee's summary.

Order matters: constant folding first, then sinks (checked on the arguments), sanitizers,
sources, then summaries of functions in the scanned tree, then propagators; any other call's
result carries the taint of every input.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from netgain.analysis.findings import Confidence
from netgain.analysis.flow.content_type import response_value
from netgain.analysis.flow.dynamic import IMPORTERS, REFERENCE_TYPE, imported_module, member
from netgain.analysis.flow.folding import (
    PURE_BUILTINS,
    PURE_STR_METHODS,
    safe_call,
)
from netgain.analysis.flow.shell import shell_command
from netgain.analysis.flow.state import (
    DICT_TYPE,
    REQUEST_TYPE,
    SESSION_TYPE,
    AnalyzerState,
    CallFacts,
    Env,
    step_at,
)
from netgain.analysis.flow.structured import structured_result
from netgain.analysis.flow.templates import escaped_render
from netgain.analysis.index import dotted_name
from netgain.analysis.summaries import EMPTY_SUMMARY
from netgain.analysis.taint_models import DEFAULT_SINK_SOURCES
from netgain.analysis.values import (
    CLEAN,
    MAX_TRACE,
    NOCONST,
    Label,
    Value,
    combine,
    const_value,
    join,
    merge_labels,
    sanitize,
)


class CallMixin(AnalyzerState):
    """Evaluate calls against the taint models and the callee summaries."""

    def _callee(self, func: ast.expr, env: Env) -> tuple[str | None, Value | None, str | None]:
        """(qualified callee, receiver value, method name) for a call's function expression."""
        if isinstance(func, ast.Name):
            local = env.get(func.id)
            if local is not None:
                return local.func, None, None
            g = self.global_value(func.id)
            if g is not None and g.func:
                return g.func, None, None
            return self.index.qualify(self.module, func.id, self.scope) or func.id, None, None
        if isinstance(func, ast.Attribute):
            key = dotted_name(func)
            head = key.split(".", 1)[0] if key else ""
            if (
                key
                and head not in env
                and self.global_value(head) is None
                and not isinstance(func.value, ast.Call)
            ):
                qual = self.index.qualify(self.module, key, self.scope) or self._free_name(key)
                if qual is not None:
                    if qual in self.index.functions and not self.index.functions[qual].is_method:
                        return qual, None, func.attr
                    receiver = self.ev(func.value, env)
                    if receiver.type and receiver.type not in self.index.classes:
                        return f"{receiver.type}.{func.attr}", receiver, func.attr
                    return qual, receiver, func.attr
            receiver = self.ev(func.value, env)
            if receiver.type == REFERENCE_TYPE and receiver.func:
                # `__import__("os").system`, `getattr(mod, "sub").run`
                return f"{receiver.func}.{func.attr}", None, func.attr
            if receiver.type:
                if receiver.type in self.index.classes:
                    method = self.index.find_method(receiver.type, func.attr)
                    return method or f"{receiver.type}.{func.attr}", receiver, func.attr
                return f"{receiver.type}.{func.attr}", receiver, func.attr
            if receiver.func and receiver.func in self.index.classes:
                # Class.method(...) on the class itself
                method = self.index.find_method(receiver.func, func.attr)
                return method, None, func.attr
            return None, receiver, func.attr
        value = self.ev(func, env)
        return value.func, value if value.tainted else None, None

    def _free_name(self, dotted: str) -> str | None:
        """`pickle.loads` where nothing in the module binds `pickle` (no import, definition,
        local or `global`): a name only a star import or the runtime can provide, read as the
        module it names. Only calls into modules the taint models know are resolved this way,
        so an unknown free name stays unknown."""
        head = dotted.partition(".")[0]
        if (
            head in self.module.imports
            or head in self.module.definitions
            or head in self.global_names
            or head in self.locals_funcs
        ):
            return None
        return dotted if self.m.knows_module(head) else None

    def call(self, node: ast.Call, env: Env) -> Value:
        qual, receiver, method = self._callee(node.func, env)
        if (
            qual
            and qual not in self.index.functions
            and qual.rpartition(".")[0] in self.index.modules
        ):
            # a name of a scanned module that defines no such function (yet): a dependency all
            # the same, so that a rescan after the module defines it analyses this body again
            self.callees.add(qual)
        args = [self.ev(a, env) for a in node.args]
        starred = any(isinstance(a, ast.Starred) for a in node.args)
        kwargs: dict[str, Value] = {}
        extra_kw: list[Value] = []
        for kw in node.keywords:
            v = self.ev(kw.value, env)
            if kw.arg is None:
                extra_kw.append(v)
            else:
                kwargs[kw.arg] = v
                self.check_name_sinks(kw.arg, v, node)
        name = qual or (f"<expr>.{method}" if method else "<call>")

        folded = self._fold_call(qual, method, receiver, args, kwargs)
        if folded is not None:
            return folded
        dynamic = self._dynamic_reference(qual, node, args, env)
        if dynamic is not None:
            return dynamic
        # request objects: `request.get_json()`, `await request.post()`
        if (
            receiver is not None
            and receiver.type == REQUEST_TYPE
            and method in self.m.request_attributes
        ):
            label = Label(
                "user",
                Confidence.HIGH,
                (step_at(self.path, node, f"source: request.{method}() (user input)"),),
            )
            return Value(labels=frozenset({label}))
        facts = self.p.call_facts.get((qual, method))
        if facts is None:
            facts = self._call_facts(qual, method)
            self.p.call_facts[(qual, method)] = facts
        # sinks
        for sink in facts.sinks:
            self.apply_sink(sink, node, args, kwargs, receiver, name, starred)
        self.check_template_context(qual, node, env)
        if not starred:
            script = shell_command(qual, method, args)
            if script is not None:
                self.check_sink(
                    "command-injection", DEFAULT_SINK_SOURCES, script, node, "a shell's -c command"
                )
                self.audit_unknown(
                    "command-injection", script, list(node.args), node, "a shell's -c command"
                )

        shaped = escaped_render(qual, method, args, kwargs, receiver) or structured_result(
            qual, args, kwargs
        )
        if shaped is not None:
            return shaped

        type_ = facts.type_
        # sanitizers (a builder such as SQLAlchemy's `select()` keeps its type for chained calls)
        rules = facts.sanitizes
        if rules is not None:
            inputs = [*args, *kwargs.values(), *extra_kw]
            if (
                method
                and receiver is not None
                and (qual is None or qual not in self.m.sanitizers_by_name)
            ):
                inputs.append(receiver)
            cleaned = sanitize(combine(inputs), rules)
            return replace(cleaned, type=type_) if type_ else cleaned

        # sources
        src = facts.source
        if src is not None:
            label = Label(
                src.kind,
                src.confidence,
                (step_at(self.path, node, f"source: {name}() ({src.description or src.kind})"),),
            )
            return Value(labels=frozenset({label}))

        # calls whose result is new data, not derived from their arguments (a child process's
        # output does not carry the taint of its `env=` or `cwd=`)
        if facts.new_data:
            return Value(type=type_) if type_ else CLEAN
        # calls into the scanned tree
        if facts.scanned and qual:
            return self._call_known(qual, node, args, kwargs, extra_kw, receiver, starred)

        # propagators into the receiver
        if (
            method
            and receiver is not None
            and method in self.m.propagators_by_method
            and isinstance(node.func, ast.Attribute)
        ):
            self._propagate_to_receiver(
                node.func.value, receiver, method, [*args, *kwargs.values(), *extra_kw], env
            )
            return CLEAN
        # precise dict access and copies
        if (
            method in ("get", "pop")
            and receiver is not None
            and receiver.keys is not None
            and args
            and args[0].const is not NOCONST
        ):
            found = receiver.get_key(args[0].const)
            default = args[1] if len(args) > 1 else CLEAN
            return (
                join(found, default)
                if found is not None
                else join(Value(labels=receiver.labels), default)
            )
        if (
            method in ("get", "pop")
            and receiver is not None
            and (receiver.keys is not None or receiver.type == DICT_TYPE)
            and args
        ):
            # a lookup returns a stored value or the default, never the key it was given
            return join(Value(labels=receiver.all_labels()), args[1] if len(args) > 1 else CLEAN)
        if method == "copy" and receiver is not None:
            return receiver
        if qual in ("str", "list", "tuple") and len(args) == 1 and not kwargs:
            return args[0] if qual != "str" or args[0].elems is None else args[0].flat()

        inputs = [*args, *kwargs.values(), *extra_kw]
        if receiver is not None:
            inputs.append(receiver)
        result = response_value(qual, kwargs, combine(inputs, type_=type_))
        if (
            method in ("format", "join", "format_map")
            and receiver is not None
            and isinstance(receiver.const, str)
            and not result.tainted
        ):
            return CLEAN
        return result

    def _call_facts(self, qual: str | None, method: str | None) -> CallFacts:
        """What the models and the index say about a callee, whatever its arguments."""
        scanned = bool(qual) and (qual in self.index.functions or qual in self.index.classes)
        in_tree = qual is not None and qual in self.index.functions
        source = self.m.source_for_call(qual) if qual else None
        if source is None and method and method in self.m.source_methods and not in_tree:
            source = self.m.source_methods[method]
        return CallFacts(
            sinks=tuple(self.m.sinks_for(qual, None if in_tree else method)),
            type_=(self.m.type_of_call(qual) if qual else None)
            or (self.m.types_on_method.get(method) if method else None),
            sanitizes=self.sanitizer_rules(qual, method),
            source=source,
            new_data=bool(qual) and self.m.propagators_by_name.get(qual or "") == "nothing",
            scanned=scanned,
        )

    def _dynamic_reference(
        self, qual: str | None, node: ast.Call, args: list[Value], env: Env
    ) -> Value | None:
        """`__import__("os")`, `importlib.import_module("os")`, `getattr(os, "system")`: a
        reference to the module or member the literal names (see flow/dynamic.py)."""
        if qual == "getattr" and node.args:
            return member(self._reference_name(node.args[0], args[0], env), args)
        if qual not in IMPORTERS:
            return None
        from_list = len(node.args) >= 4 or any(kw.arg == "fromlist" for kw in node.keywords)
        return imported_module(qual, args, from_list=from_list)

    def _reference_name(self, expr: ast.expr, value: Value, env: Env) -> str | None:
        """The qualified name an expression refers to: a reference value, or an imported module
        (or a member of one) spelled by name."""
        if value.type == REFERENCE_TYPE:
            return value.func
        key = dotted_name(expr) if isinstance(expr, ast.Name | ast.Attribute) else None
        if not key:
            return None
        head = key.partition(".")[0]
        if head in env or self.global_value(head) is not None:
            return None
        qual = self.index.qualify(self.module, key, self.scope)
        if qual is None or qual in self.index.functions or qual in self.index.classes:
            return None
        return qual

    def _fold_call(
        self,
        qual: str | None,
        method: str | None,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value | None:
        """Fold calls on constants (`len("abc")`, `"a".upper()`) so branch conditions fold too."""
        if kwargs or any(a.const is NOCONST for a in args):
            return None
        consts = [a.const for a in args]
        if receiver is None and qual in PURE_BUILTINS and consts:
            return const_value(safe_call(PURE_BUILTINS[qual], consts))
        if (
            method in PURE_STR_METHODS
            and receiver is not None
            and isinstance(receiver.const, str)
            and not receiver.tainted
        ):
            return const_value(safe_call(getattr(str, method), [receiver.const, *consts]))
        return None

    def sanitizer_rules(self, qual: str | None, method: str | None) -> frozenset[str] | None:
        if qual:
            rules = self.m.sanitizers_by_name.get(qual)
            if rules is not None:
                return rules
            for prefix, r in self.m.sanitizer_prefixes:
                if qual.startswith(prefix):
                    return r
            if qual in self.index.functions:
                return None
        if method:
            return self.m.sanitizers_by_method.get(method)
        return None

    def _propagate_to_receiver(
        self, recv_node: ast.expr, receiver: Value, method: str, inputs: list[Value], env: Env
    ) -> None:
        key = dotted_name(recv_node) if isinstance(recv_node, ast.Name | ast.Attribute) else ""
        if receiver.type == SESSION_TYPE:
            for sink in self.m.sinks_for(f"{SESSION_TYPE}.{method}", None):
                for v in inputs:
                    self.check_sink(sink.rule, sink.sources, v, recv_node, "the session store")
        if not key:
            return
        if method == "append" and receiver.elems is not None and len(inputs) == 1:
            env[key] = replace(
                receiver, elems=(*receiver.elems, inputs[0]), const=NOCONST, _all=None
            )
        elif (
            method == "extend"
            and receiver.elems is not None
            and len(inputs) == 1
            and inputs[0].elems is not None
        ):
            env[key] = replace(
                receiver, elems=receiver.elems + inputs[0].elems, const=NOCONST, _all=None
            )
        elif (
            method == "update"
            and receiver.keys is not None
            and len(inputs) == 1
            and inputs[0].keys is not None
        ):
            merged = dict(receiver.keys)
            merged.update(inputs[0].keys)
            env[key] = replace(receiver, keys=tuple(merged.items()), _all=None)
        else:
            labels = merge_labels(receiver.labels, *(v.all_labels() for v in inputs))
            if receiver.elems is not None or receiver.keys is not None:
                env[key] = Value(
                    labels=merge_labels(labels, receiver.all_labels()), type=receiver.type
                )
            elif labels != receiver.labels:
                env[key] = replace(receiver, labels=labels, const=NOCONST)

    def _call_known(
        self,
        qual: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        extra_kw: list[Value],
        receiver: Value | None,
        starred: bool,
    ) -> Value:
        cls_type: str | None = None
        if qual in self.index.classes:
            cls_type = qual
            init = self.index.find_method(qual, "__init__")
            if init is None:
                return combine([*args, *kwargs.values()], type_=qual)
            fn_q = init
            receiver = Value(type=qual)
        else:
            fn_q = qual
        fn = self.index.functions[fn_q]
        self.callees.add(fn_q)
        summary = self.p.summary_of(fn_q) or EMPTY_SUMMARY
        bound: dict[int, Value] = {}
        offset = 0
        if fn.is_method and (receiver is not None or cls_type is not None):
            bound[0] = receiver if receiver is not None else CLEAN
            offset = 1
        rest: list[Value] = []
        for i, v in enumerate(args):
            pi = i + offset
            if fn.vararg >= 0 and pi >= fn.vararg:
                rest.append(v)
            elif pi < len(fn.params):
                bound[pi] = v
        if fn.vararg >= 0 and rest:
            bound[fn.vararg] = combine(rest)
        overflow: list[Value] = list(extra_kw)
        for k, v in kwargs.items():
            if k in fn.params:
                bound[fn.params.index(k)] = v
            else:
                overflow.append(v)
        if fn.kwarg >= 0 and overflow:
            bound[fn.kwarg] = combine(overflow)
        if starred and fn.params:
            star = combine(args)
            for i in range(offset, len(fn.params)):
                bound.setdefault(i, star)
        call_step = step_at(self.path, node, f"passed to {fn.name}()")
        # parameter -> sink inside the callee
        for ps in summary.sinks:
            arg = bound.get(ps.param)
            if arg is None:
                continue
            for label in arg.all_labels():
                combined = Label(
                    kind=label.kind,
                    confidence=label.confidence,
                    trace=(*label.trace, call_step, *ps.trace[:-1]),
                    param=label.param,
                    cleaned=label.cleaned | ps.cleaned,
                )
                if label.kind == "param" or label.kind in ps.sources:
                    self.report(ps.rule, ps.trace[-1], combined, ps.sources)
        # parameter -> return, source -> return
        out_labels: list[Label] = []
        ret_step = step_at(self.path, node, f"returned from {fn.name}()")
        for flow in summary.returns:
            arg = bound.get(flow.param)
            if arg is None:
                continue
            out_labels.extend(
                replace(
                    lb,
                    cleaned=lb.cleaned | flow.cleaned,
                    trace=((*lb.trace, call_step, *flow.trace))[-MAX_TRACE:]
                    if len(lb.trace) + len(flow.trace) + 1 > MAX_TRACE
                    else (*lb.trace, call_step, *flow.trace),
                )
                for lb in arg.all_labels()
            )
        out_labels.extend(lb.with_step(ret_step) for lb in summary.source_returns)
        if cls_type is not None:
            for flow in summary.self_flows:
                arg = bound.get(flow.param)
                if arg is not None:
                    out_labels.extend(
                        replace(lb, cleaned=lb.cleaned | flow.cleaned, trace=(*lb.trace, call_step))
                        for lb in arg.all_labels()
                    )
            return Value(labels=merge_labels(frozenset(out_labels)), type=cls_type)
        labels = merge_labels(frozenset(out_labels)) if out_labels else frozenset()
        head: tuple[Value, ...] | None = None
        if summary.return_head is not None:
            head = tuple(
                Value(
                    labels=merge_labels(
                        frozenset(
                            lb.with_step(call_step)
                            for p in params
                            if p in bound
                            for lb in bound[p].all_labels()
                        ),
                        frozenset(lb.with_step(ret_step) for lb in sources),
                    )
                )
                for params, sources in summary.return_head
            )
        return Value(labels=labels, type=summary.return_type, head=head)
