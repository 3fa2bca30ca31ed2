"""`Fixes:` lines: the commit form only (issue numbers, URLs and words are not shas), and a name
is taken only when git resolves it unambiguously to a proper ancestor of the fix."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

from netgain.szz import find_inducing
from netgain.szz.trailers import cited_names
from tests.gitrepo import GitRepo, run
from tests.history.conftest import netgain


def test_commit_form_is_read_and_other_forms_are_not() -> None:
    message = (
        "net: fix a leak\n\n"
        'Fixes: 1f2e3d4c5b6a ("net: add the pool")\n'
        "fixes: commit ABCDEF12 (x)\n"
        'Fixes: 1f2e3d4c5b6a ("net: add the pool")\n'  # repeated: counted once
        "Fixes: #1234\n"
        "Fixes: https://bugs.example.org/1234567\n"
        "Fixes: 1234567-crash\n"
        "Fixes: deadbeefcafe0_x\n"
        "  Fixes: 0badc0de (indented: not a trailer line)\n"
        "Signed-off-by: A <a@example.com>\n"
    )
    assert cited_names(message) == ["1f2e3d4c5b6a", "abcdef12"]


def _commit_body(tree: str, parent: str, message: str) -> bytes:
    stamp = b"1704067260 +0000"
    who = b"Ada Lovelace <ada@example.com> " + stamp
    return (
        f"tree {tree}\nparent {parent}\n".encode()
        + b"author "
        + who
        + b"\ncommitter "
        + who
        + b"\n\n"
        + message.encode()
    )


def _two_commits_sharing_a_prefix(r: GitRepo) -> tuple[str, str]:
    """Two commits on HEAD whose shas share their first 7 hex digits (a birthday search over
    commit messages, ~20,000 hashes); HEAD moves to the first, a tag keeps the second."""
    tree, parent = r.git("rev-parse", "HEAD^{tree}"), r.head()
    seen: dict[str, bytes] = {}
    for n in itertools.count():
        body = _commit_body(tree, parent, f"Note {n}\n")
        sha = hashlib.sha1(b"commit %d\0" % len(body) + body, usedforsecurity=False).hexdigest()
        other = seen.setdefault(sha[:7], body)
        if other is not body:
            break
    first = r.git("hash-object", "-t", "commit", "-w", "--stdin", input=other)
    second = r.git("hash-object", "-t", "commit", "-w", "--stdin", input=body)
    assert first[:7] == second[:7] and first != second
    r.update_ref("refs/heads/main", first)
    r.tag("kept", second)
    return first, second


def test_an_ambiguous_name_is_not_taken_and_an_unambiguous_abbreviation_is(
    tmp_path: Path,
) -> None:
    """`Fixes:` names an ancestor by 7 digits that another commit shares: git cannot say which
    is meant, so the fix is blamed; 12 digits of the same commit are its answer."""
    r = GitRepo(tmp_path / "r")
    r.commit({"other.py": "OTHER = 1\n"}, "Add other")
    named, _ = _two_commits_sharing_a_prefix(r)
    bug = r.commit({"calc.py": "RATE = 10\n"}, "Add rate")
    ambiguous = r.commit({"calc.py": "RATE = 100\n"}, f'Fix rate\n\nFixes: {named[:7]} ("x")\n')
    clear = r.commit({"calc.py": "RATE = 1000\n"}, f'Fix it again\n\nFixes: {named[:12]} ("x")\n')
    lookup = run(r.path, "cat-file", "-t", named[:7], check=False)
    assert lookup.returncode != 0 and b"ambiguous" in lookup.stderr
    [a, c] = find_inducing(r.path, [ambiguous, clear])
    assert a.inducing == [bug]
    assert [e.reason for e in a.candidates[0].evidence] == ["changed"]
    assert c.inducing == [named]


def test_a_descendant_or_a_short_name_is_not_taken(tmp_path: Path) -> None:
    """A trailer naming the fix itself's descendant (a later commit, as a cherry-pick onto an
    older branch may) or fewer than 7 digits names nothing blame could find: blame decides."""
    r = GitRepo(tmp_path / "r")
    bug = r.commit({"calc.py": "RATE = 10\n"}, "Add rate")
    fix = r.commit({"calc.py": "RATE = 100\n"}, "Fix rate")
    later = r.commit({"other.py": "X = 1\n"}, "Later")
    r.git("checkout", "-q", "-b", "old", bug)
    pick = r.commit({"calc.py": "RATE = 100\n"}, f"Fix rate\n\nFixes: {later[:12]}\n")
    short = r.commit({"calc.py": "RATE = 7\n"}, f"Tune rate\n\nFixes: {pick[:6]}\n")
    results = find_inducing(r.path, [pick, short, fix])
    assert [x.inducing for x in results] == [[bug], [pick], [bug]]
    assert all(e.reason == "changed" for x in results for e in x.candidates[0].evidence)


def test_cli_takes_the_trailer_and_no_trailers_blames(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    other = r.commit({"other.py": "OTHER = 1\n"}, "Add other")
    bug = r.commit({"calc.py": "RATE = 10\n"}, "Add rate")
    fix = r.commit({"calc.py": "RATE = 100\n"}, f'Fix rate\n\nFixes: {other[:12]} ("Add other")\n')
    told = json.loads(netgain("szz", "HEAD", "--json", "--no-store", cwd=r.path).stdout)
    blind = json.loads(
        netgain("szz", "HEAD", "--json", "--no-store", "--no-trailers", cwd=r.path).stdout
    )
    assert told == {fix: [other]}
    assert blind == {fix: [bug]}
    b = netgain("szz", "HEAD", "--json", "--no-store", "--variant", "b", cwd=r.path).stdout
    assert json.loads(b) == {fix: [bug]}  # the literature variants never read a message
