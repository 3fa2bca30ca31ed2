"""netgain's commit-graph cache: written beside the repository's objects, never wrong when stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.szz import find_inducing
from netgain.szz.graph_cache import commit_graph_dir
from tests.gitrepo import GitRepo
from tests.szz.scenarios import formatting_between


def test_graph_is_written_outside_the_object_store_and_refreshed(tmp_path: Path) -> None:
    s = formatting_between(tmp_path / "r")
    git_dir = s.repo.path / ".git"
    before = sorted(p.name for p in (git_dir / "objects" / "info").iterdir())
    objects = commit_graph_dir(s.repo.path)
    assert objects == git_dir / "netgain-cache" / "objects"
    assert (objects / "info" / "commit-graph").is_file()
    assert sorted(p.name for p in (git_dir / "objects" / "info").iterdir()) == before
    stamp = (objects.parent / "refs-state").read_text()
    assert commit_graph_dir(s.repo.path) == objects  # current: reused as is
    assert (objects.parent / "refs-state").read_text() == stamp
    s.repo.commit({"other.py": "X = 1\n"}, "More")
    assert commit_graph_dir(s.repo.path) == objects
    assert (objects.parent / "refs-state").read_text() != stamp  # refs moved: rewritten


def test_results_are_the_same_with_a_stale_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("netgain.szz.core.GRAPH_CACHE_MIN_BLAMES", 0)  # use it for two blames
    s = formatting_between(tmp_path / "r")
    commit_graph_dir(s.repo.path)
    fix2 = s.repo.commit({"label.py": "def label(price, qty):\n    return 0\n"}, "Rewrite")
    fixes = [s.fix, fix2]
    kw = {"jobs": 1}
    plain = [r.to_dict() for r in find_inducing(s.repo.path, fixes, graph_cache=False, **kw)]
    cached = [r.to_dict() for r in find_inducing(s.repo.path, fixes, graph_cache=True, **kw)]
    assert plain == cached and cached[1]["inducing"]


def test_disabled_and_shallow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = GitRepo(tmp_path / "r")
    for i in range(3):
        r.commit({"a.py": f"X = {i}\n"}, f"c{i}")
    monkeypatch.setenv("NETGAIN_NO_GIT_CACHE", "1")
    assert commit_graph_dir(r.path) is None
    monkeypatch.delenv("NETGAIN_NO_GIT_CACHE")
    shallow = r.clone(tmp_path / "shallow", "--depth", "1")
    assert commit_graph_dir(shallow.path) is None
