"""git never runs the repository's programs (issue 10, item 3), end to end through the CLI.

A repository's `.git/config` and `.gitattributes` can make git run programs: textconv and
external diff drivers, clean/smudge/process filters, an fsmonitor, hooks, a pager, a gpg program,
a submodule's own drivers, and a transport command when a partial clone fetches a missing object.
Two repositories here configure every one of them; each program is a shell script that appends
to a marker file named after its kind. netgain's commands run first, on both repositories, and
must leave no marker. Then, per kind, plain git run on a copy of the same repository must create
that kind's marker: the configuration really is live, so the first assertion cannot pass merely
because nothing was set up. docs/RELIABILITY.md lists the rows.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netgain.git import LineRange, diff_between
from netgain.git import git_env as netgain_git_env
from netgain.git.runner import git_command
from tests.gitrepo import GitRepo, git_env
from tests.history.conftest import netgain

# Every hook git 2.39 knows (githooks(5)); each is installed and records its name when run.
HOOKS = (
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "fsmonitor-watchman",
    "p4-changelist",
    "p4-prepare-changelist",
    "p4-post-changelist",
    "p4-pre-submit",
    "post-index-change",
)


@dataclass
class Armed:
    """A repository wired to run programs, the markers they leave, and what netgain did."""

    repo: Path
    markers: Path
    revs: dict[str, str]
    outputs: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    left_by_netgain: set[str] = field(default_factory=set)


def program(bin_dir: Path, markers: Path, kind: str, then: str) -> str:
    """A script that records its kind and arguments, then does `then` (cat, exit 0, ...)."""
    path = bin_dir / kind
    path.write_text(f'#!/bin/sh\necho "$0 $*" >> {markers / kind}\n{then}\n')
    path.chmod(0o755)
    return str(path)


def plain_git(cwd: Path, *args: str, tty: bool = False) -> None:
    """git as a user types it: no netgain options, only the test's isolation from ~/.gitconfig.

    With `tty`, stdout is a terminal, the one case where git starts a pager.
    """
    env = git_env()
    env.pop("PAGER", None)
    if not tty:
        subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, timeout=60, check=False
        )
        return
    leader, follower = pty.openpty()
    try:
        subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**env, "TERM": "dumb"},
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)


def netgain_commands(revs: dict[str, str], scan_base: str) -> dict[str, tuple[str, ...]]:
    """netgain's commands that read a repository, on the range base..HEAD and its fix commit."""
    base, fix = revs["base"], revs["fix"]
    return {
        "ingest": ("ingest",),
        "provenance": ("provenance", f"{base}..HEAD", "--json"),
        "share": ("share", f"{base}..HEAD", "--json"),
        "szz": ("szz", fix, "--json", "--no-store"),
        "szz-git": ("szz", fix, "--json", "--no-store", "--engine", "git"),
        "scan": ("scan", ".", "--diff", scan_base, "--format", "json"),
        "check": ("check", "--base", base, "--head", "HEAD", "--format", "json"),
        "risk": ("risk", "train", "--json"),
        "metrics": ("metrics", "--json"),
    }


def run_netgain(armed: Armed, commands: dict[str, Sequence[str]]) -> None:
    for label, args in commands.items():
        armed.outputs[label] = netgain(*args, cwd=armed.repo, check=False)
    armed.left_by_netgain = {p.name for p in armed.markers.iterdir()}


# -- the repository with drivers, filters, fsmonitor, hooks, pager, gpg and a submodule ----------

APP_V1 = "def area(w, h):\n    return w * w\n\n\ndef name():\n    return 'app'\n"
APP_FIX = "def area(w, h):\n    return w * h\n\n\ndef name():\n    return 'app'\n"
APP_HEAD = APP_FIX + "\n\nimport jwt\n\n\ndef token(s):\n    return jwt.decode(s, 'k')\n"
SIGNATURE = (
    b"gpgsig -----BEGIN PGP SIGNATURE-----\n"
    b" \n"
    b" iQEzBAABCAAdFiEEnotarealsignatureatallAAAAAAAAAAAAAAAA=\n"
    b" -----END PGP SIGNATURE-----\n"
)


def build_programs_repo(root: Path) -> Armed:
    bin_dir, markers = root / "bin", root / "markers"
    bin_dir.mkdir(parents=True)
    markers.mkdir()
    lib = GitRepo(root / "lib-origin")
    lib.commit({".gitattributes": "*.py diff=evil\n", "lib.py": "X = 1\n"}, "lib v1")

    repo = GitRepo(root / "repo")
    revs = {
        "base": repo.commit(
            {
                ".gitattributes": "*.py diff=evil filter=evil\n*.txt filter=evilproc\n",
                "app.py": APP_V1,
                "notes.txt": "notes\n",
            },
            "Add app",
        )
    }
    repo.git("submodule", "add", "-q", str(lib.path), "lib")
    revs["submodule"] = repo.commit(None, "Add lib as a submodule")
    revs["signed"] = repo.commit_raw(
        {"util.py": "def util():\n    return 1\n"}, b"Add util\n", extra_headers=SIGNATURE
    )
    revs["fix"] = repo.commit({"app.py": APP_FIX}, "Fix area bug: multiply width by height")
    sub = GitRepo(repo.path / "lib", init=False)
    sub.commit({"lib.py": "X = 2\n"}, "lib v2")
    repo.git("add", "lib")
    revs["bump"] = repo.commit(None, "Bump lib")
    revs["head"] = repo.commit(
        {"app.py": APP_HEAD}, "Add token\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    )

    def arm(where: GitRepo, key: str, kind: str, then: str) -> None:
        where.git("config", key, program(bin_dir, markers, kind, then))

    # The history is written; from here on every program is live.
    arm(repo, "diff.evil.textconv", "textconv", 'exec cat "$1"')
    arm(repo, "diff.evil.command", "external-diff-driver", "exit 0")
    arm(repo, "diff.external", "diff-external", "exit 0")
    arm(repo, "filter.evil.clean", "clean-filter", "exec cat")
    arm(repo, "filter.evil.smudge", "smudge-filter", "exec cat")
    arm(repo, "filter.evilproc.process", "process-filter", "exit 1")
    arm(repo, "core.fsmonitor", "fsmonitor", "exit 1")
    arm(repo, "core.pager", "pager", "exec cat")
    arm(repo, "pager.log", "pager", "exec cat")
    arm(repo, "gpg.program", "gpg", "exit 1")
    repo.git("config", "log.showSignature", "true")
    repo.git("config", "diff.submodule", "diff")  # `git diff` runs `git diff` in the submodule
    arm(sub, "diff.evil.textconv", "submodule-textconv", 'exec cat "$1"')
    arm(sub, "core.fsmonitor", "submodule-fsmonitor", "exit 1")
    hooks = repo.path / ".git" / "hooks"
    for name in HOOKS:
        (hooks / name).write_text(f'#!/bin/sh\necho "{name} $*" >> {markers / "hook"}\nexit 0\n')
        (hooks / name).chmod(0o755)
    # Uncommitted edits: reading the work tree must pass them through the filters and fsmonitor.
    (repo.path / "app.py").write_text(APP_HEAD + "\n\ndef extra():\n    return eval(input())\n")
    (repo.path / "notes.txt").write_text("notes\nmore\n")
    (repo.path / "lib" / "lib.py").write_text("X = 3\n")
    return Armed(repo.path, markers, revs)


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> Armed:
    armed = build_programs_repo(tmp_path_factory.mktemp("programs"))
    run_netgain(armed, netgain_commands(armed.revs, scan_base=armed.revs["base"]))
    return armed


# kind -> the plain git command that runs it (`{rev}` names one of Armed.revs)
PROGRAM_CONTROLS: dict[str, tuple[str, ...]] = {
    "textconv": ("blame", "HEAD", "--", "app.py"),
    "external-diff-driver": ("diff", "{base}", "HEAD"),
    "diff-external": ("diff", "{base}", "HEAD"),
    "clean-filter": ("diff", "HEAD"),
    "process-filter": ("diff", "HEAD"),
    "smudge-filter": ("checkout", "HEAD", "--", "app.py"),
    "fsmonitor": ("status",),
    "hook": ("update-ref", "refs/heads/probe", "HEAD"),
    "pager": ("tty", "log", "-1"),
    "gpg": ("log", "-1", "{signed}"),
    # without --no-ext-diff, diff.external would take the gitlink instead
    "submodule-textconv": ("diff", "--no-ext-diff", "{submodule}", "{bump}"),
    "submodule-fsmonitor": ("diff", "HEAD"),
}


def control(armed: Armed, kind: str, command: tuple[str, ...], tmp_path: Path) -> bool:
    """Run `command` with plain git on a copy of the repository: did `kind`'s marker appear?"""
    copy = tmp_path / "copy"
    shutil.copytree(armed.repo, copy, symlinks=True)
    marker = armed.markers / kind
    marker.unlink(missing_ok=True)
    tty = command[0] == "tty"
    args = [a.format(**armed.revs) for a in command[tty:]]
    plain_git(copy, *args, tty=tty)
    return marker.exists()


def test_netgain_commands_did_their_work(programs: Armed) -> None:
    """The commands below read everything the programs could have run on (not vacuous)."""
    out = programs.outputs
    for name, proc in out.items():
        assert proc.returncode in (0, 1), f"netgain {name}: {proc.stderr}"
    fix, base = programs.revs["fix"], programs.revs["base"]
    assert json.loads(out["szz"].stdout) == json.loads(out["szz-git"].stdout) == {fix: [base]}
    assert json.loads(out["share"].stdout)["by_tool"] == {"claude-code": 7}  # blamed app.py
    # line 17 is an uncommitted edit: the work tree was diffed against base
    found = {(f["rule"], f["location"]["line"]) for f in json.loads(out["scan"].stdout)["findings"]}
    # the committed jwt.decode(s, 'k') is new since base too: a hard-coded signing key
    assert found == {("code-injection", 17), ("hardcoded-secret", 13)}
    facts = json.loads(out["check"].stdout)["facts"]
    assert facts["lines_removed"] == 1 and facts["author"]["files_known"] == 1  # blame at base
    assert facts["author"]["first_signals"] == ["jwt"]  # `git log -G` over the history
    assert json.loads(out["risk"].stdout)["fixes"] == 1


@pytest.mark.parametrize("kind", sorted(PROGRAM_CONTROLS))
def test_program_never_runs_under_netgain(programs: Armed, kind: str, tmp_path: Path) -> None:
    assert kind not in programs.left_by_netgain, (programs.markers / kind).read_text()
    assert control(programs, kind, PROGRAM_CONTROLS[kind], tmp_path), f"plain git ran no {kind}"


# -- the partial clone whose missing blob a lazy fetch would get through a transport ------------


def build_promisor_repo(root: Path) -> Armed:
    bin_dir, markers = root / "bin", root / "markers"
    bin_dir.mkdir(parents=True)
    markers.mkdir()
    repo = GitRepo(root / "repo")
    base = repo.commit({"app.py": APP_V1}, "Add app")
    missing = GitRepo(root / "elsewhere").hash_blob(b"SECRET = 'only on the server'\n")
    listing = f"{repo.git('ls-tree', base)}\n100644 blob {missing}\tsecret.py\n"
    tree = repo.git("mktree", "--missing", input=listing)
    who = {
        f"GIT_{role}_{part}": value
        for role in ("AUTHOR", "COMMITTER")
        for part, value in (("NAME", "Ada"), ("EMAIL", "ada@example.com"))
    }
    fix = (
        repo.git_bytes(
            "commit-tree", "-p", base, "-m", "Fix secret handling", tree.strip(), env=who
        )
        .decode()
        .strip()
    )
    repo.update_ref("refs/heads/main", fix)  # the work tree stays at base: secret.py is absent

    def remote(name: str, url: str) -> None:
        repo.git("config", f"remote.{name}.url", url)
        repo.git("config", f"remote.{name}.promisor", "true")

    repo.git("config", "core.repositoryformatversion", "1")
    repo.git("config", "extensions.partialClone", "origin")
    ext = program(bin_dir, markers, "ext-transport", "exit 1")
    remote("origin", f"ext::{ext} %S")
    remote("mirror", "ssh://example.invalid/repo.git")
    repo.git("config", "core.sshCommand", program(bin_dir, markers, "ssh-command", "exit 1"))
    remote("local", f"file://{root / 'elsewhere'}")
    upload = program(bin_dir, markers, "upload-pack", "exit 1")
    repo.git("config", "remote.local.uploadpack", upload)
    remote("daemon", "git://example.invalid/repo.git")
    repo.git("config", "core.gitProxy", program(bin_dir, markers, "git-proxy", "exit 1"))
    for proto in ("ext", "ssh", "file", "git"):  # beats netgain's -c protocol.allow=never
        repo.git("config", f"protocol.{proto}.allow", "always")
    return Armed(repo.path, markers, {"base": base, "fix": fix, "missing": missing})


@pytest.fixture(scope="module")
def promisor(tmp_path_factory: pytest.TempPathFactory) -> Armed:
    armed = build_promisor_repo(tmp_path_factory.mktemp("promisor"))
    commands = netgain_commands(armed.revs, scan_base="HEAD")  # the work tree lacks secret.py
    run_netgain(armed, {k: commands[k] for k in ("ingest", "share", "szz-git", "scan", "check")})
    return armed


def test_netgain_reports_the_missing_blob(promisor: Armed) -> None:
    """The commands reached the blob a lazy fetch would get: they say it is missing.

    `scan --diff HEAD` compares HEAD with a work tree that lacks the file: a deletion needs no
    content, so it completes without mentioning the blob (and without fetching it)."""
    missing = promisor.revs["missing"]
    said = {name for name, p in promisor.outputs.items() if missing in p.stdout + p.stderr}
    assert said == {"ingest", "share", "check"}, {
        n: p.stdout + p.stderr for n, p in promisor.outputs.items()
    }
    assert promisor.outputs["scan"].returncode in (0, 1), promisor.outputs["scan"].stderr


TRANSPORTS = ("ext-transport", "ssh-command", "upload-pack", "git-proxy")


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_transport_never_runs_under_netgain(promisor: Armed, kind: str, tmp_path: Path) -> None:
    assert kind not in promisor.left_by_netgain, (promisor.markers / kind).read_text()
    command = ("cat-file", "-p", promisor.revs["missing"])
    assert control(promisor, kind, command, tmp_path), f"plain git ran no {kind}"


def test_no_transport_even_where_git_ignores_the_lazy_fetch_switch(promisor: Armed) -> None:
    """git before 2.39.4 ignores GIT_NO_LAZY_FETCH: GIT_ALLOW_PROTOCOL alone must stop every
    transport, where `-c protocol.allow=never` alone does not (the repository re-allows them)."""
    command = git_command(promisor.repo, "cat-file", "-p", promisor.revs["missing"])

    def programs_run_without(*names: str) -> set[str]:
        env = netgain_git_env() | {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        for name in names:
            del env[name]
        for marker in promisor.markers.iterdir():
            marker.unlink()
        subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)
        return {p.name for p in promisor.markers.iterdir()}

    assert programs_run_without("GIT_NO_LAZY_FETCH") == set()
    assert programs_run_without("GIT_NO_LAZY_FETCH", "GIT_ALLOW_PROTOCOL") == set(TRANSPORTS)


def test_a_filter_whose_name_holds_an_equals_sign_is_switched_off_too(tmp_path: Path) -> None:
    """`-c filter.a=b.clean=` would set the key `filter.a`: the override goes through
    GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n instead, which take the key as it is."""
    repo = GitRepo(tmp_path / "r")
    base = repo.commit({".gitattributes": "*.py filter=a=b\n", "a.py": "x = 1\n"}, "c")
    marker = tmp_path / "ran"
    repo.git("config", "filter.a=b.clean", f"touch {marker}; cat")
    (repo.path / "a.py").write_text("x = 1\ny = 2\n")
    [change] = diff_between(repo.path, base, None)
    assert (change.path, change.added) == ("a.py", [LineRange(2, 2)])
    assert not marker.exists()
    plain_git(repo.path, "-c", "filter.a=b.clean=", "diff", "HEAD")
    assert marker.exists()
