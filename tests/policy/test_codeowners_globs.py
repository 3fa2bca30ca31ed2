"""CODEOWNERS (GitHub semantics) and zone globs (gitignore semantics), with property tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgain.policy.codeowners import parse_codeowners, pattern_regex
from netgain.policy.globs import path_matches, url_matches
from tests.gitrepo import git_env

SEG = st.sampled_from(["src", "auth", "docs", "a", "b.py", "x.md", "logs", "app"])
PATHS = st.lists(SEG, min_size=1, max_size=4).map("/".join)


def test_last_matching_pattern_wins_and_empty_owner_unowns() -> None:
    owners = parse_codeowners(
        "# comment\n*       @global\n/src/   @src-team @org/devs\n/src/generated/\n*.md    docs@example.com\n"
    )
    assert owners.owners_of("README") == ("@global",)
    assert owners.owners_of("src/app.py") == ("@src-team", "@org/devs")
    assert owners.owners_of("src/generated/x.py") == ()  # explicitly unowned
    assert owners.owners_of("src/notes.md") == ("docs@example.com",)
    assert owners.match("src/generated/x.py").line == 4  # type: ignore[union-attr]


def test_github_exceptions_to_gitignore() -> None:
    owners = parse_codeowners(
        "docs/*  @docs\napps/   @apps\n/build/logs/ @logs\n**/logs @anylogs\n"
    )
    assert owners.owners_of("docs/getting-started.md") == ("@docs",)
    assert owners.owners_of("docs/build-app/troubleshooting.md") == ()  # dir/* is not recursive
    assert owners.owners_of("deep/apps/x/y.py") == ("@apps",)
    assert owners.owners_of("build/logs/a.log") == ("@anylogs",)  # later line wins
    assert owners.owners_of("x/logs/deep/a.log") == ("@anylogs",)


def test_unsupported_syntax_is_reported_with_its_line() -> None:
    owners = parse_codeowners(
        "*.py @py\n!secret.py @nobody\n[Dd]ocs/ @docs\nsrc/ not-an-owner @ok\n\\#file @hash\n"
    )
    problems = {(p.line, p.message.split(" ")[0]) for p in owners.problems}
    assert problems == {(2, "negated"), (3, "character"), (4, "invalid")}
    assert owners.owners_of("secret.py") == ("@py",)  # the negation was ignored, as on GitHub
    assert owners.owners_of("src/x.txt") == ("@ok",)
    assert owners.owners_of("#file") == ("@hash",)


@given(PATHS)
def test_literal_anchored_path_matches_itself_and_its_contents(path: str) -> None:
    regex = pattern_regex("/" + path)
    assert regex.match(path)
    assert regex.match(path + "/child.py")
    assert not regex.match("other/" + path) or path.startswith("other")


@given(PATHS, PATHS)
def test_directory_pattern_owns_everything_below(directory: str, rest: str) -> None:
    regex = pattern_regex("/" + directory + "/")
    assert regex.match(f"{directory}/{rest}")
    assert not regex.match(directory)  # a directory pattern never matches a file of that name


@given(PATHS, st.lists(st.tuples(PATHS, st.sampled_from(["@a", "@b", "@c"])), max_size=5))
def test_last_match_wins_for_any_file(path: str, lines: list[tuple[str, str]]) -> None:
    text = "".join(f"/{p} {o}\n" for p, o in lines) + "* @last\n"
    assert parse_codeowners(text).owners_of(path) == ("@last",)
    expected = next((o for p, o in reversed(lines) if path == p or path.startswith(p + "/")), None)
    got = parse_codeowners("".join(f"/{p} {o}\n" for p, o in lines)).owners_of(path)
    assert got == ((expected,) if expected else ())


GLOB_SEG = st.sampled_from(["src", "auth", "*", "**", "*.py", "a?", "docs", "x.md"])
GLOBS = st.builds(
    lambda lead, segs, trail: ("/" if lead else "") + "/".join(segs) + ("/" if trail else ""),
    st.booleans(),
    st.lists(GLOB_SEG, min_size=1, max_size=3),
    st.booleans(),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(GLOBS, st.lists(PATHS, min_size=1, max_size=6, unique=True))
def test_zone_globs_agree_with_git_check_ignore(
    tmp_path: Path, glob: str, paths: list[str]
) -> None:
    """Zone paths have gitignore semantics: the oracle is git itself."""
    repo = tmp_path / "oracle"
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", str(repo)], check=True, env=git_env())
    (repo / ".gitignore").write_text(glob + "\n", encoding="utf-8")
    paths = [p for p in paths if not any(p.startswith(q + "/") for q in paths)]
    proc = subprocess.run(
        ["git", "-C", str(repo), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(paths) + "\n",
        capture_output=True,
        text=True,
        env=git_env(),
        check=False,
    )
    ignored = set(proc.stdout.split())
    for path in paths:
        assert path_matches([glob], path) == (path in ignored), (glob, path)


def test_url_patterns() -> None:
    patterns = ["https://wiki.example.com/design/*", "https://github.com/acme/rfcs/issues/*"]
    assert url_matches(patterns, "https://wiki.example.com/design/auth-tokens")
    assert url_matches(patterns, "https://github.com/acme/rfcs/issues/12")
    assert not url_matches(patterns, "https://wiki.example.com.evil.test/design/x")
    assert not url_matches(patterns, "http://wiki.example.com/design/x")
