"""Entry state of a function: which parameters are user input, requests, or plain parameters.

A route's parameters are user input (unless a converter such as `<int:id>` validates them), a
parameter named or annotated like a request is a request object, and every other parameter
carries a `param` label so that the function's summary can say where it flows.
"""

from __future__ import annotations

import ast
import re

from netgain.analysis.findings import Confidence
from netgain.analysis.flow.state import (
    REQUEST_TYPE,
    AnalyzerState,
    Env,
    step_at,
)
from netgain.analysis.flow.views import decorated_by, registered_view_names
from netgain.analysis.index import FunctionInfo, dotted_name
from netgain.analysis.values import (
    CLEAN,
    Label,
    Value,
)

_TYPED_ROUTE_PARAM = re.compile(
    r"<(int|float|uuid)(?:\([^)]*\))?:(\w+)>|\{(\w+):(int|float|uuid)\}"
)


class ParamsMixin(AnalyzerState):
    """Build the environment a function body starts from."""

    def initial_env(self, fn: FunctionInfo, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Env:
        env: Env = {}
        route_owner = self._route_owner(node)
        if route_owner is None:
            route_owner = self._registered_owner(fn, node)
        self.is_route = route_owner is not None
        self.html_route = route_owner in self.m.html_route_types if route_owner else False
        if not self.is_route and decorated_by(node, self.m.response_handlers):
            self.html_route = self._inferred_owner("route") in self.m.html_route_types
        view = not self.is_route and self._is_view(fn)
        defaults = self._param_defaults(node) if self.is_route or view else {}
        typed_params = self._typed_route_params(node) if self.is_route else set()
        annotations = self._param_annotations(node)
        for i, name in enumerate(fn.params):
            ann = annotations.get(name)
            ann_q = (self.index.qualify(self.module, ann, self.scope) or ann) if ann else None
            if (
                ann and (ann in self.m.request_annotations or ann_q in self.m.request_annotations)
            ) or (
                name in self.m.request_param_names
                and ann is None
                and (self.is_route or view or i <= 1)
            ):
                env[name] = Value(type=REQUEST_TYPE)
                continue
            if fn.is_method and i == 0:
                env[name] = Value(labels=frozenset({self._param_label(i, name, node)}), type=fn.cls)
                continue
            if name in typed_params:
                env[name] = CLEAN  # `<int:uid>`: the framework converts and validates it
                continue
            if self.is_route or view:
                default = defaults.get(name)
                if (default is not None and self._framework_provided(default)) or (
                    self._dependency_annotation(node, name)
                ):
                    env[name] = CLEAN
                    continue
                label = Label(
                    kind="user",
                    confidence=Confidence.HIGH,
                    trace=(
                        step_at(
                            self.path, node, f"route parameter `{name}` of {fn.name}() (user input)"
                        ),
                    ),
                )
                env[name] = Value(labels=frozenset({label}))
                continue
            env[name] = Value(labels=frozenset({self._param_label(i, name, node)}))
        return env

    def _framework_provided(self, marker: ast.expr) -> bool:
        """`Depends(...)` / `Security(...)`: the framework computes the value, not the client."""
        dq = dotted_name(marker)
        return bool(dq) and (
            dq in self.m.safe_param_defaults
            or (self.index.qualify(self.module, dq, self.scope) or "") in self.m.safe_param_defaults
        )

    def _dependency_annotation(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> bool:
        """A parameter annotated `Annotated[T, Depends(f)]`, directly or through a module-level
        alias (`Context = Annotated[T, Depends(f)]`, here or in the module it is imported from):
        FastAPI fills it from the dependency, never from the request."""
        a = node.args
        ann = next(
            (x.annotation for x in [*a.posonlyargs, *a.args, *a.kwonlyargs] if x.arg == name), None
        )
        if isinstance(ann, ast.Name):
            ann = self._module_alias(ann.id)
        if not isinstance(ann, ast.Subscript) or not isinstance(ann.slice, ast.Tuple):
            return False
        if dotted_name(ann.value).rsplit(".", 1)[-1] != "Annotated":
            return False
        return any(
            isinstance(meta, ast.Call) and self._framework_provided(meta)
            for meta in ann.slice.elts[1:]
        )

    def _module_alias(self, alias: str) -> ast.expr | None:
        """The value a module-level `alias = ...` binds, in this module or the one it is imported from."""
        module, local = self.module, alias
        target = module.imports.get(alias)
        if target is not None:
            owner, _, local = target.rpartition(".")
            found = self.index.modules.get(owner)
            if found is None:
                return None
            module = found
        for stmt in module.tree.body if module.tree is not None else []:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == local for t in stmt.targets
            ):
                return stmt.value
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == local
            ):
                return stmt.value
        return None

    def _typed_route_params(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
        typed: set[str] = set()
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and deco.args
                and isinstance(deco.args[0], ast.Constant)
                and isinstance(deco.args[0].value, str)
            ):
                typed.update(
                    m.group(2) or m.group(3)
                    for m in _TYPED_ROUTE_PARAM.finditer(deco.args[0].value)
                )
        return typed

    def _param_label(self, i: int, name: str, node: ast.AST) -> Label:
        fname = self.fn.name if self.fn is not None else "<module>"
        return Label(
            kind="param",
            confidence=Confidence.HIGH,
            trace=(step_at(self.path, node, f"parameter `{name}` of {fname}()"),),
            param=i,
        )

    def _param_defaults(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        out: dict[str, ast.expr] = {}
        for arg, default in zip(
            positional[len(positional) - len(a.defaults) :], a.defaults, strict=True
        ):
            out[arg.arg] = default
        for arg, kw_default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            if kw_default is not None:
                out[arg.arg] = kw_default
        return out

    def _param_annotations(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
        a = node.args
        out: dict[str, str] = {}
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
            if arg.annotation is not None:
                out[arg.arg] = dotted_name(arg.annotation)
        return out

    def _route_owner(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """The type of the object whose route decorator registers this function ("" if unknown)."""
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and isinstance(deco.func, ast.Attribute)
                and deco.func.attr in self.m.route_decorators
            ):
                owner = deco.func.value
                if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                    continue
                owner_value = self.global_value(dotted_name(owner))
                if owner_value is not None and owner_value.type:
                    return owner_value.type
                return self._inferred_owner(deco.func.attr)
        return None

    def _registered_owner(
        self, fn: FunctionInfo, node: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> str | None:
        """The owner type of a view registered without a route decorator: a function passed to
        `add_url_rule`, or an HTTP-verb method of a view class (`MethodView.get`)."""
        if fn.cls is not None:
            info = self.index.classes.get(fn.cls)
            for view_class in self.m.view_classes:
                if (
                    info is not None
                    and node.name in view_class.methods
                    and any(base in view_class.bases for base in info.bases)
                ):
                    return view_class.type
            return None
        tree = self.module.tree
        if tree is None or not self.m.view_registrars:
            return None
        registrars = self.m.view_registrars
        names = self.p.syntax_memo("views", tree, lambda: registered_view_names(tree, registrars))
        if node.name in names:
            return self._inferred_owner("route")
        return None

    def _inferred_owner(self, decorator: str) -> str:
        """The type of an untyped route owner, inferred from how it is used: an object whose
        `.route(...)` decorates functions, in a module that imports Flask, is a Flask app (a
        parameter of `def init(app)`, a blueprint built inside a factory function)."""
        imported = self.module.imports.values()
        for owner in self.m.route_owners:
            if decorator in owner.decorators and any(
                target == owner.framework or target.startswith(owner.framework + ".")
                for target in imported
            ):
                return owner.type
        return ""

    def _is_view(self, fn: FunctionInfo) -> bool:
        last = fn.module.rsplit(".", 1)[-1]
        if last not in self.m.view_modules:
            return False
        params = fn.params[1:] if fn.is_method else fn.params
        return bool(params) and params[0] in self.m.request_param_names
