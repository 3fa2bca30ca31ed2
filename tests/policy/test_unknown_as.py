"""A policy that does not reward missing evidence (issue 15, items 4 and 5).

Every change is judged on a real repository by `netgain check`: unmarked code in a design-doc
zone counts as AI for the gate (senior, design document, owner); unmarked code elsewhere does not;
the author's own `AI-Assisted: none` is declared-human in the figures but lifts no gate unless the
policy trusts claims; `[provenance] unknown_as` and a zone's `unknown_as` move the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netgain.cli.check import render_text
from netgain.errors import ConfigError
from netgain.policy.schema import load_policy
from netgain.report.markdown import render_markdown
from tests.policy.scenario import ADR, AUTH_CODE, BOB, ai_auth_change, base_repo, human_note
from tests.policy.test_check import check, rule, validate_document

APP_CODE = (
    "def main() -> None:\n    print('hello, world')\n\n\ndef bye() -> None:\n    print('bye')\n"
)
AUTH_LINES = AUTH_CODE.count("\n")


def statuses(doc: dict[str, Any]) -> dict[str, str]:
    return {r["name"]: r["status"] for r in doc["rules"]}


def test_unmarked_auth_change_needs_the_senior_and_a_design_document(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers", author=BOB)
    doc = check(repo, tmp_path, "Adds token helpers.", approved_by=["ada", "carol"])
    facts = doc["facts"]
    assert facts["measured_ai_share"] == 0.0 and facts["unknown_share"] == 1.0
    assert facts["provenance_coverage"] == 0.0
    assert facts["ai_share"] == 1.0 and facts["unknown_as_ai_lines"] == AUTH_LINES
    assert facts["design_doc_zones"] == ["auth"]
    [zone] = doc["zones"]
    assert (zone["unknown_as"], zone["ai_lines"], zone["gate_ai_lines"]) == ("ai", 0, AUTH_LINES)
    assert statuses(doc)["tiered-review"] == "pending"
    assert "missing 1 approval(s) from role senior" in rule(doc, "tiered-review")["reason"]
    checkpoint = rule(doc, "architectural-checkpoint")
    assert checkpoint["status"] == "blocked"
    assert "no human-written design document" in checkpoint["reason"]
    assert doc["verdict"] == "blocked"
    assert doc["provenance"]["evidence"] == {
        "line": 0,
        "commit": 0,
        "declared_human": 0,
        "none": AUTH_LINES,
    }
    validate_document(doc)
    text, markdown = render_text(doc), render_markdown(doc)
    assert "AI share: 0%" in text and "provenance coverage 0%" in text
    assert "counted as AI by the gate: 100%" in text
    assert "Counted as AI by the gate: **100%**" in markdown


def test_unmarked_change_elsewhere_needs_neither(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"src/app.py": APP_CODE}, "Say goodbye", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    facts = doc["facts"]
    assert facts["unknown_share"] == 1.0 and facts["ai_share"] == 0.0
    assert facts["design_doc_zones"] == []
    assert statuses(doc)["tiered-review"] == "skipped"
    assert statuses(doc)["architectural-checkpoint"] == "skipped"
    assert doc["verdict"] == "approved"
    validate_document(doc)


def test_a_no_ai_claim_is_declared_human_but_lifts_no_design_doc_gate(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    message = "Add token helpers\n\nAI-Assisted: none"
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, message, author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["ada", "carol"])
    facts = doc["facts"]
    # the figures count the claim as human ...
    assert facts["human_lines"] == AUTH_LINES and facts["declared_human_lines"] == AUTH_LINES
    assert facts["measured_ai_share"] == 0.0 and facts["provenance_coverage"] == 1.0
    # ... the gate in a design-doc zone does not take the author's word for it
    assert facts["ai_share"] == 1.0
    assert statuses(doc)["tiered-review"] == "pending"
    assert statuses(doc)["architectural-checkpoint"] == "blocked"


def test_a_policy_that_trusts_claims_lets_them_lift_the_gate(tmp_path: Path) -> None:
    from tests.policy.scenario import POLICY

    policy = POLICY + "\n[provenance]\ntrust_human_claims = true\n"
    repo = base_repo(tmp_path / "r", policy=policy)
    repo.branch("feature")
    message = "Add token helpers\n\nAI-Assisted: none"
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, message, author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["ada", "carol"])
    assert doc["facts"]["ai_share"] == 0.0
    assert doc["provenance"]["trust_human_claims"] is True
    assert statuses(doc)["tiered-review"] == "skipped"
    assert statuses(doc)["architectural-checkpoint"] == "skipped"
    # an unmarked commit is still unknown: trusting claims is not trusting silence
    repo.commit({"src/auth/more.py": "X = 1\n"}, "More", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["ada", "carol"])
    assert statuses(doc)["architectural-checkpoint"] == "blocked"


ZONE_UNKNOWN = """
[zones.auth]
paths = ["src/auth/**"]
design_doc = true
unknown_as = "unknown"
"""


def test_a_zone_may_keep_unknown_as_unknown(tmp_path: Path) -> None:
    from tests.policy.scenario import POLICY

    repo = base_repo(tmp_path / "r", policy=POLICY + ZONE_UNKNOWN)
    repo.branch("feature")
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["ada", "carol"])
    assert doc["facts"]["ai_share"] == 0.0 and doc["facts"]["design_doc_zones"] == []
    assert doc["zones"][0]["unknown_as"] == "unknown"
    assert statuses(doc)["architectural-checkpoint"] == "skipped"


def test_global_unknown_as_ai_sends_any_unmarked_change_to_the_senior(tmp_path: Path) -> None:
    from tests.policy.scenario import POLICY

    repo = base_repo(tmp_path / "r", policy=POLICY + '\n[provenance]\nunknown_as = "ai"\n')
    repo.branch("feature")
    repo.commit({"src/app.py": APP_CODE}, "Say goodbye", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    assert doc["facts"]["ai_share"] == 1.0 and doc["provenance"]["unknown_as"] == "ai"
    assert statuses(doc)["tiered-review"] == "pending"


def test_an_unmarked_design_document_does_not_count(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo, adr="unmarked")
    doc = check(repo, tmp_path, "Design: docs/adr/0001-tokens.md", approved_by=["ada", "sam"])
    [adr] = doc["design_documents"]
    assert not adr["accepted"]
    assert "lacks human evidence" in adr["reason"]
    assert rule(doc, "architectural-checkpoint")["status"] == "blocked"


def test_a_design_document_with_human_evidence_counts(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    sha = repo.commit({"docs/adr/0001-tokens.md": ADR}, "ADR: tokens", author=BOB)
    repo.notes_add("refs/notes/ai", sha, human_note("docs/adr/0001-tokens.md", 4))
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers", author=BOB)
    doc = check(repo, tmp_path, "Design: docs/adr/0001-tokens.md", approved_by=["ada", "sam"])
    [adr] = doc["design_documents"]
    assert adr["accepted"], adr["reason"]
    assert rule(doc, "architectural-checkpoint")["status"] == "approved"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[provenance]\nunknown_as = "maybe"\n', "provenance.unknown_as"),
        ('[zones.x]\npaths = ["a/**"]\nunknown_as = "human"\n', "zones.x.unknown_as"),
        ("[design_docs]\nunknown_as = 1\n", "design_docs.unknown_as"),
    ],
)
def test_bad_unknown_as_names_file_line_and_key(tmp_path: Path, text: str, key: str) -> None:
    (tmp_path / "netgain.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'netgain.toml'}:")
    assert f": {key}: " in str(info.value)
