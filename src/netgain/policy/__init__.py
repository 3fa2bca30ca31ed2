"""netgain.policy: the review gate.

`load_policy` reads and validates `netgain.toml` (or `[tool.netgain]`), `gather` computes a
change's facts, `decide` evaluates the rule tree, `route` suggests reviewers, and
`build_document` turns the result into the JSON document every output format renders.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgain.policy.codeowners import Codeowners, load_codeowners, parse_codeowners
    from netgain.policy.document import SCHEMA_VERSION, build_document
    from netgain.policy.evaluate import Decision, RuleResult, decide
    from netgain.policy.facts import ChangeContext, gather
    from netgain.policy.model import Facts, sample_facts
    from netgain.policy.routing import route
    from netgain.policy.schema import Policy, load_policy, policy_from_config

# Exported lazily: importing one light submodule (e.g. `netgain.policy.record` from metrics) must
# not load the CEL engine and the fact gatherers.
_EXPORTS = {
    "Codeowners": "codeowners",
    "load_codeowners": "codeowners",
    "parse_codeowners": "codeowners",
    "SCHEMA_VERSION": "document",
    "build_document": "document",
    "Decision": "evaluate",
    "RuleResult": "evaluate",
    "decide": "evaluate",
    "ChangeContext": "facts",
    "gather": "facts",
    "Facts": "model",
    "sample_facts": "model",
    "route": "routing",
    "Policy": "schema",
    "load_policy": "schema",
    "policy_from_config": "schema",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"netgain.policy.{module}"), name)


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
