"""XML external entities (CWE-611): untrusted XML parsed by an entity-resolving parser."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

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
    stopped processing them by default in Python 3.7.1.

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
