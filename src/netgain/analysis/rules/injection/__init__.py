"""Injection rules: untrusted data reaching an interpreter (SQL, shell, Python, LDAP, XPath)."""

from netgain.analysis.rules.injection import code, command, ldap, sql, xpath

__all__ = ["code", "command", "ldap", "sql", "xpath"]
