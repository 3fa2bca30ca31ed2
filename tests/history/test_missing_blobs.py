"""Every history command completes on real partial clones, and missing blobs hide nothing silently.

The clones are made by git itself from a `file://` source that serves filters: `--filter=blob:limit`
(large files dropped, the common cheap CI clone) and `--filter=blob:none` (blobless). The change
that matters is a Claude-marked commit that adds Python lines next to a large generated file: its
Python lines must count as AI, and the large file must be one problem naming commit, path and blob,
whose lines are unknown, never 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain, netgain_json

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def _big(tag: str) -> str:
    return "".join(f"{tag} row {i} {'x' * 40}\n" for i in range(3000))  # ~150 KB


@pytest.fixture
def origin(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "origin")
    repo.commit({"app.py": "def f():\n    return 1\n", "data.csv": _big("a")}, "init")
    repo.tag("v1")
    repo.commit(
        {"app.py": "def f():\n    return 2\n\n\ndef g():\n    return 3\n", "data.csv": _big("b")},
        "Add g" + CLAUDE,
    )
    repo.commit({"app.py": "def f():\n    return 4\n\n\ndef g():\n    return 3\n"}, "Fix bug in f")
    repo.commit({"data.csv": _big("c"), "README.md": "hi\n"}, "Refresh data")
    return repo


def test_every_command_completes_on_a_blob_limited_clone(origin: GitRepo, tmp_path: Path) -> None:
    clone = origin.clone(tmp_path / "clone", "--filter=blob:limit=50k")
    missing = clone.git("rev-list", "--objects", "--missing=print", "--all")
    missing_ids = sorted(line[1:] for line in missing.splitlines() if line.startswith("?"))
    assert len(missing_ids) == 2  # data.csv a and b (c is checked out)

    ingest = netgain("ingest", cwd=clone.path)
    assert "missing-blob" in ingest.stderr and "data.csv" in ingest.stderr

    prov = netgain_json("provenance", "HEAD", cwd=clone.path)
    by_subject = {c["subject"]: c for c in prov["commits"]}
    claude = by_subject["Add g"]
    assert claude["added"]["ai"] == 5  # app.py: 1 changed + 4 new, although data.csv is missing
    problems = [p for p in prov["problems"] if p["kind"] == "missing-blob"]
    assert {(p["sha"][:7], p["path"]) for p in problems} >= {(claude["sha"][:7], "data.csv")}
    assert all(any(oid in p["message"] for oid in missing_ids) for p in problems)
    text = netgain("provenance", "HEAD", cwd=clone.path)
    assert "data.csv: blob" in " ".join((text.stdout + text.stderr).split())

    share = netgain_json("share", "v1..HEAD", cwd=clone.path)
    assert share["complete"] is False and share["unavailable_files"] == ["data.csv"]
    files = {f["path"]: f for f in share["files"]}
    assert files["app.py"]["ai_lines"] == 4 and files["app.py"]["total_lines"] == 5
    share_text = netgain("share", "v1..HEAD", cwd=clone.path)
    assert "INCOMPLETE: 1 file(s) could not be blamed" in " ".join(share_text.stdout.split())

    szz = json.loads(netgain("szz", "HEAD~1", "--json", cwd=clone.path).stdout)
    assert next(iter(szz.values())) == [claude["sha"]]
    netgain("risk", "train", cwd=clone.path)
    gate = netgain(
        "check", "--base", "v1", "--head", "HEAD", "--format", "json", cwd=clone.path, check=False
    )
    assert gate.returncode in (0, 1), gate.stderr
    assert any(p["path"] == "data.csv" for p in json.loads(gate.stdout)["problems"])
    scan = netgain("scan", ".", cwd=clone.path, check=False)
    assert scan.returncode in (0, 1)
    diff_scan = netgain(
        "scan", "--diff", "v1", ".", "--format", "json", cwd=clone.path, check=False
    )
    assert diff_scan.returncode in (0, 1), diff_scan.stderr
    degraded = [p for p in json.loads(diff_scan.stdout)["problems"] if p["kind"] == "diff-degraded"]
    assert [p["path"] for p in degraded] == ["data.csv"]
    # nothing was fetched behind the user's back
    again = clone.git("rev-list", "--objects", "--missing=print", "--all")
    assert sorted(line[1:] for line in again.splitlines() if line.startswith("?")) == missing_ids


def test_a_blobless_clone_says_what_to_do(origin: GitRepo, tmp_path: Path) -> None:
    clone = origin.clone(tmp_path / "clone", "--filter=blob:none")
    proc = netgain("share", "v1..HEAD", cwd=clone.path)
    message = " ".join(proc.stderr.split())
    assert "blobless partial clone (--filter=blob:none)" in message
    assert "--filter=blob:limit=1m" in message
    netgain("provenance", "HEAD", cwd=clone.path)


def test_a_history_whose_binaries_were_dropped(tmp_path: Path) -> None:
    """A mirror that dropped large files: the objects are simply gone (no promisor remote)."""
    repo = GitRepo(tmp_path / "r")
    repo.commit(
        {"app.py": "A = 1\n", "logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40}, "init"
    )
    repo.commit(
        {"app.py": "A = 1\nB = 2\n", "logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(255)) * 40},
        "B" + CLAUDE,
    )
    repo.commit({"app.py": "A = 1\nB = 3\n"}, "Fix B")
    old_logo = repo.git("rev-parse", "HEAD~2:logo.png")
    (repo.path / ".git" / "objects" / old_logo[:2] / old_logo[2:]).unlink()
    prov = netgain_json("provenance", "HEAD", cwd=repo.path)
    claude = next(c for c in prov["commits"] if c["subject"] == "B")
    assert claude["added"]["ai"] == 1
    assert any(p["path"] == "logo.png" and old_logo in p["message"] for p in prov["problems"])
    share = netgain_json("share", "HEAD", cwd=repo.path)
    assert {f["path"] for f in share["files"]} == {"app.py"}


def test_the_gate_never_calls_unreadable_code_clean(tmp_path: Path) -> None:
    """A changed Python file whose base blob is missing was not analysed: security-scan must not
    approve it, and it says why."""
    origin = GitRepo(tmp_path / "origin")
    generated = "".join(f"TABLE_{i} = {i}\n" for i in range(6000))  # ~80 KB of Python
    origin.commit({"gen.py": generated, "app.py": "X = 1\n"}, "init")
    origin.tag("v1")
    origin.commit({"gen.py": generated + "EXTRA = 1\n", "app.py": "X = 2\n"}, "grow")
    clone = origin.clone(tmp_path / "clone", "--filter=blob:limit=50k")
    proc = netgain(
        "check",
        "--base",
        "v1",
        "--head",
        "HEAD",
        "--approved-by",
        "ada",
        "--format",
        "json",
        cwd=clone.path,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    scan_rule = next(r for r in doc["rules"] if r["name"] == "security-scan")
    assert scan_rule["status"] == "pending"
    assert "gen.py: not analysed — its content is missing" in scan_rule["reason"]
    assert doc["verdict"] == "pending"
    assert [u["path"] for u in doc["unparsed_files"]] == ["gen.py"]


def test_a_dropped_blob_read_whole_is_a_problem_not_an_error(tmp_path: Path) -> None:
    """git's `cat-file blob REV:PATH` says only "bad file" for a blob gone from a repository that
    is no partial clone (no object id, unlike a partial clone's "could not fetch"). The gate reads
    whole files at base and head (configuration, workflows); one such absent file is a problem,
    and the change is still judged. The same range deletes the policy file: a deletion whose blob
    is present still counts when some other file's blob is gone."""
    repo = GitRepo(tmp_path / "r")
    workflow = ".github/workflows/gate.yml"
    files = {"app.py": "A = 1\n", workflow: "run: netgain check\n# " + "x" * 4000}
    repo.commit({**files, "netgain.toml": "[gate]\n"}, "init")
    repo.tag("v1")
    repo.commit(
        {"app.py": "A = 2\n", workflow: "run: netgain check --brief\n", "netgain.toml": None},
        "tweak gate",
    )
    old = repo.git("rev-parse", f"v1:{workflow}")
    repo.git("repack", "-a", "-d", "-q")  # nothing loose: drop the blob from a packed history
    repo.git("cat-file", "-e", old)
    _drop_from_pack(repo, old)
    proc = netgain(
        "check", "--base", "v1", "--head", "HEAD", "--format", "json", cwd=repo.path, check=False
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["policy_files_changed"] == [
        workflow,
        "netgain.toml",
    ]  # unreadable: assumed to matter
    problems = [p for p in doc["problems"] if p["kind"] == "missing-blob"]
    # one per (commit, path, blob): the two commits that wrote it, and the range's diff
    assert {(p["path"], old in p["message"]) for p in problems} == {(workflow, True)}
    assert any("its changes in" in p["message"] for p in problems)


def _drop_from_pack(repo: GitRepo, oid: str) -> None:
    """Rewrite the repository's objects without `oid` (what a mirror that drops files serves)."""
    every = repo.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split()
    keep = "".join(f"{o}\n" for o in every if o != oid)
    pack_dir = repo.path / ".git" / "objects" / "pack"
    old_packs = list(pack_dir.iterdir())
    repo.git("pack-objects", "-q", str(pack_dir / "pack"), input=keep)
    for path in old_packs:
        path.unlink()
    assert oid not in repo.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)")


def test_a_missing_blob_in_another_language_is_not_analysed_either(tmp_path: Path) -> None:
    """A changed TypeScript file whose content a partial clone lacks holds the scan pending; a
    missing image, or a missing file the change deleted, does not."""
    origin = GitRepo(tmp_path / "origin")
    generated = "".join(f"export const TABLE_{i} = {i};\n" for i in range(4000))  # ~120 KB
    image = bytes(range(256)) * 400  # ~100 KB of data
    origin.commit({"gen.ts": generated, "old.ts": generated, "app.py": "X = 1\n"}, "init")
    origin.tag("v1")
    origin.git("rm", "-q", "old.ts")
    origin.commit(
        {"gen.ts": generated + "export const EXTRA = 1;\n", "logo.png": image, "app.py": "X = 2\n"},
        "grow",
    )
    clone = origin.clone(tmp_path / "clone", "--filter=blob:limit=50k")
    proc = netgain(
        "check", "--base", "v1", "--head", "HEAD", "--approved-by", "ada", "--format", "json",
        cwd=clone.path, check=False,
    )  # fmt: skip
    doc = json.loads(proc.stdout)
    assert doc["facts"]["unanalysed_files"] == ["gen.ts"], proc.stdout
    scan_rule = next(r for r in doc["rules"] if r["name"] == "security-scan")
    assert scan_rule["status"] == "pending"
    assert "gen.ts: not analysed — its content is missing" in scan_rule["reason"]
    # nor were its code signals searched, and the document says so
    assert [(u["path"], u["line"]) for u in doc["unparsed_for_signals"]] == [("gen.ts", None)]
