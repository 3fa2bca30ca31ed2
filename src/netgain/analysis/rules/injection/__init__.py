"""Injection rules: untrusted data reaching an interpreter (SQL, shell, Python, LDAP, XPath, regular expressions)."""

from netgain.analysis.rules.injection import argument, code, command, ldap, redos, regex, sql, xpath

__all__ = ["argument", "code", "command", "ldap", "redos", "regex", "sql", "xpath"]
