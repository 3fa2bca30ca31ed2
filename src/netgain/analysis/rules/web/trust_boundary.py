"""Trust boundary violation (CWE-501): untrusted input stored in the session."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

TRUST_BOUNDARY = rule_meta(
    id="trust-boundary-violation",
    name="InputStoredInSession",
    family="web",
    cwe=(501,),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input stored in the session",
    doc="""
    ## What it does
    Follows untrusted data into the session store (`flask.session[...] = ...`,
    `request.session[...] = ...`, `session.update(...)`).

    ## Why is this bad?
    Code that reads the session later trusts it as server-side state: a role, user id or flag
    copied from a request field lets the client set it.

    ## Example
    ```python
    session["role"] = request.form["role"]
    ```

    ## Use instead
    Store only values the server computed or verified (for example the id of the user that just
    authenticated), never raw request data.

    ## References
    - [CWE-501: Trust Boundary Violation](https://cwe.mitre.org/data/definitions/501.html)
    """,
)
