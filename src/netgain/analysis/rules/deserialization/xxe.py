"""XML external entities (CWE-611): untrusted XML parsed by an entity-resolving parser.

A taint rule for lxml (sinks in `models/sinks.toml`), plus a pattern check for SAX parsers on
which external entities are switched back on: that setting is the flaw wherever the parser's
input comes from.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

XXE = rule_meta(
    id="xxe",
    name="UntrustedXmlParsedUnsafely",
    family="deserialization",
    cwe=(611,),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted XML parsed by a parser that resolves entities",
    doc="""
    ## What it does
    Follows untrusted data into XML parsers that resolve external entities: `lxml.etree`
    (`fromstring`, `XML`, `parse`, `iterparse`). `defusedxml` parsers and lxml parsers built
    with `resolve_entities=False` are not sinks, and neither are the standard library's parsers:
    `xml.etree` and `minidom` never expand external entities, and `xml.sax` / `xml.dom.pulldom`
    stopped processing them by default in Python 3.7.1. Turning them back on is reported where
    it happens: `parser.setFeature(feature_external_ges, True)` (or `feature_external_pes`, or
    the feature's URI) on a SAX parser. Nested internal entities in the standard parsers are
    `xml-entity-expansion`.

    ## Why is this bad?
    External entities read local files or reach internal URLs; nested entities ("billion
    laughs") exhaust memory.

    ## Example
    ```python
    root = lxml.etree.fromstring(request.data)
    ```

    ## Use instead
    ```python
    import defusedxml.ElementTree as ET
    root = ET.fromstring(request.data)
    ```

    ## References
    - [CWE-611: XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    - [Python docs: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
    """,
)


_EXTERNAL_FEATURES = frozenset(
    {
        "xml.sax.handler.feature_external_ges",
        "xml.sax.handler.feature_external_pes",
        "http://xml.org/sax/features/external-general-entities",
        "http://xml.org/sax/features/external-parameter-entities",
    }
)


@pattern_rule(XXE, ast.Call, names={"setFeature"})
def check_sax_external_entities(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "setFeature"
        and len(node.args) == 2
        and ctx.is_const(node.args[1], True)
    ):
        return
    feature = node.args[0]
    name = ctx.const(feature)
    if not isinstance(name, str):
        name = ctx.qualname(feature) if isinstance(feature, ast.Name | ast.Attribute) else ""
    if name in _EXTERNAL_FEATURES:
        yield PatternHit(
            XXE,
            node,
            "SAX parser set to resolve external entities: leave the feature off or use defusedxml",
            confidence=Confidence.HIGH,
        )
