"""Intra-procedural taint flow over one function body, with summaries of the file's functions.

One forward pass over the statements, as the Python engine's `flow/statements.py`: variables map
to abstract values (`values.Value`); `if` branches run on copies of the environment, refined by
their condition (`guards.refine`), and meet again (a branch that always returns does not meet);
loop bodies run twice. Expressions propagate taint through concatenation, template literals,
property reads, destructuring, `await` and calls without a model; sanitizers (data) clean it.

A function's parameters start as symbolic taints (`Taint.params`), so one analysis of a body
gives both its own findings (from real sources, like a handler's `req.query`) and its summary:
which parameters reach its return value and which reach a sink. A call to a function of the same
file applies that summary (`getId(req)` returns the query; `run(sql)` reaches `db.query`). A
call passing a request object to a local function analyses that function again with the request
bound, so a handler that delegates `handle(req, res)` is followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from tree_sitter import Node

from netgain.analysis.js.guards import NORMALISED, Refinement, key_of, refine
from netgain.analysis.js.models import JsModels, Sink
from netgain.analysis.js.syntax import (
    FUNCTION_TYPES,
    arguments,
    object_keys,
    string_value,
    text,
    unwrap,
)
from netgain.analysis.js.values import (
    EMPTY,
    Env,
    Taint,
    Value,
    join,
    join_all,
    join_envs,
    join_taint,
    join_taints,
    tainted,
)
from netgain.analysis.values import Step

MAX_DEPTH = 4  # nested re-analyses of a local function with request objects bound
# methods whose result is a boolean or a number, whatever the string they are called on
_SCALAR_METHODS = frozenset(
    {
        "includes", "startsWith", "endsWith", "indexOf", "lastIndexOf", "test", "has",
        "localeCompare", "charCodeAt", "codePointAt", "some", "every", "findIndex", "search",
        "isInteger", "hasOwnProperty", "getTime", "valueOf",
    }
)  # fmt: skip
_SCALAR_OPERATORS = frozenset(
    {
        "-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>", "==", "===", "!=", "!==",
        "<", ">", "<=", ">=", "instanceof", "in",
    }
)  # fmt: skip
# a constant prefix that fixes a redirect's origin: "/path", "https://host/"
_SAFE_REDIRECT_PREFIX = re.compile(r"^(/[^/\\]|[^/\\:?#]+/|[^/\\:?#]*[?#]|https?://[^/?#\\]+[/?#])")
_OPEN_REDIRECT = frozenset({"open-redirect"})
_LOOPS = frozenset({"for_statement", "while_statement", "do_statement", "for_in_statement"})


@dataclass(frozen=True, slots=True)
class RawJsFinding:
    rule: str
    sink: Step
    trace: tuple[Step, ...]
    end_line: int  # the sink call's last line


@dataclass(slots=True)
class Summary:
    """What a function does with its parameters: which reach its result, which reach a sink."""

    returns: Taint | None = None
    param_sinks: list[tuple[str, int, Step]] = field(default_factory=list)


def normalise_module(name: str) -> str:
    """`node:fs` is `fs`; `fs/promises` is `fs.promises` (as `require("fs").promises`)."""
    name = name.removeprefix("node:")
    return name.replace("/promises", ".promises")


class FileAnalysis:
    """The state of one file's analysis shared by every function in it."""

    def __init__(self, path: str, models: JsModels, koa: bool) -> None:
        self.path = path
        self.models = models
        self.koa = koa
        self.findings: dict[tuple[str, int, int, int, int], RawJsFinding] = {}
        self.summaries: dict[tuple[int, int], Summary | None] = {}
        self.handled: set[tuple[int, int, tuple[str | None, ...]]] = set()
        self.depth = 0
        self.sink_ends: dict[tuple[int, int], int] = {}  # sink (line, column) -> last line

    def step(self, node: Node, message: str) -> Step:
        row, col = node.start_point
        return Step(self.path, row + 1, col + 1, message)

    def report(self, rule: str, sink: Step, trace: tuple[Step, ...]) -> None:
        source = trace[0] if trace else sink
        key = (rule, sink.line, sink.column, source.line, source.column)
        end = self.sink_ends.get((sink.line, sink.column), sink.line)
        self.findings.setdefault(key, RawJsFinding(rule, sink, trace, end))

    def run_module(self, root: Node) -> None:
        FunctionRun(self, {}).block(list(root.named_children))


def _key(node: Node) -> tuple[int, int]:
    return node.start_byte, node.end_byte


def _params(fnode: Node) -> list[Node]:
    single = fnode.child_by_field_name("parameter")
    if single is not None:
        return [single]
    params = fnode.child_by_field_name("parameters")
    return [p for p in arguments(params) if p.type not in ("this", "decorator")]


def _param_pattern(param: Node) -> tuple[Node, str]:
    """A parameter's binding pattern and the text of its type annotation."""
    if param.type in ("required_parameter", "optional_parameter"):
        pattern = param.child_by_field_name("pattern") or param
        annotation = param.child_by_field_name("type")
        type_text = text(annotation).lstrip(":").strip() if annotation is not None else ""
        return pattern, type_text
    return param, ""


def _pattern_name(pattern: Node) -> str:
    if pattern.type == "assignment_pattern":
        left = pattern.child_by_field_name("left")
        return text(left) if left is not None else ""
    return text(pattern) if pattern.type == "identifier" else ""


def _always_exits(node: Node | None) -> bool:
    if node is None:
        return False
    if node.type in ("return_statement", "throw_statement"):
        return True
    if node.type == "statement_block":
        body = [c for c in node.named_children if c.type != "comment"]
        return any(_always_exits(c) for c in body)
    if node.type == "if_statement":
        alt = node.child_by_field_name("alternative")
        alt_body = alt.named_children[-1] if alt is not None and alt.named_children else None
        return _always_exits(node.child_by_field_name("consequence")) and _always_exits(alt_body)
    return False


class FunctionRun:
    """One analysis of a function body (or the module's top level) in an environment."""

    def __init__(self, file: FileAnalysis, env: Env) -> None:
        self.file = file
        self.models = file.models
        self.env = env
        self.summary = Summary()
        self.name_hint: tuple[str, bool] | None = None  # the name a function value is bound to
        self.redirect = False  # a handler whose returned `{ url }` is a redirect target

    # ----------------------------------------------------------------------------- statements

    def block(self, nodes: list[Node]) -> bool:
        """Run statements in order; True when the block always leaves the function."""
        for node in nodes:
            if node.type in ("function_declaration", "generator_function_declaration"):
                name = node.child_by_field_name("name")
                if name is not None:  # hoisted: callable before its declaration
                    self.env[text(name)] = Value(func=node, closure=self.env)
        return any(self.statement(node) for node in nodes)

    def statement(self, node: Node) -> bool:
        kind = node.type
        if kind in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    self._declarator(decl)
        elif kind == "expression_statement":
            for child in node.named_children:
                self.expr(child)
        elif kind in ("return_statement", "throw_statement"):
            values = [self.expr(c) for c in node.named_children if c.type != "comment"]
            if kind == "return_statement" and values:
                self.summary.returns = join_taint(self.summary.returns, values[0].taint)
                if self.redirect:  # NestJS @Redirect(): the returned { url } is where it goes
                    self._redirect_return(node, values[0])
            return True
        elif kind == "statement_block":
            return self.block(list(node.named_children))
        elif kind == "if_statement":
            return self._if(node)
        elif kind in _LOOPS:
            self._loop(node)
        elif kind == "try_statement":
            return self._try(node)
        elif kind in ("function_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            self.function(node, name=text(name) if name is not None else "", exported=False)
        elif kind in ("class_declaration", "abstract_class_declaration", "class"):
            self._class(node)
        elif kind == "export_statement":
            self._export(node)
        elif kind == "import_statement":
            self._import(node)
        elif kind == "switch_statement":
            self._switch(node)
        elif kind in ("comment", "empty_statement", "debugger_statement"):
            pass
        elif kind in ("break_statement", "continue_statement"):
            return True
        else:
            for child in node.named_children:
                if child.type.endswith(("statement", "declaration")):
                    self.statement(child)
                elif child.type not in ("statement_identifier", "comment"):
                    self.expr(child)
        return False

    def _declarator(self, decl: Node, exported: bool = False) -> None:
        pattern, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
        if pattern is None:
            return
        if value is None:
            self.bind(pattern, EMPTY)
            return
        self.name_hint = (text(pattern), exported)
        result = self.expr(value)
        self.name_hint = None
        self.bind(pattern, result)

    def _if(self, node: Node) -> bool:
        cond = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        if cond is not None:
            self.expr(cond)
        before = self.env
        self.env = dict(before)
        if cond is not None:
            self._apply(refine(cond, True, self.models.guards, self._callee_name))
        exits_then = self.statement(consequence) if consequence is not None else False
        then_env = self.env
        self.env = dict(before)
        if cond is not None:
            self._apply(refine(cond, False, self.models.guards, self._callee_name))
        exits_else = False
        if alternative is not None:
            exits_else = self.block(list(alternative.named_children))
        else_env = self.env
        if exits_then and exits_else:
            self.env = join_envs(then_env, else_env)
            return True
        if exits_then:
            self.env = else_env
        elif exits_else:
            self.env = then_env
        else:
            self.env = join_envs(then_env, else_env)
        return False

    def _apply(self, refinement: Refinement) -> None:
        for target, rules in refinement:
            key = key_of(target)
            if key is None:
                continue
            value = self.expr(target)
            if value.taint is None:
                continue
            if NORMALISED in rules and NORMALISED not in value.taint.clean:
                continue  # a prefix check on a path that may still hold ".."
            self.env[key] = replace(value, taint=value.taint.cleaned(rules - {NORMALISED}))

    def _loop(self, node: Node) -> None:
        before = dict(self.env)
        for name in ("initializer", "condition", "increment"):
            part = node.child_by_field_name(name)
            if part is not None:
                self.statement(part) if part.type.endswith("statement") else self.expr(part)
        if node.type == "for_in_statement":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                self.bind(left, tainted(self.expr(right).taint))
        body = node.child_by_field_name("body")
        for _ in range(2):  # a second pass sees what the first assigned
            if body is not None:
                self.statement(body)
        self.env = join_envs(before, self.env)

    def _try(self, node: Node) -> bool:
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        finalizer = node.child_by_field_name("finalizer")
        before = dict(self.env)
        exits = self.statement(body) if body is not None else False
        if handler is not None:
            after_body = self.env
            self.env = join_envs(before, after_body)
            param = handler.child_by_field_name("parameter")
            if param is not None:
                self.bind(param, EMPTY)
            catch_body = handler.child_by_field_name("body")
            exits_catch = self.statement(catch_body) if catch_body is not None else False
            exits = exits and exits_catch
            if not exits_catch:
                self.env = join_envs(after_body, self.env)
        if finalizer is not None:
            for child in finalizer.named_children:
                self.statement(child)
        return exits

    def _switch(self, node: Node) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.expr(value)
        body = node.child_by_field_name("body")
        before = dict(self.env)
        merged = dict(before)
        for case in body.named_children if body is not None else []:
            self.env = dict(before)
            for child in case.named_children:
                if child.type.endswith(("statement", "declaration")):
                    self.statement(child)
            merged = join_envs(merged, self.env)
        self.env = merged

    def _class(self, node: Node) -> None:
        body = node.child_by_field_name("body")
        decorators: list[str] = []
        for member in body.named_children if body is not None else []:
            if member.type == "decorator":  # a method's decorators precede it in the class body
                decorators.append(_decorator_name(member))
                continue
            if member.type == "method_definition":
                name = member.child_by_field_name("name")
                redirect = any(d in self.models.handlers.redirect_decorators for d in decorators)
                self.function(
                    member,
                    name=text(name) if name is not None else "",
                    exported=False,
                    redirect=redirect,
                )
            elif member.type in ("field_definition", "public_field_definition"):
                value = member.child_by_field_name("value")
                if value is not None:
                    self.expr(value)
            decorators = []

    def _export(self, node: Node) -> None:
        decl = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        if decl is not None:
            if decl.type in ("function_declaration", "generator_function_declaration"):
                name = decl.child_by_field_name("name")
                self.env[text(name) if name is not None else ""] = Value(
                    func=decl, closure=self.env
                )
                self.function(decl, name=text(name) if name is not None else "", exported=True)
            elif decl.type in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    if d.type == "variable_declarator":
                        self._declarator(d, exported=True)
            else:
                self.statement(decl)
        elif value is not None:
            self.name_hint = ("default", True)
            self.expr(value)
            self.name_hint = None

    def _import(self, node: Node) -> None:
        source = string_value(node.child_by_field_name("source"))
        if source is None:
            return
        module = normalise_module(source)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.env[text(part)] = Value(qname=module)
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.env[text(ident)] = Value(qname=module)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.env[text(alias)] = Value(qname=f"{module}.{text(name)}")

    # ------------------------------------------------------------------------------- binding

    def bind(self, pattern: Node, value: Value) -> None:
        """Assign `value` to a variable or destructure it (`const { id } = req.query`)."""
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            name = text(pattern)
            if value.taint is not None:
                value = replace(
                    value,
                    taint=value.taint.with_step(self.file.step(pattern, f"assigned to {name}")),
                )
            self.env[name] = value
        elif kind == "object_pattern":
            for part in pattern.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    self.bind(part, self.member(value, text(part), part))
                elif part.type == "pair_pattern":
                    key, sub = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if key is not None and sub is not None:
                        name = string_value(key) or text(key)
                        self.bind(sub, self.member(value, name, key))
                elif part.type == "object_assignment_pattern":
                    left, right = (
                        part.child_by_field_name("left"),
                        part.child_by_field_name("right"),
                    )
                    if left is not None:
                        default = self.expr(right) if right is not None else EMPTY
                        self.bind(left, join(self.member(value, text(left), left), default))
                elif part.type == "rest_pattern":
                    for inner in part.named_children:
                        self.bind(inner, self._whole(value, part))
        elif kind == "array_pattern":
            for part in pattern.named_children:
                self.bind(part, tainted(value.taint))
        elif kind == "assignment_pattern":
            left, right = pattern.child_by_field_name("left"), pattern.child_by_field_name("right")
            if left is not None:
                default = self.expr(right) if right is not None else EMPTY
                self.bind(left, join(value, default))
        elif kind == "rest_pattern":
            for inner in pattern.named_children:
                self.bind(inner, value)
        elif kind in ("required_parameter", "optional_parameter"):
            self.bind(_param_pattern(pattern)[0], value)
        elif kind == "member_expression":
            obj = pattern.child_by_field_name("object")
            path_key = key_of(pattern)
            if path_key is not None:
                self.env[path_key] = value
            base = key_of(obj) if obj is not None else None
            if base is not None and value.taint is not None:  # obj.p = tainted taints obj
                old = self.env.get(base, EMPTY)
                self.env[base] = replace(old, taint=join_taint(old.taint, value.taint))
        elif kind in ("parenthesized_expression", "non_null_expression"):
            for inner in pattern.named_children:
                self.bind(inner, value)

    def _whole(self, value: Value, node: Node) -> Value:
        """Everything in a role object (`const { ...rest } = req.body`, `Object.assign({}, req)`)."""
        if value.role is None:
            return tainted(value.taint)
        role = self.models.roles.get(value.role)
        if role is None or not role.members:
            return EMPTY
        return Value(taint=Taint((self.file.step(node, f"source: {text(node)}"),)))

    # --------------------------------------------------------------------------- expressions

    def expr(self, node: Node) -> Value:
        kind = node.type
        if kind == "identifier":
            name = text(node)
            if name in self.env:
                return self.env[name]
            return EMPTY if name == "undefined" else Value(qname=name)
        if kind in ("string", "number", "regex", "true", "false", "null", "undefined"):
            return Value(text=string_value(node)) if kind == "string" else Value(text=text(node))
        if kind in ("this", "super"):
            return self.env.get(kind, Value(qname=kind))
        if kind == "template_string":
            parts = [
                self.expr(c) if c.type == "template_substitution" else Value(text=text(c))
                for c in node.named_children
                if c.type in ("template_substitution", "string_fragment", "escape_sequence")
            ]
            return self._concat(parts) if parts else Value(text="")
        if kind == "template_substitution":
            return join_all([self.expr(c) for c in node.named_children])
        if kind == "binary_expression":
            return self._binary(node)
        if kind in ("unary_expression", "update_expression"):
            for child in node.named_children:
                self.expr(child)
            return EMPTY
        if kind in (
            "parenthesized_expression",
            "as_expression",
            "satisfies_expression",
            "non_null_expression",
            "type_assertion",
            "await_expression",
            "spread_element",
            "yield_expression",
        ):
            inner = [c for c in node.named_children if not c.type.endswith("type")]
            inner = [c for c in inner if c.type not in ("type_identifier", "type_arguments")]
            return self.expr(inner[0]) if inner else EMPTY
        if kind == "ternary_expression":
            cond = node.child_by_field_name("condition")
            if cond is not None:
                self.expr(cond)
            branches = [node.child_by_field_name(n) for n in ("consequence", "alternative")]
            return join_all([self.expr(b) for b in branches if b is not None])
        if kind == "assignment_expression":
            return self._assign(node)
        if kind == "augmented_assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return EMPTY
            op = node.child_by_field_name("operator")
            parts = [self.expr(left), self.expr(right)]
            plus = op is not None and text(op) == "+="
            result = self._concat(parts) if plus else join_all(parts)
            self.bind(left, result)
            return result
        if kind == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            key = key_of(node)
            if key is not None and key in self.env:
                return self.env[key]
            if obj is None or prop is None:
                return EMPTY
            return self.member(self.expr(obj), text(prop), node)
        if kind == "subscript_expression":
            obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
            base = self.expr(obj) if obj is not None else EMPTY
            literal = string_value(index)
            if index is not None:
                self.expr(index)
            if literal is not None:
                return self.member(base, literal, node)
            return self._whole(base, node) if base.role else tainted(base.taint)
        if kind == "call_expression":
            return self.call(node)
        if kind == "new_expression":
            return self._new(node)
        if kind in FUNCTION_TYPES:
            hint, self.name_hint = self.name_hint, None
            name, exported = hint if hint is not None else ("", False)
            return self.function(node, name=name, exported=exported)
        if kind == "object":
            return self._object(node)
        if kind == "array":
            return tainted(join_taints([self.expr(c) for c in node.named_children]))
        if kind == "sequence_expression":
            values = [self.expr(c) for c in node.named_children]
            return values[-1] if values else EMPTY
        if kind in ("class", "class_declaration"):
            self._class(node)
            return EMPTY
        # JSX and anything else: evaluated for the functions inside; carries no taint of its own
        for child in node.named_children:
            if child.type not in ("comment", "property_identifier", "type_annotation"):
                self.expr(child)
        return EMPTY

    def _binary(self, node: Node) -> Value:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = node.child_by_field_name("operator")
        values = [self.expr(n) for n in (left, right) if n is not None]
        operator = text(op) if op is not None else ""
        if operator in _SCALAR_OPERATORS:
            return EMPTY
        if operator == "+" and values:
            return self._concat(values)
        return join_all(values)  # ||, &&, ??

    def _concat(self, parts: list[Value]) -> Value:
        """A string built from parts, the first of which decides where a redirect goes.

        A constant start with a path or a host ("/account/", "https://example.com/") and an
        untainted start of unknown content (`config.baseUrl + path`) both fix the origin: the
        client only chooses what follows. "/" or "" alone does not ("//evil.example").
        """
        taint = join_taints(parts)
        if taint is None:
            texts = [p.text for p in parts]
            known = all(t is not None for t in texts)
            return Value(text="".join(t or "" for t in texts)) if known else EMPTY
        first = parts[0]
        if first.taint is None:
            fixed = first.text is None or _SAFE_REDIRECT_PREFIX.match(first.text) is not None
        else:
            fixed = not first.taint.dirty_for("open-redirect")
        return tainted(taint.cleaned(_OPEN_REDIRECT) if fixed else taint)

    def _assign(self, node: Node) -> Value:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return EMPTY
        target = text(left)
        exported = target.startswith(("exports.", "module.exports."))
        self.name_hint = (target.rsplit(".", 1)[-1], exported)
        value = self.expr(right)
        self.name_hint = None
        self.bind(left, value)
        return value

    def _object(self, node: Node) -> Value:
        props: list[tuple[str, Value]] = []
        for child in node.named_children:
            if child.type == "pair":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and value is not None:
                    props.append((string_value(key) or text(key), self.expr(value)))
            elif child.type == "shorthand_property_identifier":
                props.append((text(child), self.expr_identifier(child)))
            elif child.type == "spread_element":
                for inner in child.named_children:
                    props.append(("...", self._whole(self.expr(inner), inner)))
            elif child.type == "method_definition":
                self.function(child, name="", exported=False)
        return Value(taint=join_taints([v for _, v in props]), props=tuple(props))

    def expr_identifier(self, node: Node) -> Value:
        name = text(node)
        return self.env.get(name, EMPTY)

    def member(self, value: Value, name: str, node: Node) -> Value:
        """`value.name`: a request member is a source; a module member has a qualified name."""
        if value.role is not None:
            role = self.models.roles.get(value.role)
            if role is None:
                return EMPTY
            if name in role.roles:
                return Value(role=role.roles[name])
            if name in role.members or role.whole:
                return Value(taint=Taint((self.file.step(node, f"source: {_source_text(node)}"),)))
            return EMPTY
        if value.props is not None:
            found = value.prop(name)
            if found is not None:
                return found
        if name == "length":
            return EMPTY
        qname = f"{value.qname}.{name}" if value.qname else None
        return Value(taint=value.taint, qname=qname)

    def _callee_name(self, fn: Node) -> str | None:
        fn = unwrap(fn)
        if fn.type == "identifier":
            name = text(fn)
            return self.env[name].qname if name in self.env else name
        if fn.type == "member_expression":
            obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
            base = self._callee_name(obj) if obj is not None else None
            if base is not None and prop is not None:
                return f"{base}.{text(prop)}"
        return None

    # --------------------------------------------------------------------------------- calls

    def call(self, node: Node) -> Value:
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if fn is None:
            return EMPTY
        if args_node is not None and args_node.type == "template_string":
            # a tagged template (sql`...${id}`) passes the values apart from the text
            substituted = self.expr(args_node)
            return substituted if self._callee_name(fn) == "String.raw" else EMPTY
        receiver: Value | None = None
        method: str | None = None
        receiver_text: str | None = None
        obj_key: str | None = None
        if fn.type == "member_expression":
            obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
            if obj is None or prop is None:
                return EMPTY
            obj_key = key_of(obj)
            receiver, method, receiver_text = self.expr(obj), text(prop), text(obj)
            callee = self.member(receiver, method, fn)
        else:
            callee = self.expr(fn)
        qname = callee.qname
        arg_nodes = arguments(args_node)
        if qname in ("require", "import") and arg_nodes:
            module = string_value(arg_nodes[0])
            if module is not None:
                return Value(qname=normalise_module(module))
        handler_roles = self._route_roles(method, arg_nodes)
        args = [self._argument(a, receiver, handler_roles) for a in arg_nodes]
        self._sinks(node, fn, qname, method, receiver_text, arg_nodes, args)
        if receiver is not None and receiver.role is not None and method is not None:
            role = self.models.roles.get(receiver.role)
            if role is not None and method in role.methods:
                message = f"source: {_source_text(fn)}()"
                return Value(taint=Taint((self.file.step(node, message),)))
        if method in self.models.to_receiver and receiver is not None and obj_key is not None:
            moved = join_taints(args)
            if moved is not None:  # rows.push(x): rows now holds x
                self.env[obj_key] = replace(receiver, taint=join_taint(receiver.taint, moved))
        if method == "join" and fn.type == "member_expression":
            elements = _array_elements(fn.child_by_field_name("object"))
            if elements is not None:  # ["/a?x=", q].join("") is "/a?x=" + q
                return self._concat([self.expr(e) for e in elements])
        if method in ("replace", "replaceAll") and receiver is not None:
            cleaned = _replacement_cleans(arg_nodes)
            if cleaned and receiver.taint is not None:
                return tainted(receiver.taint.cleaned(cleaned))
        rules = self.models.sanitizer_rules(qname, method, receiver_text)
        if rules:
            taint = join_taints(args)
            return tainted(taint.cleaned(rules) if taint is not None else None)
        if qname == "util.promisify" and args:
            return args[0]
        if qname in self.models.guards.normalisers:
            taint = join_taints(args)
            return tainted(taint.cleaned(frozenset({NORMALISED})) if taint is not None else None)
        if callee.func is not None:
            return self._apply_summary(node, callee, args)
        if receiver is not None and method in _SCALAR_METHODS:
            return EMPTY
        if receiver is not None and receiver.taint is None and method in self.models.lookups:
            return EMPTY
        parts = args if receiver is None else [receiver, *args]
        return tainted(join_taints([p for p in parts if p.func is None]))

    def _redirect_return(self, node: Node, value: Value) -> None:
        url = value.prop("url")
        taint = url.taint if url is not None else None
        if taint is not None and taint.trace and taint.dirty_for("open-redirect"):
            step = self.file.step(node, "sink: @Redirect() handler returns { url }")
            self.file.report("open-redirect", step, taint.trace)

    def _new(self, node: Node) -> Value:
        ctor = node.child_by_field_name("constructor")
        arg_nodes = arguments(node.child_by_field_name("arguments"))
        callee = self.expr(ctor) if ctor is not None else EMPTY
        args = [self._argument(a, None, None) for a in arg_nodes]
        if ctor is not None:
            self._sinks(node, ctor, callee.qname, None, None, arg_nodes, args)
        return Value(taint=join_taints(args), qname=callee.qname)

    def _route_roles(self, method: str | None, arg_nodes: list[Node]) -> tuple[str, ...] | None:
        """The parameter roles of handlers a route registration (`app.get(path, fn)`) passes."""
        handlers = self.models.handlers
        if method is None or method not in handlers.route_methods:
            return None
        funcs = [a for a in arg_nodes if self._function_node(a) is not None]
        options = [a for a in arg_nodes if a.type == "object"]
        if not funcs and not any(
            k in handlers.route_option_handlers for o in options for k in object_keys(o)
        ):
            return None
        first = self._function_node(funcs[0]) if funcs else None
        first_param = _params(first)[0] if first is not None and _params(first) else None
        koa_name = first_param is not None and text(first_param) in handlers.koa_param_names
        return handlers.koa_roles if self.file.koa or koa_name else handlers.request_roles

    def _function_node(self, node: Node) -> Node | None:
        node = unwrap(node)
        if node.type in FUNCTION_TYPES:
            return node
        if node.type == "identifier":
            value = self.env.get(text(node))
            return value.func if value is not None else None
        return None

    def _argument(
        self, node: Node, receiver: Value | None, handler_roles: tuple[str, ...] | None
    ) -> Value:
        """An argument's value; a function argument is analysed as a handler or a callback."""
        fnode = self._function_node(node)
        if fnode is not None and handler_roles is not None:
            self.handler(fnode, handler_roles)
            return self.expr(node) if node.type == "identifier" else Value(func=fnode)
        if fnode is not None and node.type != "identifier":
            params: list[Value] | None = None
            if receiver is not None and receiver.taint is not None and receiver.taint.trace:
                params = [tainted(receiver.taint)] * len(_params(fnode))  # tainted.map(x => ...)
            return self.function(fnode, name="", exported=False, params=params)
        if node.type == "object" and handler_roles is not None:
            for key, value in object_keys(node).items():
                target = self._function_node(value)
                if key in self.models.handlers.route_option_handlers and target is not None:
                    self.handler(target, handler_roles)
        return self.expr(node)

    def handler(self, fnode: Node, roles: tuple[str, ...]) -> None:
        """Analyse a route handler with its parameters bound to the framework's objects."""
        key = (*_key(fnode), tuple(roles))
        if key in self.file.handled:
            return
        self.file.handled.add(key)
        patterns = [_param_pattern(p)[0] for p in _params(fnode)]
        values = [self.role_value(r, n) for r, n in zip(roles, patterns, strict=False)]
        self.function(fnode, name="", exported=False, params=values, record=False)

    def role_value(self, role_name: str | None, param: Node) -> Value:
        """A parameter holding a role; a role that is client data as a whole is tainted too."""
        role = self.models.roles.get(role_name or "")
        if role is None or not role.whole:
            return Value(role=role_name)
        step = self.file.step(param, f"source: {_source_text(param)}")
        return Value(role=role_name, taint=Taint((step,)))

    # ----------------------------------------------------------------------------- functions

    def function(
        self,
        fnode: Node,
        *,
        name: str,
        exported: bool,
        params: list[Value] | None = None,
        record: bool = True,
        redirect: bool = False,
    ) -> Value:
        """Analyse a function body in a copy of this scope; returns the function as a value.

        `params` binds parameters explicitly (a handler's request objects); otherwise each is
        a request object by its name, type or the export it is (`export function GET`), or a
        symbolic parameter taint for the summary.
        """
        closure = dict(self.env)
        run = FunctionRun(self.file, closure)
        run.env["this"] = Value(qname="this")
        run.redirect = redirect
        roles = self._param_roles(fnode, name, exported) if params is None else None
        for index, param in enumerate(_params(fnode)):
            pattern, _type = _param_pattern(param)
            if params is not None:
                value = params[index] if index < len(params) else Value(taint=_param(index))
            elif roles is not None and index < len(roles) and roles[index] is not None:
                value = self.role_value(roles[index], param)
            else:
                value = Value(taint=_param(index))
            run.bind(pattern, value)
        body = fnode.child_by_field_name("body")
        if body is not None:
            if body.type == "statement_block":
                run.block(list(body.named_children))
            else:  # an arrow function's expression body
                run.summary.returns = run.expr(body).taint
        if record and params is None and self.file.summaries.get(_key(fnode)) is None:
            self.file.summaries[_key(fnode)] = run.summary
        return Value(func=fnode, closure=self.env)

    def _param_roles(self, fnode: Node, name: str, exported: bool) -> list[str | None] | None:
        handlers = self.models.handlers
        if exported and name in handlers.app_router_exports:
            return list(handlers.app_router_roles)
        if exported and name in handlers.exported_roles:
            return [handlers.exported_roles[name]]
        if exported and self._is_page_component(fnode):
            return [handlers.page_role]
        roles: list[str | None] = []
        for param in _params(fnode):
            pattern, type_text = _param_pattern(param)
            pname = _pattern_name(pattern)
            bare_type = type_text.split("<", 1)[0].strip()
            decorated = [handlers.param_decorators.get(d) for d in _decorators(param)]
            if any(decorated):  # NestJS: @Query() q, @Body() dto, @Req() req
                roles.append(next(r for r in decorated if r))
            elif pname in handlers.request_param_names or bare_type in handlers.request_param_types:
                roles.append(handlers.request_roles[0])
            elif bare_type in handlers.param_types:
                roles.append(handlers.param_types[bare_type])
            elif bare_type in handlers.koa_param_types or (
                self.file.koa and pname in handlers.koa_param_names
            ):
                roles.append(handlers.koa_roles[0])
            else:
                roles.append(None)
        if any(roles):
            return roles
        if exported and name in handlers.exported_handler_names:
            return list(handlers.exported_handler_roles)
        return None

    def _is_page_component(self, fnode: Node) -> bool:
        """`export default function Page({ searchParams })` in a Next.js page file."""
        handlers = self.models.handlers
        stem = PurePosixPath(self.file.path).name.split(".", 1)[0]
        params = _params(fnode)
        if stem not in handlers.page_files or not params:
            return False
        pattern = _param_pattern(params[0])[0]
        if pattern.type != "object_pattern":
            return False
        keys = {text(c.child_by_field_name("key") or c) for c in pattern.named_children}
        return bool(keys & handlers.page_prop_keys)

    def _apply_summary(self, node: Node, callee: Value, args: list[Value]) -> Value:
        fnode = callee.func
        if fnode is None:
            return EMPTY
        if any(a.role is not None for a in args) and self.file.depth < MAX_DEPTH:
            # a request object passed on: analyse the callee with it bound
            roles = tuple(a.role for a in args)
            key = (*_key(fnode), roles)
            if key not in self.file.handled:
                self.file.handled.add(key)
                self.file.depth += 1
                try:
                    FunctionRun(self.file, dict(callee.closure or self.env)).function(
                        fnode, name="", exported=False, params=args, record=False
                    )
                finally:
                    self.file.depth -= 1
        summary = self._summary(fnode, callee)
        call_step = self.file.step(
            node, f"passed to {_source_text(node.child_by_field_name('function') or node)}()"
        )
        for rule, index, sink in summary.param_sinks:
            taint = args[index].taint if index < len(args) else None
            if taint is None or not taint.dirty_for(rule):
                continue
            if taint.trace:
                self.file.report(rule, sink, taint.with_step(call_step).trace)
            for outer in taint.params:
                self.summary.param_sinks.append((rule, outer, sink))
        returned = summary.returns
        if returned is None:
            return EMPTY
        out: Taint | None = (
            Taint(returned.trace, frozenset(), returned.clean) if returned.trace else None
        )
        for index in sorted(returned.params):
            arg_taint = args[index].taint if index < len(args) else None
            if arg_taint is not None:
                cleaned = replace(arg_taint, clean=arg_taint.clean | returned.clean)
                out = join_taint(out, cleaned.with_step(call_step))
        return tainted(out)

    def _summary(self, fnode: Node, callee: Value) -> Summary:
        key = _key(fnode)
        if key in self.file.summaries:
            return self.file.summaries[key] or Summary()
        self.file.summaries[key] = None  # recursion: an empty summary while in progress
        run = FunctionRun(self.file, dict(callee.closure or self.env))
        run.function(fnode, name="", exported=False)
        found = self.file.summaries.get(key)
        return found or Summary()

    # --------------------------------------------------------------------------------- sinks

    def _sinks(
        self,
        node: Node,
        fn: Node,
        qname: str | None,
        method: str | None,
        receiver_text: str | None,
        arg_nodes: list[Node],
        args: list[Value],
    ) -> None:
        for sink in self.models.sinks:
            if not sink.call.matches(qname, method, receiver_text):
                continue
            for value in self._dangerous(sink, qname, arg_nodes, args):
                taint = value.taint
                if taint is None or not taint.dirty_for(sink.rule):
                    continue
                step = self.file.step(node, f"sink: {_source_text(fn)}()")
                self.file.sink_ends[(step.line, step.column)] = node.end_point[0] + 1
                if taint.trace:
                    self.file.report(sink.rule, step, taint.trace)
                for index in taint.params:
                    self.summary.param_sinks.append((sink.rule, index, step))

    def _dangerous(
        self, sink: Sink, qname: str | None, arg_nodes: list[Node], args: list[Value]
    ) -> list[Value]:
        """The argument values a sink must not receive tainted."""
        objects = [object_keys(unwrap(a)) for a in arg_nodes if unwrap(a).type == "object"]
        for keys in objects:
            option = keys.get(sink.unless_option or "")
            if option is not None and self.expr(option).taint is None:
                return []  # res.sendFile(p, { root }) confines p to root
        if sink.header is not None:
            first = string_value(arg_nodes[0]) if arg_nodes else None
            if first is None or first.lower() != sink.header:
                return []
        positions = list(sink.args)
        program = args[0].text if args else None
        by_shell = program is not None and program.rsplit("/", 1)[-1] in sink.shell_programs
        if by_shell or any(
            "shell" in keys and text(keys["shell"]) not in ("false", "undefined", "null")
            for keys in objects
        ):
            positions += sink.shell_args
        out: list[Value] = []
        for position in dict.fromkeys(p if p >= 0 else len(args) + p for p in positions):
            if not 0 <= position < len(args):
                continue
            if qname in sink.strings_only and self._function_node(arg_nodes[position]):
                continue
            value = args[position]
            if sink.properties and value.props is not None:
                out += [v for k, v in value.props if k in sink.properties or k == "..."]
            elif position in sink.shell_args and sink.shell_args and position not in sink.args:
                out.append(value)
            else:
                out.append(value)
        return out


def _decorators(param: Node) -> list[str]:
    """The names of a parameter's decorators (`@Query("id") id` -> ["Query"])."""
    return [_decorator_name(c) for c in param.children if c.type == "decorator"]


def _decorator_name(decorator: Node) -> str:
    inner = next((c for c in decorator.named_children if c.type != "comment"), None)
    if inner is not None and inner.type == "call_expression":
        inner = inner.child_by_field_name("function")
    return text(inner).rsplit(".", 1)[-1] if inner is not None else ""


def _param(index: int) -> Taint:
    return Taint(params=frozenset({index}))


def _source_text(node: Node) -> str:
    """Short source text for trace messages (one line, at most 60 characters)."""
    raw = " ".join(text(node).split())
    return raw if len(raw) <= 60 else raw[:57] + "..."


def _array_elements(node: Node | None) -> list[Node] | None:
    if node is None or unwrap(node).type != "array":
        return None
    return [c for c in unwrap(node).named_children if c.type != "comment"]


_WORD_CLASS = re.compile(r"^\[\^[\w\\-]*\]\+?$")  # [^a-zA-Z0-9_-]: all but word characters
_DOTS = re.compile(r"\\\.\\\.|\\\.\{2\}")


def _replacement_cleans(args: list[Node]) -> frozenset[str]:
    """What `s.replace(/pattern/g, "")` removes for good: `..` (path traversal), or everything
    outside a class of word characters (every rule)."""
    if len(args) < 2 or unwrap(args[0]).type != "regex":
        return frozenset()
    regex = unwrap(args[0])
    pattern = regex.child_by_field_name("pattern")
    flags = regex.child_by_field_name("flags")
    replacement = string_value(args[1])
    if pattern is None or flags is None or "g" not in text(flags) or replacement is None:
        return frozenset()
    if "." in replacement or "/" in replacement:
        return frozenset()
    source = text(pattern)
    if _WORD_CLASS.match(source) and "." not in source and "/" not in source:
        return frozenset({"*"})
    if _DOTS.search(source):
        return frozenset({"path-traversal"})
    return frozenset()
