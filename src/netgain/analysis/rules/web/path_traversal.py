"""Path traversal (CWE-22): file system paths built from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

PATH_TRAVERSAL = rule_meta(
    id="path-traversal",
    name="FilePathBuiltFromInput",
    family="web",
    cwe=(22,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="File path built from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into file system operations: `open`, `os.remove` and friends,
    `shutil`, `pathlib.Path` reads and writes, `flask.send_file`, archive openers.

    ## Why is this bad?
    `../` sequences and absolute paths escape the intended directory: `../../etc/passwd` reads
    any file the service can read, and writes can overwrite code or configuration.

    ## Example
    ```python
    return open(os.path.join(UPLOADS, request.args["name"])).read()
    ```

    ## Use instead
    Reduce the name to a bare file name (`werkzeug.utils.secure_filename`, `os.path.basename`)
    or use `send_from_directory`, which refuses paths outside the directory:
    ```python
    return open(os.path.join(UPLOADS, secure_filename(request.args["name"]))).read()
    ```

    ## References
    - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    """,
)
