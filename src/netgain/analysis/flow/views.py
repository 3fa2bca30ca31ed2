"""Views registered without a route decorator: by a call, by their class, as error handlers.

`app.add_url_rule("/x", view_func=show)` makes `show` a view as surely as `@app.route("/x")`
does; so do the HTTP-verb methods of a `MethodView` subclass (`def get(self, id)`), which Flask
dispatches to by request method. An error handler (`@app.errorhandler(404)`) is not a route (its
parameter is the exception, not input) but what it returns is served as the page. Which calls,
classes and decorators count is model data (`[routes]`, `[[view_class]]` in frameworks.toml).
"""

from __future__ import annotations

import ast

from netgain.analysis.flow.treewalk import inner_nodes

# the argument of `add_url_rule(rule, endpoint=None, view_func=None, ...)` holding the view
_VIEW_FUNC_POSITION = 2
_VIEW_FUNC_KEYWORD = "view_func"


def registered_view_names(tree: ast.Module, registrars: frozenset[str]) -> frozenset[str]:
    """Names of functions (and classes, through `Cls.as_view(...)`) that a call of one of the
    `registrars` methods in this module registers as a view (a walk of the whole module: the
    analyzer asks once per scan and module, through `Program.syntax_memo`)."""
    names: set[str] = set()
    for node in inner_nodes(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in registrars
        ):
            continue
        view = next((kw.value for kw in node.keywords if kw.arg == _VIEW_FUNC_KEYWORD), None)
        if view is None and len(node.args) > _VIEW_FUNC_POSITION:
            view = node.args[_VIEW_FUNC_POSITION]
        if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute):
            view = view.func.value  # `Search.as_view("search")`
        if isinstance(view, ast.Name):
            names.add(view.id)
        elif isinstance(view, ast.Attribute):
            names.add(view.attr)  # `views.show`
    return frozenset(names)


def decorated_by(node: ast.FunctionDef | ast.AsyncFunctionDef, methods: frozenset[str]) -> bool:
    """`@owner.errorhandler(404)` (or without arguments) with a method in `methods`."""
    for deco in node.decorator_list:
        func = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(func, ast.Attribute) and func.attr in methods:
            return True
    return False
