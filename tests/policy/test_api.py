"""The public API of netgain.policy is pinned: removing or renaming a name is a deliberate change."""

from __future__ import annotations

import netgain.policy


def test_public_api_is_pinned() -> None:
    assert netgain.policy.__all__ == [
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
    for name in netgain.policy.__all__:
        assert getattr(netgain.policy, name) is not None
