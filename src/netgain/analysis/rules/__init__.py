"""The rule families. Importing this package registers every rule in the central table."""

from netgain.analysis.rules import auth, crypto, deserialization, files, injection, secrets, web
from netgain.analysis.rules.base import DOC_SECTIONS, RuleMeta, all_rules, get_rule, rule_meta

__all__ = [
    "DOC_SECTIONS",
    "RuleMeta",
    "all_rules",
    "auth",
    "crypto",
    "deserialization",
    "files",
    "get_rule",
    "injection",
    "rule_meta",
    "secrets",
    "web",
]
