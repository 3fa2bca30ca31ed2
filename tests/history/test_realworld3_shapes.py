"""Regressions of the third real-repository pass (docs/BENCHMARKS.md "Third pass").

Each test rebuilds, in a small real git repository, the shape that broke a command on a real
clone or on a probe of the same shape, and runs the CLI as a user would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain

# A latin-1 file name, as git stores it (byte 0xe9); Python reads it back surrogate-escaped.
LATIN1_NAME = "r\udce9sum\udce9.py"
SHOWN_NAME = "r\\xe9sum\\xe9.py"  # how every report spells it (netgain.text.storable)
FLAW = "import os\n\n\ndef run(request):\n    os.system(request.args['cmd'])\n"
SAFE = "import os\n\n\ndef run(request):\n    os.system('ls')\n"


def _latin1_named_flaw(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": SAFE, "crlf.py": SAFE.replace("\n", "\r\n")}, "base")
    repo.commit({LATIN1_NAME: FLAW}, "add a module with a latin-1 name")
    return repo


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab", "gitlab-codequality", "text"])
def test_scan_writes_every_format_for_a_file_name_that_is_not_utf8(
    tmp_path: Path, fmt: str
) -> None:
    """A latin-1 file name (chardet-style test data, old Windows projects): `scan` died with a
    UnicodeEncodeError in the scan cache (the name hashed as UTF-8) and, past it, when writing
    `--output` as UTF-8. The flaw in that file is still found and the report names the file the
    way netgain stores such names. Run twice: the second run reads the scan cache."""
    repo = _latin1_named_flaw(tmp_path)
    for _ in range(2):
        out = tmp_path / f"scan.{fmt}"
        proc = netgain(
            "scan", ".", "--format", fmt, "--output", str(out), cwd=repo.path, check=False
        )
        assert proc.returncode == 1, proc.stderr  # 1: findings, not a crash
        text = out.read_text(encoding="utf-8")
        spellings = (SHOWN_NAME, json.dumps(SHOWN_NAME)[1:-1], "r%E9sum%E9.py")  # SARIF: a URI
        assert any(name in text for name in spellings), text[:2000]
        if fmt != "text":
            json.loads(text)
    if fmt == "json":
        findings = json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))["findings"]
        assert [f["location"]["path"] for f in findings] == [SHOWN_NAME]


def test_the_gate_still_sees_a_flaw_in_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    """The escaped spelling is for output only: the gate matches findings to the changed files by
    their raw names, so a flaw added in a latin-1 named file still counts for the change."""
    repo = _latin1_named_flaw(tmp_path)
    proc = netgain(
        "check",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--format",
        "json",
        "--no-record",
        cwd=repo.path,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert len(result["findings"]) == 1
    assert result["verdict"] != "approved"
    # spelled as `scan` and the reports spell it, not as a lone surrogate escape (`\udce9`),
    # which strict JSON parsers reject
    assert "\\udc" not in proc.stdout
    assert result["findings"][0]["path"] == SHOWN_NAME
    assert SHOWN_NAME in [f["path"] for f in result["files"]]


def _bump_gitlink(repo: GitRepo, path: str, target: str, message: str) -> str:
    """Point the submodule at `path` to commit `target`, as `git submodule update` + commit do
    (the submodule's own repository is not needed: the parent stores only the commit id)."""
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{target},{path}")
    return repo.commit(None, message)


def test_a_submodule_bump_is_a_changed_path_for_zones_and_codeowners(tmp_path: Path) -> None:
    """tree-sitter/py-tree-sitter: dependabot's `build: bump tree_sitter/core from 7f53486 to
    3fc4cd2` changes only the gitlink, and `check` judged it as an empty change (no files, no
    paths), so a zone or a CODEOWNERS line covering the submodule never applied to the commit
    that swaps the code it brings in. It is now a changed path (a pinned dependency, `config`),
    in zones, in CODEOWNERS routing and in the file count; it has no lines to attribute."""
    repo = GitRepo(tmp_path / "r")
    policy = '[zones.vendored]\npaths = ["vendor/"]\nowners = ["@security"]\n'
    policy = "[people]\nteams = { security = ['sec1'] }\n\n" + policy
    repo.commit({"app.py": SAFE, "netgain.toml": policy, "CODEOWNERS": "/vendor/ @sec2\n"}, "base")
    _bump_gitlink(repo, "vendor/core", "1" * 40, "add the core submodule")
    bump = _bump_gitlink(repo, "vendor/core", "2" * 40, "build: bump vendor/core")
    proc = netgain(
        *("check", "--base", f"{bump}~1", "--head", bump, "--format", "json", "--no-record"),
        cwd=repo.path,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    result = json.loads(proc.stdout)
    assert [(f["path"], f["kind"]) for f in result["files"]] == [("vendor/core", "config")]
    assert result["facts"]["paths"] == ["vendor/core"]
    assert result["facts"]["files"] == 1
    assert [(z["zone"], z["files"]) for z in result["zones"]] == [("vendored", ["vendor/core"])]
    assert "sec1" in json.dumps(result["reviewers"])  # the zone's owners review the bump
    assert result["facts"]["lines_added"] == 0
    # the look-alike: a change beside the submodule that leaves it alone touches no zone
    other = repo.commit({"app.py": SAFE + "\n"}, "edit app")
    proc = netgain(
        *("check", "--base", f"{other}~1", "--head", other, "--format", "json", "--no-record"),
        cwd=repo.path,
        check=False,
    )
    result = json.loads(proc.stdout)
    assert result["facts"]["paths"] == ["app.py"] and not result["zones"]


def test_a_folder_replaced_by_a_submodule_with_an_absent_blob_below_it(tmp_path: Path) -> None:
    """pypa/pipenv as fetched: commit 401c7c1 deleted the folder `tests/pypi` (test wheels, some
    left out of the snapshot) and added a submodule at `tests/pypi`. `ingest`, and so every
    history command, exited 2 ("object 8d515c4... is not in the repository"): the safe path
    that skips absent blobs diffed the readable paths, and `tests/pypi` (the gitlink) as a
    pathspec also matched the folder's absent wheel. The commit is stored with the wheel as a
    missing-blob problem, and the gate's fallback diff of that commit completes too."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": SAFE}, "base")
    wheels = repo.commit(
        {"tests/pypi/django/Django.whl": b"PK\x03\x04" + bytes(range(256)) * 8}, "add wheels"
    )
    absent = repo.git("rev-parse", f"{wheels}:tests/pypi/django/Django.whl")
    repo.git("rm", "-q", "-r", "--cached", "tests/pypi")
    (repo.path / "tests" / "pypi" / "django" / "Django.whl").unlink()
    swap = _bump_gitlink(repo, "tests/pypi", "3" * 40, "Move the test index to a submodule")
    (repo.path / ".git" / "objects" / absent[:2] / absent[2:]).unlink()

    proc = netgain("ingest", ".", "--json", cwd=repo.path, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["commits_added"] == 3
    problems = [(p["kind"], p["path"]) for p in result["problems"]]
    assert ("missing-blob", "tests/pypi/django/Django.whl") in problems

    proc = netgain(
        *("check", "--base", f"{swap}~1", "--head", swap, "--format", "json", "--no-record"),
        cwd=repo.path,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    result = json.loads(proc.stdout)
    # the submodule is listed (its pointer needs no blob); the unreadable wheel is a problem
    assert result["facts"]["paths"] == ["tests/pypi"], result
    assert any(p["path"] == "tests/pypi/django/Django.whl" for p in result["problems"])


PEP758 = """\
import os

import jwt


def current_user(request):
    try:
        payload = jwt.decode(request.headers["token"], "k", algorithms=["HS256"])
    except InvalidTokenError, ValidationError:
        os.system(request.args["cmd"])
    return payload
"""


def test_python_3_14_except_without_parentheses_is_analysed(tmp_path: Path) -> None:
    """fastapi/full-stack-fastapi-template (`requires-python >=3.14`): its token check,
    `backend/app/api/deps.py`, uses PEP 758's `except InvalidTokenError, ValidationError:` and
    was reported 'syntax error: multiple exception types must be parenthesized', so nothing in
    the authentication dependency was analysed. It is analysed now; the look-alike `except A, B
    as e`, still invalid in 3.14, stays a syntax error."""
    (tmp_path / "deps.py").write_text(PEP758, encoding="utf-8")
    (tmp_path / "bad.py").write_text(
        PEP758.replace("ValidationError:", "ValidationError as e:"), encoding="utf-8"
    )
    proc = netgain("scan", ".", "--format", "json", "--no-cache", cwd=tmp_path, check=False)
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert [(u["path"], u["line"]) for u in result["unparsed"]] == [("bad.py", 9)]
    found = {(f["location"]["path"], f["location"]["line"]) for f in result["findings"]}
    assert ("deps.py", 10) in found
