"""`netgain policy replay` blames with `-M -C -C` unless `--exact-share` asks for the gate's
`-M -C -C -C`; the document says which, and stored facts never cross from one to the other.

The planted change is an AI commit that copies a 10-line block from an untouched file into a file
that already existed and adds 2 lines of its own: the gate's method finds the copy (2 AI lines),
the replay's cheaper one counts the block as new (12 AI lines). A policy escalating changes with
more than 5 AI lines tells the two apart through the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netgain.replay.run import WHOLE_TREE_FILES
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain
from tests.history.test_share_copy_search import BLOCK, OWN
from tests.policy.scenario import BOB, CLAUDE

POLICY = """\
[[rules]]
name = "many-ai-lines"
tier = "senior"
if = "change.ai_lines > 5"
approvals = [{ count = 1, roles = ["senior"] }]
"""


def replay(root: Path, policy: Path, *flags: str) -> dict[str, Any]:
    args = ["policy", "replay", "--no-szz", "--json", "--per-change", "--last", "1"]
    out = netgain(*args, "--policy", str(policy), *flags, cwd=root).stdout
    return dict(json.loads(out))


def test_exact_share_changes_the_blame_and_the_stored_facts_do_not_cross(
    tmp_path: Path,
) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"lib/util.py": BLOCK, "app.py": OWN}, "Start", author=BOB)
    repo.commit({"README.md": "readme\n"}, "Docs", author=BOB)
    repo.commit({"app.py": OWN + BLOCK + "x = 1\ny = 2\n"}, "Copy the helpers" + CLAUDE, author=BOB)
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    netgain("ingest", cwd=repo.path)

    cheap = replay(repo.path, policy)
    assert cheap["sources"]["ai_share"].startswith("git blame -M -C -C (")
    assert f"first {WHOLE_TREE_FILES} of a change: -M -C" in cheap["sources"]["ai_share"]
    assert cheap["per_change"][0]["policies"]["policy"]["tiers"] == ["senior"]
    # the method is stated once, not as a problem of every change
    assert not any("share-degraded" in p for p in cheap["per_change"][0]["problems"])

    exact = replay(repo.path, policy, "--exact-share")
    assert exact["sources"]["ai_share"].startswith("git blame -M -C -C -C (")
    assert exact["per_change"][0]["policies"]["policy"]["tiers"] == []
    # the cheap replay's stored facts were not reused by the exact one ...
    assert exact["timings"]["stored_facts"] == {"used": True, "gatherings": 1, "reused": 0}
    # ... and each method then finds its own
    for flags, expected in (((), ["senior"]), (("--exact-share",), [])):
        again = replay(repo.path, policy, *flags)
        assert again["timings"]["stored_facts"] == {"used": True, "gatherings": 1, "reused": 1}
        assert again["per_change"][0]["policies"]["policy"]["tiers"] == expected
