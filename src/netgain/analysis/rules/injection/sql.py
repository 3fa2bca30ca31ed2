"""SQL injection (CWE-89): sinks are DB-API cursors, SQLAlchemy, Django raw SQL and pandas."""

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta

SQL_INJECTION = rule_meta(
    id="sql-injection",
    name="SqlQueryBuiltFromInput",
    family="injection",
    cwe=(89,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="SQL query built from untrusted input",
    doc="""
    ## What it does
    Follows untrusted data (request fields, route parameters, CLI arguments, parameters of public
    functions without a caller) into the text of a SQL statement: `cursor.execute`,
    `executemany`, `executescript`, SQLAlchemy `text()` / `execute()`, Django `raw()`, `extra()`
    and `RawSQL`, and pandas `read_sql`.

    SQL text built by string operations (`+`, `%`, `str.format`, f-strings) from a value whose
    origin the analysis cannot see (a module global set elsewhere, an attribute, the result of
    an unmodelled call) is reported too, at low confidence, as a place to look: it does not
    fail `scan` or `check` unless `--fail-on-confidence low` is asked. The query methods of
    asyncpg and pg8000 (`fetch`, `fetchrow`, `fetchval`, `run`, `cursor`) are only judged this
    way. Numbers (`%d`, `int(...)`) and constants are not text of unknown origin.

    ## Why is this bad?
    Text concatenated into SQL is parsed as SQL: a value such as `' OR 1=1 --` changes the query,
    leaking or destroying data. Escaping by hand is easy to get wrong.

    ## Example
    ```python
    name = request.args["name"]
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    ```

    ## Use instead
    Bind parameters and keep the SQL text constant:
    ```python
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    ```

    ## References
    - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    - [OWASP SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    """,
)
