"""netgain.policy: the review gate.

`load_policy` reads and validates `netgain.toml` (or `[tool.netgain]`), `gather` computes a
change's facts, `decide` evaluates the rule tree, `route` suggests reviewers, and
`build_document` turns the result into the JSON document every output format renders.
"""

from netgain.policy.codeowners import Codeowners, load_codeowners, parse_codeowners
from netgain.policy.document import SCHEMA_VERSION, build_document
from netgain.policy.evaluate import Decision, RuleResult, decide
from netgain.policy.facts import ChangeContext, gather
from netgain.policy.model import Facts, sample_facts
from netgain.policy.routing import route
from netgain.policy.schema import Policy, load_policy, policy_from_config

__all__ = [
    "SCHEMA_VERSION",
    "ChangeContext",
    "Codeowners",
    "Decision",
    "Facts",
    "Policy",
    "RuleResult",
    "build_document",
    "decide",
    "gather",
    "load_codeowners",
    "load_policy",
    "parse_codeowners",
    "policy_from_config",
    "route",
    "sample_facts",
]
