"""Unsafe YAML loading (CWE-502): `yaml.load` without a safe loader, whatever the input."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, callee_names, pattern_rule

UNSAFE_YAML_LOAD = rule_meta(
    id="unsafe-yaml-load",
    name="UnsafeYamlLoad",
    family="deserialization",
    cwe=(502,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="YAML loaded with a loader that constructs arbitrary objects",
    doc="""
    ## What it does
    Flags `yaml.load` without a safe loader (`Loader=yaml.SafeLoader`/`CSafeLoader`/`BaseLoader`),
    and `yaml.unsafe_load` / `yaml.load(..., Loader=yaml.UnsafeLoader)`, regardless of where the
    data comes from; and ruamel.yaml's `YAML(typ="unsafe")`. A `yaml.load` on a local object
    (`yaml = YAML(typ="rt")`, ruamel's round-trip loader) is that object's method, not PyYAML's.

    ## Why is this bad?
    The full and unsafe loaders build arbitrary Python objects (`!!python/object/apply`), so a
    YAML document can run code. Files thought to be trusted are often not (uploads, caches,
    repositories of third parties).

    ## Example
    ```python
    config = yaml.load(stream)
    ```

    ## Use instead
    ```python
    config = yaml.safe_load(stream)
    ```

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [PyYAML: yaml.load(input) deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
    """,
)

_SAFE = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_UNSAFE = ("yaml.unsafe_load", "yaml.unsafe_load_all")
_LOADERS = ("yaml.load", "yaml.load_all")


@pattern_rule(
    UNSAFE_YAML_LOAD, ast.Call, names=callee_names(_UNSAFE, _LOADERS, ["ruamel.yaml.YAML"])
)
def check_yaml_load(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    if qual == "YAML" or (qual.startswith("ruamel.") and qual.endswith(".YAML")):
        if ctx.is_const(ctx.keyword(node, "typ"), "unsafe"):
            yield PatternHit(
                UNSAFE_YAML_LOAD,
                node,
                "ruamel.yaml YAML(typ='unsafe') constructs arbitrary objects",
            )
        return
    if qual not in _UNSAFE and qual not in _LOADERS:
        return
    if (
        isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and ctx.bound_here(node.func.value.id)
    ):
        return  # `yaml = YAML(); yaml.load(...)`: a local loader object, not the PyYAML module
    if qual in _UNSAFE:
        yield PatternHit(UNSAFE_YAML_LOAD, node, f"{qual}() constructs arbitrary Python objects")
        return
    loader = ctx.keyword(node, "Loader") or (node.args[1] if len(node.args) > 1 else None)
    if loader is not None and ctx.qualname(loader).rsplit(".", 1)[-1] in _SAFE:
        return
    yield PatternHit(
        UNSAFE_YAML_LOAD,
        node,
        f"{qual}() without a safe Loader constructs arbitrary Python objects",
    )
