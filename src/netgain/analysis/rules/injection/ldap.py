"""LDAP injection (CWE-90): search filters built from input."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

LDAP_INJECTION = rule_meta(
    id="ldap-injection",
    name="LdapFilterBuiltFromInput",
    family="injection",
    cwe=(90,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="LDAP search filter built from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data into the filter of an LDAP search (`python-ldap` `search_s` and
    friends on a connection from `ldap.initialize`, `ldap3.Connection.search`).

    ## Why is this bad?
    Filter metacharacters (`*`, `(`, `)`, `|`, `&`) change the query: `*)(uid=*` matches every
    entry and can bypass an authentication lookup.

    ## Example
    ```python
    conn.search_s(base, ldap.SCOPE_SUBTREE, f"(uid={username})")
    ```

    ## Use instead
    Escape the value with `ldap.filter.escape_filter_chars` (or ldap3's `escape_filter_chars`):
    ```python
    conn.search_s(base, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})")
    ```

    ## References
    - [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
    - [OWASP LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    """,
)
