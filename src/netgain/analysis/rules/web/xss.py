"""Cross-site scripting (CWE-79): HTML built from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

XSS = rule_meta(
    id="xss",
    name="HtmlBuiltFromInput",
    family="web",
    cwe=(79,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="HTML built from untrusted input without escaping",
    doc="""
    ## What it does
    Follows untrusted data into HTML: a string returned by a Flask route (rendered as
    `text/html`), `render_template_string`, `Markup`, `mark_safe`, `HttpResponse`, WebOb and
    Pyramid `Response` bodies, HTML responses, and the body of an API Gateway / Lambda proxy
    response whose content type is HTML, unless it was escaped (`html.escape`,
    `markupsafe.escape`) on the way.

    Input formatted into markup (`'<a href="/u/%s">' % name`, an f-string with tags) and given
    to a template as a context value (`render(request, t, {"link": markup})`,
    `context["link"] = markup`, `render_template(t, link=markup)`) is reported at low
    confidence where the markup is built: a template escapes context values, so markup is only
    built to be printed raw (`|safe`), which the analysis does not read.

    ## Why is this bad?
    Markup in the input runs as script in the victim's browser, with their session: it can read
    the page, act as the user and steal tokens.

    ## Example
    ```python
    @app.route("/hello")
    def hello():
        return f"<h1>Hello {request.args['name']}</h1>"
    ```

    ## Use instead
    Render through an autoescaping template, or escape explicitly:
    ```python
    return f"<h1>Hello {escape(request.args['name'])}</h1>"
    ```

    ## References
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    """,
)
