"""The program index: modules, classes, functions and imports of the scanned tree.

Names are resolved the way Python would at import time, without importing anything: aliases
(`import subprocess as sp`, `from os import system as run`), relative imports and re-exports
(`from .impl import helper` in a package `__init__`), so a call anywhere in the tree resolves to
a qualified name that the taint models or a function summary can answer for.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from netgain.analysis.values import fast_pickle

_BUILTINS = frozenset(dir(builtins))


@fast_pickle
@dataclass(slots=True)
class FunctionInfo:
    qualname: str
    module: str
    name: str
    params: list[str]
    vararg: int  # index of *args in params, -1 if none
    kwarg: int  # index of **kwargs in params, -1 if none
    lineno: int
    cls: str | None  # qualified class name for methods
    is_static: bool
    nested: bool
    decorators: list[ast.expr] = field(default_factory=list, repr=False)
    node: ast.FunctionDef | ast.AsyncFunctionDef | None = field(default=None, repr=False)

    @property
    def public(self) -> bool:
        parts = self.qualname.split(".")
        mod_parts = self.module.split(".")
        own = parts[len(mod_parts) :]
        if self.nested:
            return False
        return all(not p.startswith("_") or (p.startswith("__") and p.endswith("__")) for p in own)

    @property
    def is_method(self) -> bool:
        return self.cls is not None and not self.is_static


@fast_pickle
@dataclass(slots=True)
class ClassInfo:
    qualname: str
    module: str
    bases: list[str]  # qualified where resolvable
    methods: dict[str, str]  # name -> function qualname


@fast_pickle
@dataclass(slots=True)
class ModuleInfo:
    name: str
    path: str
    is_package: bool
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified target
    definitions: dict[str, str] = field(default_factory=dict)  # top-level name -> qualname
    tree: ast.Module | None = field(default=None, repr=False)
    # imports made inside a function body: function qualname -> local name -> target. Two
    # functions may bind one name to different modules (`from xml.etree import ElementTree` in
    # one, `from defusedxml.etree import ElementTree` in the other); each sees its own.
    scoped_imports: dict[str, dict[str, str]] = field(default_factory=dict)


def module_name_for(rel_path: str) -> tuple[str, bool]:
    """Dotted module name for a POSIX path relative to the root, and whether it is a package."""
    parts = rel_path.removesuffix(".py").removesuffix(".pyi").split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    name = ".".join(p for p in parts if p) or "__init__"
    return name, is_package


def _resolve_relative(module: ModuleInfo, level: int, target: str | None) -> str:
    base_parts = module.name.split(".")
    if not module.is_package:
        base_parts = base_parts[:-1]
    if level > 1:
        base_parts = base_parts[: max(0, len(base_parts) - (level - 1))]
    base = ".".join(base_parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


def collect_module(
    module: ModuleInfo,
    tree: ast.Module,
    functions: dict[str, FunctionInfo],
    classes: dict[str, ClassInfo],
) -> None:
    """Fill `module` with its imports and definitions and add its functions/classes to the tables."""
    module.tree = tree
    _ModuleCollector(module, functions, classes).visit_body(tree.body, module.name, None, False)


class _ModuleCollector:
    """The walk of `collect_module`. A class rather than nested functions: a recursive closure
    refers to itself, a reference cycle that kept every module's syntax tree and tables alive
    for the cyclic collector (paused during a scan) to find, one walk of all of them (about
    1.5 s of a cold scan of Django) when it ran again."""

    __slots__ = ("classes", "functions", "module")

    def __init__(
        self,
        module: ModuleInfo,
        functions: dict[str, FunctionInfo],
        classes: dict[str, ClassInfo],
    ) -> None:
        self.module = module
        self.functions = functions
        self.classes = classes

    def add_imports(self, node: ast.Import | ast.ImportFrom, scope: str | None) -> None:
        module = self.module
        bound = _imported_names(module, node)
        if scope is None:
            module.imports.update(bound)
            return
        # a function's own imports: its scope first, and the module table only as a fallback
        # for code that does not know its scope (a module-level import of the name wins)
        module.scoped_imports.setdefault(scope, {}).update(bound)
        for name, target in bound.items():
            module.imports.setdefault(name, target)

    def visit_body(self, body: list[ast.stmt], prefix: str, cls: str | None, nested: bool) -> None:
        module, functions, classes = self.module, self.functions, self.classes
        add_imports, visit_body = self.add_imports, self.visit_body
        scope = prefix if nested and cls is None else None
        # A def that a later one of the same name rebinds still runs its decorators (a view
        # registered by `@app.route`, a property getter before its setter, `@f.register`
        # implementations all named `_`): it is analysed under `name@line`, and the name
        # resolves to the last definition, as it does at run time.
        last_def = {
            s.name: i
            for i, s in enumerate(body)
            if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for position, stmt in enumerate(body):
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                add_imports(stmt, scope)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                shadowed = last_def[stmt.name] != position
                qual = f"{prefix}.{stmt.name}" + (f"@{stmt.lineno}" if shadowed else "")
                if shadowed:
                    functions[qual] = _function_info(stmt, qual, module.name, cls, nested)
                    visit_body(stmt.body, qual, None, True)
                    continue
                if not nested and cls is None:
                    module.definitions[stmt.name] = qual
                functions[qual] = _function_info(stmt, qual, module.name, cls, nested)
                if cls is not None:
                    classes[cls].methods[stmt.name] = qual
                visit_body(stmt.body, qual, None, True)
            elif isinstance(stmt, ast.ClassDef):
                qual = f"{prefix}.{stmt.name}"
                if not nested and cls is None:
                    module.definitions[stmt.name] = qual
                classes[qual] = ClassInfo(qual, module.name, [], {})
                bases = [_dotted(b) for b in stmt.bases]
                classes[qual].bases = [b for b in bases if b]
                visit_body(stmt.body, qual, qual, nested)
            else:
                for child in ast.iter_child_nodes(stmt):
                    if isinstance(child, ast.Import | ast.ImportFrom):
                        add_imports(child, scope)
                for block in _sub_blocks(stmt):
                    visit_body(block, prefix, cls, nested)


def _imported_names(module: ModuleInfo, node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    """Local name -> qualified target for the names one import statement binds."""
    bound: dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bound[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                bound[top] = module.imports.get(top, top) if top not in bound else bound[top]
        return bound
    source = (
        _resolve_relative(module, node.level, node.module) if node.level else (node.module or "")
    )
    for alias in node.names:
        if alias.name != "*":
            bound[alias.asname or alias.name] = f"{source}.{alias.name}" if source else alias.name
    return bound


def _sub_blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    blocks: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            blocks.append(block)
    for handler in getattr(stmt, "handlers", []) or []:
        blocks.append(handler.body)
    for case in getattr(stmt, "cases", []) or []:
        blocks.append(case.body)
    return blocks


def _function_info(
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    qual: str,
    module: str,
    cls: str | None,
    nested: bool,
) -> FunctionInfo:
    a = node.args
    params = [p.arg for p in [*a.posonlyargs, *a.args]]
    vararg = kwarg = -1
    if a.vararg:
        vararg = len(params)
        params.append(a.vararg.arg)
    params.extend(p.arg for p in a.kwonlyargs)
    if a.kwarg:
        kwarg = len(params)
        params.append(a.kwarg.arg)
    deco_names = {_dotted(d) for d in node.decorator_list}
    is_static = "staticmethod" in deco_names
    return FunctionInfo(
        qualname=qual,
        module=module,
        name=node.name,
        params=params,
        vararg=vararg,
        kwarg=kwarg,
        lineno=node.lineno,
        cls=cls,
        is_static=is_static,
        nested=nested,
        decorators=list(node.decorator_list),
        node=node,
    )


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


dotted_name = _dotted


@dataclass(slots=True)
class ProgramIndex:
    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    by_path: dict[str, ModuleInfo] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    _memo: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    _scoped_names: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    # qualified names defined by each module (so the cache need not scan every function per file)
    _defined: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict, repr=False)

    def add_module(self, rel_path: str, tree: ast.Module) -> ModuleInfo:
        name, is_package = module_name_for(rel_path)
        if name in self.modules:  # two roots with the same layout: keep both reachable by path
            name = rel_path.removesuffix(".py").replace("/", ".")
        info = ModuleInfo(name, rel_path, is_package)
        self._memo.clear()
        self._scoped_names.clear()
        functions: dict[str, FunctionInfo] = {}
        classes: dict[str, ClassInfo] = {}
        collect_module(info, tree, functions, classes)
        self.functions.update(functions)
        self.classes.update(classes)
        self._defined[name] = (list(functions), list(classes))
        self.modules[name] = info
        self.by_path[rel_path] = info
        return info

    def add_cached(
        self, module: ModuleInfo, functions: dict[str, FunctionInfo], classes: dict[str, ClassInfo]
    ) -> None:
        """Add a module restored from the cache (no AST; parsed on demand)."""
        self._memo.clear()
        self._scoped_names.clear()
        self.modules[module.name] = module
        self.by_path[module.path] = module
        self.functions.update(functions)
        self.classes.update(classes)
        self._defined[module.name] = (list(functions), list(classes))

    def attach_tree(self, module: ModuleInfo, tree: ast.Module) -> None:
        """Give a module restored from the cache (indexed without an AST) its freshly parsed
        tree, and its functions their nodes, keeping the index entries everyone already holds."""
        scratch = ModuleInfo(module.name, module.path, module.is_package)
        functions: dict[str, FunctionInfo] = {}
        collect_module(scratch, tree, functions, {})
        module.tree = tree
        for qual, fresh in functions.items():
            known = self.functions.get(qual)
            if known is not None and known.module == module.name:
                known.node = fresh.node
                known.decorators = fresh.decorators

    def function_names_of(self, module: str) -> list[str]:
        """Qualified names of the functions (and methods) a module defines."""
        return self._defined.get(module, ([], []))[0]

    def class_names_of(self, module: str) -> list[str]:
        """Qualified names of the classes a module defines."""
        return self._defined.get(module, ([], []))[1]

    def finish(self) -> None:
        """Resolve class bases to qualified names once every module is known."""
        self._memo.clear()
        self._scoped_names.clear()
        for cls in self.classes.values():
            module = self.modules.get(cls.module)
            if module is not None:
                cls.bases = [self.qualify(module, b) or b for b in cls.bases]

    def qualify(self, module: ModuleInfo, dotted: str, scope: str | None = None) -> str | None:
        """The canonical qualified name of a dotted name used in `module` (None if it is local);
        `scope` is the qualified name of the function the name is used in, whose own imports
        (and those of the functions around it) come first."""
        if not dotted:
            return None
        if scope is not None and module.scoped_imports:
            head, _, rest = dotted.partition(".")
            names = self._scoped_names.get(module.name)
            if names is None:
                names = frozenset(n for table in module.scoped_imports.values() for n in table)
                self._scoped_names[module.name] = names
            prefix = module.name + "."
            while head in names and scope.startswith(prefix):
                target = module.scoped_imports.get(scope, {}).get(head)
                if target is not None:
                    return self.canonical(f"{target}.{rest}" if rest else target)
                scope = scope.rpartition(".")[0]
        key = (module.name, dotted)
        if key in self._memo:
            return self._memo[key]
        found = self._qualify(module, dotted)
        self._memo[key] = found
        return found

    def _qualify(self, module: ModuleInfo, dotted: str) -> str | None:
        head, _, rest = dotted.partition(".")
        if head in module.imports:
            target = module.imports[head]
        elif head in module.definitions:
            target = module.definitions[head]
        elif head in _BUILTINS:
            target = head
        else:
            return None
        full = f"{target}.{rest}" if rest else target
        return self.canonical(full)

    def canonical(self, name: str, depth: int = 0) -> str:
        """Follow re-exports (`pkg.helper` -> `pkg.impl.helper`) through module imports."""
        if depth > 8 or name in self.functions or name in self.classes or name in self.modules:
            return name
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            mod = self.modules.get(".".join(parts[:i]))
            if mod is None:
                continue
            head, rest = parts[i], parts[i + 1 :]
            target = mod.imports.get(head) or mod.definitions.get(head)
            if target is None or target == name:
                return self._member(name)
            return self.canonical(".".join([target, *rest]), depth + 1)
        return self._member(name)

    def _member(self, name: str) -> str:
        """`pkg.Class.method` through base classes when the method is inherited."""
        cls_name, _, attr = name.rpartition(".")
        if cls_name in self.classes and attr:
            found = self.find_method(cls_name, attr)
            if found:
                return found
        return name

    def find_method(self, cls_name: str, method: str, depth: int = 0) -> str | None:
        cls = self.classes.get(cls_name)
        if cls is None or depth > 10:
            return None
        if method in cls.methods:
            return cls.methods[method]
        for base in cls.bases:
            found = self.find_method(base, method, depth + 1)
            if found:
                return found
        return None

    def module_of_function(self, fn: FunctionInfo) -> ModuleInfo:
        return self.modules[fn.module]
