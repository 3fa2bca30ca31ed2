"""XPath injection (CWE-643): XPath expressions built from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

XPATH_INJECTION = rule_meta(
    id="xpath-injection",
    name="XPathBuiltFromInput",
    family="injection",
    cwe=(643,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="XPath expression built from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into the expression of `tree.xpath(...)` or `lxml.etree.XPath(...)`.

    ## Why is this bad?
    Quotes and predicates in the input rewrite the query (`' or '1'='1`), exposing nodes the
    code meant to hide or bypassing a lookup-based check.

    ## Example
    ```python
    tree.xpath(f"//user[@name='{name}']")
    ```

    ## Use instead
    Pass the value as an XPath variable, which is never parsed as XPath:
    ```python
    tree.xpath("//user[@name=$name]", name=name)
    ```

    ## References
    - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    """,
)
