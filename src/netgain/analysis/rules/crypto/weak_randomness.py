"""Weak randomness (CWE-330): `random` values feeding tokens, keys, passwords and sessions.

A taint rule: `random.*` is a source of kind `random`, and names that look security-sensitive are
sinks for that kind only (see `models/sinks.toml`, `[[name_sink]]`).
"""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

WEAK_RANDOMNESS = rule_meta(
    id="weak-randomness",
    name="PredictableRandomForSecret",
    family="crypto",
    cwe=(330, 338),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Security-sensitive value generated with a predictable random generator",
    doc="""
    ## What it does
    Follows values produced by the `random` module (and `numpy.random`) into tokens, keys,
    passwords, salts, nonces, session ids and cookies: variables, attributes, dictionary keys
    and keyword arguments with such names, and the results of functions named like them.

    ## Why is this bad?
    `random` is a Mersenne Twister: after 624 outputs its whole future is predictable, and its
    seed is often guessable. Tokens built from it can be forged.

    ## Example
    ```python
    token = "".join(random.choice(ALPHABET) for _ in range(32))
    ```

    ## Use instead
    ```python
    token = secrets.token_urlsafe(32)
    ```

    ## References
    - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    - [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
    - [Python docs: secrets](https://docs.python.org/3/library/secrets.html)
    """,
)
