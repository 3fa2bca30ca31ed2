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


FINDINGS_MODEL = {
    "format": 1,
    "netgain": "test",
    "kind": "logistic",
    "features": ["findings_unknown", "findings"],
    "params": {"mean": [0.0, 0.0], "scale": [1.0, 1.0], "coef": [-2.0, 3.0], "intercept": 0.0},
    "calibration": {},
    "threshold": 0.5,
    "medians": [1.0, 0.0],
    "trained": {},
}


def test_check_hands_the_scan_findings_to_the_risk_model(tmp_path: Path) -> None:
    """A model on findings alone: unknown (no Python) 0.2, clean scan 0.5, one finding 0.89."""
    import math

    r = GitRepo(tmp_path / "r")
    model = r.path / ".netgain" / "risk-model.json"
    model.parent.mkdir(parents=True)
    model.write_text(json.dumps(FINDINGS_MODEL), encoding="utf-8")
    base = r.commit({"app.py": "X = 1\n"}, "Start", date=BASE_EPOCH)
    docs = r.commit({"README.md": "words\n"}, "Docs", date=BASE_EPOCH + 60)
    clean = r.commit({"app.py": "X = 2\n"}, "Clean", date=BASE_EPOCH + 120)
    flaw = r.commit(
        {"app.py": "import subprocess\n\nsubprocess.call(input(), shell=True)\n"},
        "Flaw",
        date=BASE_EPOCH + 180,
    )

    def risk(a: str, b: str) -> float:
        proc = netgain(
            "check", "--base", a, "--head", b, "--format", "json", cwd=r.path, check=False
        )
        doc = json.loads(proc.stdout)
        return float(doc["facts"]["risk"])

    def p(raw: float) -> float:
        return 1 / (1 + math.exp(-raw))

    assert risk(base, docs) == round(p(-2 * math.log(2)), 4)
    assert risk(docs, clean) == 0.5
    assert risk(clean, flaw) == round(p(3 * math.log(2)), 4)
