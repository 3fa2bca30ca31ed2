"""`change.risk` and `change.risk_tier` in `netgain check`: facts, policy conditions, tiers."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

POLICY = """\
[risk]
medium = 0.0
high = 1.0

[[rules]]
name = "risky"
if = 'change.risk >= 0.0 && change.risk_tier == "medium"'
approvals = [{ count = 1 }]
"""


def test_check_exposes_risk_facts_and_conditions_use_them(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    base = r.commit({"netgain.toml": POLICY, "app.py": "X = 1\n"}, "Start", date=BASE_EPOCH)
    head = r.commit({"app.py": "X = 2\nY = 3\n"}, "Change", date=BASE_EPOCH + 60)
    proc = netgain(
        "check", "--base", base, "--head", head, "--format", "json", cwd=r.path, check=False
    )
    doc = json.loads(proc.stdout)
    facts = doc["facts"]
    assert isinstance(facts["risk"], float) and 0.0 < facts["risk"] < 1.0
    assert facts["risk_tier"] == "medium"  # every probability is >= medium = 0.0 here
    [risky] = [x for x in doc["rules"] if x["name"] == "risky"]
    assert risky["status"] != "skipped"  # the condition on change.risk held
    assert any(p["kind"] == "risk" and "default model" in p["message"] for p in doc["problems"])
