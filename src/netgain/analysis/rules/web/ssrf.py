"""Server-side request forgery (CWE-918): outgoing requests to URLs built from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

SSRF = rule_meta(
    id="ssrf",
    name="OutgoingRequestToInputUrl",
    family="web",
    cwe=(918,),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Server-side request to a URL built from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into the URL or host of an outgoing request: `requests`, `httpx`,
    `urllib.request`, `aiohttp` and `urllib3` clients, `http.client` connections.

    ## Why is this bad?
    The server makes the request from inside the network: an attacker reaches internal services
    and cloud metadata endpoints (`http://169.254.169.254/`) that are not exposed to them.

    ## Example
    ```python
    return requests.get(request.args["url"]).text
    ```

    ## Use instead
    Build the URL from a fixed base and validate the input against an allow-list of hosts:
    ```python
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    ```

    ## References
    - [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
    """,
)
