"""The runner's environment: no prompts, no network, no user configuration leaking into output."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.errors import GitError
from netgain.git import (
    GitProblemError,
    blame_file,
    diff_between,
    git_env,
    iter_commit_diffs,
    iter_commits,
    ls_files,
    read_blob,
    read_notes,
    run_git,
)
from netgain.git.runner import git_command
from tests.gitrepo import GitRepo

HOSTILE_CONFIG = {
    "core.quotepath": "true",
    "i18n.logOutputEncoding": "ISO-8859-1",
    "log.showSignature": "true",
    "color.ui": "always",
    "color.diff": "always",
    "diff.noprefix": "true",
    "diff.mnemonicPrefix": "true",
    "diff.external": "/bin/false",
    "diff.renames": "false",
    "diff.relative": "true",
    "diff.interHunkContext": "20",
    "diff.suppressBlankEmpty": "true",
    "log.decorate": "full",
    "log.mailmap": "true",
    "core.abbrev": "7",
    "blame.showRoot": "false",
    "blame.markUnblamableLines": "true",
    "core.pager": "false",
}


def build(path: Path) -> tuple[GitRepo, list[str]]:
    repo = GitRepo(path)
    body = "".join(f"line {i}\n" for i in range(30))
    c1 = repo.commit(
        {"src/é x.py": body, "notes.txt": "n\n"}, "Café\n\nCo-authored-by: Zoë <z@x>\n"
    )
    changed = body.replace("line 3\n", "LINE 3\n").replace("line 9\n", "\nLINE 9\n")
    c2 = repo.commit({"src/é x.py": None, "src/renamed.py": changed}, "rename and edit")
    repo.notes_add("refs/notes/ai", c2, "note")
    return repo, [c1, c2]


def snapshot(repo: GitRepo, shas: list[str]) -> object:
    return (
        list(iter_commits(repo.path, ["HEAD"])),
        diff_between(repo.path, shas[0], shas[1]),
        dict(iter_commit_diffs(repo.path, shas)),
        blame_file(repo.path, "HEAD", "src/renamed.py"),
        read_notes(repo.path),
        ls_files(repo.path, "HEAD"),
    )


def test_user_configuration_does_not_change_results(tmp_path: Path) -> None:
    clean, shas = build(tmp_path / "clean")
    hostile, hostile_shas = build(tmp_path / "hostile")
    assert shas == hostile_shas
    for key, value in HOSTILE_CONFIG.items():
        hostile.git("config", key, value)
    (hostile.path / "src" / "sub").mkdir()
    assert snapshot(hostile, shas) == snapshot(clean, shas)


def test_environment_is_predictable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_DIR", "/somewhere/else/.git")
    monkeypatch.setenv("GIT_INDEX_FILE", "/tmp/other-index")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    env = git_env()
    assert "GIT_DIR" not in env and "GIT_INDEX_FILE" not in env
    assert env["LC_ALL"] == "C" and env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_NO_LAZY_FETCH"] == "1"
    assert env["GIT_ALLOW_PROTOCOL"] == ""
    cmd = git_command("/repo", "log", "--format=%H")
    assert cmd[:4] == ["git", "-C", "/repo", "--no-pager"] and cmd[-1] == "--format=%H"
    assert "protocol.allow=never" in cmd and "core.quotepath=off" in cmd
    assert cmd[cmd.index("log") + 1 : -1] == [
        "--no-textconv",
        "--no-ext-diff",
        "--no-show-signature",
    ]


def test_errors_carry_git_stderr(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"f": "1\n"}, "c")
    with pytest.raises(GitError, match=r"unknown revision|bad revision|ambiguous argument"):
        run_git(repo.path, "log", "no-such-rev")
    assert run_git(repo.path, "rev-parse", "--verify", "-q", "nope", ok_codes=(0, 1)) == b""


@pytest.mark.xfail(
    strict=True,
    reason="git 2.39 cannot switch off a configured blame.ignoreRevsFile; when that file does not "
    "exist every blame fails (blame_files reports it as a blame-failed problem)",
)
def test_missing_configured_ignore_revs_file_does_not_break_blame(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"f.py": "x\n"}, "c")
    repo.git("config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
    assert len(blame_file(repo.path, "HEAD", "f.py")) == 1


def test_configured_conversion_commands_are_never_run(tmp_path: Path) -> None:
    """A repository's .gitattributes can name a diff driver; a textconv or external diff
    configured for it must not run when netgain reads the repository."""
    repo = GitRepo(tmp_path / "r")
    marker = tmp_path / "ran"
    repo.commit({".gitattributes": "*.txt diff=evil\n", "a.txt": "1\n"}, "c1")
    c2 = repo.commit({"a.txt": "1\n2\n"}, "c2")
    repo.git("config", "diff.evil.textconv", f"touch {marker}; cat")
    repo.git("config", "diff.evil.command", f"touch {marker}; true")
    list(iter_commits(repo.path, ["HEAD"]))
    dict(iter_commit_diffs(repo.path, [c2]))
    diff_between(repo.path, "HEAD~1", "HEAD")
    blame_file(repo.path, "HEAD", "a.txt")
    assert not marker.exists()


@pytest.mark.parametrize(
    "option", ["--textconv", "--ext-diff", "--filters", "--show-signature", "--format=%G?"]
)
def test_options_that_run_the_repositorys_programs_are_refused(tmp_path: Path, option: str) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"--textconv": "a file with an awkward name\n"}, "c")
    with pytest.raises(GitError, match="refusing a git option that runs"):
        run_git(repo.path, "log", option, "HEAD")
    # after "--" the same word is a path
    assert run_git(repo.path, "log", "--format=%s", "HEAD", "--", "--textconv") == b"c\n"


def test_every_message_git_gives_for_an_absent_blob_names_it(tmp_path: Path) -> None:
    """A blob gone from a repository that is no partial clone (a mirror that dropped large
    files): each git command words it its own way, and each is one missing-blob problem naming
    the blob, never a generic failure. A blob read whole by `rev:path` is named too, although
    git's own message ("bad file") does not."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.txt": "a\n", "big.bin": b"\0" * 5000}, "init")
    oid = repo.git("rev-parse", "HEAD:big.bin")
    (repo.path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    outside = tmp_path / "out"
    for args in (
        ("log", "--numstat"),  # unable to read OID
        ("archive", "HEAD"),  # invalid object MODE OID for 'PATH' / cannot read 'OID'
        ("checkout-index", "-a", "-f", f"--prefix={outside}/"),  # ... sha1 file of PATH (OID)
    ):
        with pytest.raises(GitProblemError) as caught:
            run_git(repo.path, *args)
        assert caught.value.problem.kind == "missing-blob"
        assert oid in caught.value.problem.message, (args, caught.value.problem.message)
    with pytest.raises(GitProblemError) as caught:
        read_blob(repo.path, "HEAD", "big.bin")
    assert caught.value.problem.path == "big.bin" and oid in caught.value.problem.message
    assert read_blob(repo.path, "HEAD", "a.txt") == b"a\n"
    assert read_blob(repo.path, "HEAD", "nothing-here") is None
