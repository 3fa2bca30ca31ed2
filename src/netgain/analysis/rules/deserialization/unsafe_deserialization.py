"""Insecure deserialization (CWE-502): untrusted bytes into pickle-like loaders."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

INSECURE_DESERIALIZATION = rule_meta(
    id="insecure-deserialization",
    name="UntrustedDataDeserialized",
    family="deserialization",
    cwe=(502,),
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted data deserialized with an unsafe loader",
    doc="""
    ## What it does
    Follows untrusted data into `pickle`, `marshal`, `shelve`, `dill`, `jsonpickle`,
    `joblib`/`torch.load`, `pandas.read_pickle` and unsafe `yaml` loaders.

    ## Why is this bad?
    These formats rebuild arbitrary objects and call their constructors: a crafted payload runs
    code during loading (`__reduce__`).

    ## Example
    ```python
    obj = pickle.loads(request.data)
    ```

    ## Use instead
    Exchange data in a format without code (`json`), or sign the payload with a server key and
    verify it with `hmac.compare_digest` before loading.

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    """,
)
