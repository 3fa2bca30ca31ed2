"""Regular expression injection (CWE-1333 / CWE-730): a pattern compiled from untrusted input.

A taint rule: the pattern argument of `re` and `regex` functions is a sink for remote input
(see `models/sinks.toml`); `re.escape` clears it (`models/sanitizers.toml`).
"""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

REGEX_INJECTION = rule_meta(
    id="regex-injection",
    name="RegexPatternFromInput",
    family="injection",
    cwe=(1333, 730, 400),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Regular expression built from untrusted input (ReDoS)",
    doc="""
    ## What it does
    Follows data from requests and sockets into the *pattern* of `re.compile`, `re.match`,
    `re.search`, `re.fullmatch`, `re.findall`, `re.finditer`, `re.sub`, `re.subn`, `re.split`
    and the same functions of the `regex` module. The text searched is not a sink; a pattern
    passed through `re.escape` is clean. Command-line input is not reported (a tool that greps
    for what its operator typed is doing its job).

    ## Why is this bad?
    Python's `re` backtracks: a pattern such as `(a+)+$` takes exponential time on a short
    non-matching string, so one request can hold a worker for minutes (a ReDoS). A pattern from
    input also lets the client match things the code never meant to expose.

    ## Example
    ```python
    term = request.args["q"]
    hits = [t for t in titles if re.search(term, t)]
    ```

    ## Use instead
    Match the input literally, or bound the time with a linear-time engine (`re2`):
    ```python
    pattern = re.compile(re.escape(term), re.IGNORECASE)
    hits = [t for t in titles if pattern.search(t)]
    ```

    ## References
    - [CWE-1333: Inefficient Regular Expression Complexity](https://cwe.mitre.org/data/definitions/1333.html)
    - [CWE-730: OWASP Top Ten 2004 A9 - Denial of Service](https://cwe.mitre.org/data/definitions/730.html)
    - [OWASP: Regular expression Denial of Service](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
    """,
)
