"""Code injection (CWE-94): untrusted data evaluated as Python or JavaScript, or compiled as a
server-side template (CWE-1336)."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

CODE_INJECTION = rule_meta(
    id="code-injection",
    name="PythonCodeBuiltFromInput",
    family="injection",
    cwe=(94, 95, 1336),
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Code evaluated from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into `eval`, `exec` and `compile` (Python) and into `eval`,
    `Function`, `vm.runIn*Context`, `new vm.Script` and string `setTimeout` (JavaScript and
    TypeScript), and into the *source* of a server-side template: Flask's
    `render_template_string`, Jinja2's `Template` and `Environment.from_string`, Mako's
    `Template` (template injection; a sandboxed Jinja2 environment is not reported).

    ## Why is this bad?
    Evaluating input runs whatever the sender wrote, with the full power of the process:
    `__import__('os').system(...)` is one expression away. A template is code too:
    `{{ cycler.__init__.__globals__.os.popen('id').read() }}` in a Jinja2 source runs a command.

    ## Example
    ```python
    result = eval(request.args["expr"])
    ```

    ## Use instead
    Parse data with a data parser (`json.loads`, `ast.literal_eval` for Python literals) or map
    input to a fixed set of operations.
    ```python
    result = ast.literal_eval(request.args["expr"])
    ```

    ## References
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    - [CWE-1336: Server-Side Template Injection](https://cwe.mitre.org/data/definitions/1336.html)
    """,
)
