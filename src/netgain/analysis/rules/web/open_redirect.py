"""Open redirect (CWE-601): redirects to URLs taken from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

OPEN_REDIRECT = rule_meta(
    id="open-redirect",
    name="RedirectToInputUrl",
    family="web",
    cwe=(601,),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Redirect to a URL taken from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into the target of a redirect (`flask.redirect`, Django `redirect`
    and `HttpResponseRedirect`, Starlette `RedirectResponse`, aiohttp `HTTPFound`).

    ## Why is this bad?
    A link on a trusted domain that forwards to an attacker's site makes phishing convincing
    and can leak tokens carried in the URL.

    ## Example
    ```python
    return redirect(request.args["next"])
    ```

    ## Use instead
    Redirect to routes by name (`url_for`), or check the target with
    `url_has_allowed_host_and_scheme` before redirecting.

    ## References
    - [CWE-601: Open Redirect](https://cwe.mitre.org/data/definitions/601.html)
    """,
)
