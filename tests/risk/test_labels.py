"""Which SZZ links make a label: code lines only, and no fix detected in a bot's message.

Both rules come from real histories (docs/risk.md, "On real histories"): fixes that add a
changelog entry blame the entry beside it, and dependency bots' messages quote release notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.risk.paths import path_kind
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain_json

DAY = 86_400
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("src/pkg/app.py", "code"),
        ("lib/x.C", "code"),
        ("tests/test_app.py", "test"),
        ("src/pkg/testing/helpers.py", "test"),
        ("conftest.py", "test"),
        ("web/app.spec.ts", "test"),
        ("CHANGES.rst", "other"),
        ("docs/index.md", "other"),
        ("setup.cfg", "other"),
        (".github/workflows/ci.yml", "other"),
        ("Makefile", "other"),
        (".py", "other"),  # a dot file, not an extension
    ],
)
def test_path_kinds(path: str, kind: str) -> None:
    assert path_kind(path) == kind


def test_changelog_links_and_bot_fixes_do_not_label(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    bad = r.commit({"app.py": "def f(x):\n    return x / 0\n"}, "Add f", date=BASE_EPOCH)
    notes = r.commit({"CHANGES.rst": "- f divides\n"}, "Changelog", date=BASE_EPOCH + DAY)
    pins = r.commit({"requirements.txt": "lib==1.0\n"}, "Pin lib", date=BASE_EPOCH + 2 * DAY)
    typo = r.commit(
        {"CHANGES.rst": "- f divides by one\n"}, "Fix changelog entry", date=BASE_EPOCH + 3 * DAY
    )
    bump = r.commit(
        {"requirements.txt": "lib==1.0.1\n"},
        "Bump lib from 1.0 to 1.0.1\n\n- Fixes a crash\nupdate-type: version-update:semver-patch\n",
        author=BOT,
        date=BASE_EPOCH + 4 * DAY,
    )
    fix = r.commit({"app.py": "def f(x):\n    return x / 1\n"}, "Fix f", date=BASE_EPOCH + 5 * DAY)
    # SZZ itself blames the changelog line; the bot's bump is no fix, so SZZ never ran on it
    assert netgain_json("szz", typo, "--no-store", cwd=r.path) == {typo: [notes]}
    out = netgain_json("risk", "train", cwd=r.path)
    assert out["fixes"] == 2 and out["fixes_analysed_now"] == 2  # typo and fix, not bump
    assert out["positives"] == 1  # `bad`, through app.py; `notes` only through CHANGES.rst
    assert netgain_json("szz", fix, "--no-store", cwd=r.path) == {fix: [bad]}
    del pins, bump
