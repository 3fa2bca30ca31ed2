"""The rule families. Importing this package registers every rule in the central table.

A pattern rule registers its check with `registry.pattern_rule`, naming the node types it reads
and, for calls, attributes and assignments, the names it can fire on (callee names,
`keywords=`, `arguments=`; see `registry`'s docstring): the walk runs a check only on the nodes
whose names it declared. `tests/analysis/test_pattern_dispatch.py` runs the rule fixtures with
every declaration stripped and requires the same findings, so a rule that forgets a name fails.
"""

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
