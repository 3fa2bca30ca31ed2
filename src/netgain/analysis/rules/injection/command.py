"""OS command injection (CWE-78): shells and program launches built from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

COMMAND_INJECTION = rule_meta(
    id="command-injection",
    name="ShellCommandBuiltFromInput",
    family="injection",
    cwe=(78,),
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="OS command built from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into `os.system`, `os.popen`, the `os.exec*` / `os.spawn*` family,
    `subprocess` calls with `shell=True` (any part of the command) or without a shell (the
    program itself, element 0 of the argument list, or a string command), asyncio shells,
    Paramiko's `exec_command` and Airflow's `BashOperator(bash_command=...)`. Modules and functions reached by a literal name
    (`getattr(os, "system")`, `__import__("os")`, `importlib.import_module(...)`) are the same
    calls.

    Text a shell parses (`os.system`, `os.popen`, `shell=True`, a shell's `-c` command) whose
    origin the analysis cannot see (the result of an unmodelled call, a module global set
    elsewhere, an attribute) is reported too, at low confidence, as a place to look: it does not
    fail `scan` or `check` unless `--fail-on-confidence low` is asked. Constants, parameters,
    results of functions in the scanned code, and text passed through `shlex.quote` or a number
    conversion are not of unknown origin.

    ## Why is this bad?
    A shell interprets `;`, `|`, `$()` and backquotes: input such as `x; rm -rf ~` runs arbitrary
    commands with the service's privileges.

    ## Example
    ```python
    host = request.args["host"]
    os.system("ping -c 1 " + host)
    ```

    ## Use instead
    Pass an argument list without a shell, or quote with `shlex.quote` when a shell is required:
    ```python
    subprocess.run(["ping", "-c", "1", host], check=True)
    ```

    ## References
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    - [Python docs: subprocess security considerations](https://docs.python.org/3/library/subprocess.html#security-considerations)
    """,
)
