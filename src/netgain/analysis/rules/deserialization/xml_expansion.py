"""XML entity expansion (CWE-776): untrusted XML given to a standard-library parser.

A taint rule (sinks in `models/sinks.toml`). External entities are `xxe`'s concern; this rule
is about nested internal entities ("billion laughs") and quadratic blow-up, which the standard
library's parsers expand unless the Expat they are linked against is 2.4.1 or newer.
"""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

XML_ENTITY_EXPANSION = rule_meta(
    id="xml-entity-expansion",
    name="UntrustedXmlEntityExpansion",
    family="deserialization",
    cwe=(776, 400),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Untrusted XML parsed by a parser that expands nested entities",
    doc="""
    ## What it does
    Follows data from requests and sockets into the standard library's XML parsers:
    `xml.etree.ElementTree` (`fromstring`, `XML`, `parse`, `iterparse`, `fromstringlist`),
    `xml.dom.minidom` and `xml.dom.pulldom` (`parse`, `parseString`), `xml.sax` (`parse`,
    `parseString`) and `xml.dom.expatbuilder`. `defusedxml` parsers are not sinks; lxml limits
    entity amplification itself and is covered by `xxe` for external entities.

    ## Why is this bad?
    A few hundred bytes of nested entity definitions ("billion laughs") expand to gigabytes in
    memory: one request takes the worker down. The Python documentation lists every standard
    parser as vulnerable unless the Expat library it uses is 2.4.1 or newer, which depends on
    the platform the code ends up running on (`pyexpat.EXPAT_VERSION`).

    ## Example
    ```python
    doc = xml.dom.minidom.parseString(request.data)
    ```

    ## Use instead
    ```python
    import defusedxml.minidom
    doc = defusedxml.minidom.parseString(request.data)
    ```

    ## References
    - [CWE-776: Improper Restriction of Recursive Entity References in DTDs](https://cwe.mitre.org/data/definitions/776.html)
    - [Python docs: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
    - [defusedxml](https://github.com/tiran/defusedxml)
    """,
)
