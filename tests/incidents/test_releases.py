"""Release tags as deployments: which names are releases, how they are dated, and which release
first shipped each commit (checked against `git tag --contains`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from netgain.incidents.deployments import Deployment, first_deployments
from netgain.incidents.pulls import load_graph
from netgain.incidents.releases import release_kind, release_tags
from netgain.store.engine import open_store
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

# Tag names as they appear in urllib3, werkzeug, httpx and axios (and the forms the docs name).
NAMES = {
    "1.26.18": "release",
    "0.3": "release",
    "v2.0.0": "release",
    "2.0.0a1": "pre-release",  # urllib3
    "2.0.0rc1": "pre-release",  # werkzeug
    "0.15.x": None,  # werkzeug's branch markers are not releases
    "0.28.0.dev1": "pre-release",  # httpx
    "0.10.0.beta1": "pre-release",
    "v1.2.0-alpha.1": "pre-release",  # axios
    "v1.0.0-beta.3": "pre-release",
    "v0.19.0-2": "release",
    "1.0.post1": "release",
    "1.0+build5": "release",
    "release-2024-06-01": "release",
    "release/1.2": "release",
    "pkg@1.2.3": "release",
    "2024.01.05": "release",
    "v1": None,  # a moving major tag (GitHub Actions), not a release
    "deploy-12": None,
    "1.0-docs": None,
    "nightly": None,
}


@pytest.mark.parametrize(("name", "kind"), sorted(NAMES.items()))
def test_release_kind(name: str, kind: str | None) -> None:
    assert release_kind(name) == kind


def test_release_tags_annotated_lightweight_and_not_commits(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    first = r.commit({"a.py": "x = 1\n"}, "Add", date=BASE_EPOCH)
    r.tag("1.0", first)  # lightweight: the commit's date
    second = r.commit({"a.py": "x = 2\n"}, "Change", date=BASE_EPOCH + 86_400)
    env = {
        "GIT_COMMITTER_NAME": "Rel",
        "GIT_COMMITTER_EMAIL": "rel@example.com",
        "GIT_COMMITTER_DATE": f"{BASE_EPOCH + 3 * 86_400} +0000",
    }
    r.git_bytes("tag", "-a", "v1.1.0", "-m", "release", second, env=env)  # annotated: tagger date
    r.tag("v2.0.0rc1", second)
    r.tag("2.0.x", second)
    tree = r.git("rev-parse", "HEAD^{tree}")
    r.tag("9.9", tree)  # a tag of a tree is not a release of anything
    found = release_tags(r.path)
    assert [(d.label, d.sha) for d in found.deployments] == [
        ("tag 1.0", first),
        ("tag v1.1.0", second),
    ]
    assert found.deployments[0].deployed_at == datetime.fromtimestamp(BASE_EPOCH, UTC)
    assert found.deployments[1].deployed_at == datetime.fromtimestamp(BASE_EPOCH + 3 * 86_400, UTC)
    assert (found.prereleases, found.other_tags) == (1, 1)
    assert found.label == "git: 2 release tags, 1 pre-release tag left out"


def test_first_deployment_is_the_earliest_release_containing_the_commit(tmp_path: Path) -> None:
    """A branch merged after a release ships in the next one; a release on a maintenance branch
    (not in HEAD's history) counts as a deployment but ships no commit of main (urllib3's
    1.26.x releases while main worked towards 2.0)."""
    r = GitRepo(tmp_path / "r")
    day = 86_400
    base = r.commit({"a.py": "a = 1\n"}, "Base", date=BASE_EPOCH)
    r.branch("feature")
    feature = r.commit({"b.py": "b = 1\n"}, "Feature work", date=BASE_EPOCH + day)
    r.checkout("main")
    main_fix = r.commit({"a.py": "a = 2\n"}, "Fix on main", date=BASE_EPOCH + 2 * day)
    r.tag("1.0")
    r.branch("1.0.x")
    backport = r.commit({"a.py": "a = 3\n"}, "Backport", date=BASE_EPOCH + 3 * day)
    r.tag("1.0.1")
    r.checkout("main")
    merge = r.merge("feature", date=BASE_EPOCH + 4 * day)
    r.tag("1.1")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("ingest", "--db", db, cwd=r.path)
    engine = open_store(db)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        graph = load_graph(session, 1)
    engine.dispose()
    releases = release_tags(r.path).deployments
    assert [d.label for d in releases] == ["tag 1.0", "tag 1.0.1", "tag 1.1"]
    shipped = first_deployments(graph, releases)
    assert backport not in shipped  # not in HEAD's history
    for sha in (base, feature, main_fix, merge):
        contains = r.git("tag", "--contains", sha, "--sort=creatordate").split()
        first = next(d for d in releases if d.label == f"tag {contains[0]}")
        assert shipped[sha] == first.deployed_at, sha
    assert shipped[feature] == shipped[merge] != shipped[main_fix]
    assert first_deployments(graph, [Deployment(shipped[base], "f" * 40, "elsewhere")]) == {}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        # a long suffix that ends in a character the pattern refuses: rejected, and (with the
        # unambiguous suffix) in linear time; the former pattern backtracked for hours
        ("v1.0" + "a" * 60 + "!", None),
        ("v1.0" + "-ab" * 40 + "!", None),
        ("v1.0" + "a" * 60, None),
        ("v1.0-rc" + "1" * 60, "pre-release"),
    ],
)
def test_hostile_tag_names_are_classified(name: str, kind: str | None) -> None:
    assert release_kind(name) == kind
