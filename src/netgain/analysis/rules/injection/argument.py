"""Argument injection (CWE-88): input that a program reads as an option of its command line."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

ARGUMENT_INJECTION = rule_meta(
    id="argument-injection",
    name="InputReadAsCommandOption",
    family="injection",
    cwe=(88,),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input passed where a program reads options",
    doc="""
    ## What it does
    Follows untrusted data into the argument list of a program started without a shell
    (`subprocess.run([...])`, `Popen`, `call`, `check_call`, `check_output`, `os.exec*v*`,
    `os.spawn*v*`): an element after the program and before a `--` separator that holds the
    input as it came. The program itself (element 0) is `command-injection`. An element built
    with a constant start (`"--url=" + url`, `f"refs/heads/{name}"`) is not reported: it
    cannot start with `-`.

    ## Why is this bad?
    No shell is involved, but the program parses its own options: a value such as
    `--upload-pack=touch /tmp/pwned` given to `git clone`, `-oProxyCommand=...` to `ssh` or
    `--checkpoint-action=exec=...` to `tar` runs commands of the attacker's choice.

    ## Example
    ```python
    url = request.args["url"]
    subprocess.run(["git", "clone", url], check=True)
    ```

    ## Use instead
    End the options with `--` (or reject values that start with `-`):
    ```python
    subprocess.run(["git", "clone", "--", url], check=True)
    ```

    ## References
    - [CWE-88: Argument Injection](https://cwe.mitre.org/data/definitions/88.html)
    - [Git: CVE-2017-1000117 (ssh:// URLs read as options)](https://nvd.nist.gov/vuln/detail/CVE-2017-1000117)
    """,
)
