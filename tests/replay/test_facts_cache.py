"""Stored facts are reused only while everything they were gathered from is unchanged: the
commits, the fact sections, the configuration, the netgain build and the stored provenance."""

from __future__ import annotations

from pathlib import Path

from netgain.history.queries import CommitProvenance
from netgain.policy.facts import ChangeContext
from netgain.policy.github import PullRequest
from netgain.replay.facts_cache import FactsCache, code_digest

BASE, HEAD = "a" * 40, "b" * 40


def _prov(ai: int) -> dict[str, CommitProvenance]:
    row = CommitProvenance(
        sha=HEAD,
        author="Ada <ada@example.com>",
        date="2024-01-01T00:00:00+00:00",
        subject="feat: x",
        is_merge=False,
        ai=ai,
        human=10 - ai,
        unknown=0,
        level="commit",
        tools=[],
        models=[],
        evidence=[],
        line_map={},
    )
    return {HEAD: row}


def _ctx(tmp: Path) -> ChangeContext:
    ctx = ChangeContext(
        tmp, BASE, HEAD, PullRequest(number=3, head_sha=HEAD, base_sha=BASE), None, []
    )
    ctx.added = {"app.py": {1, 2, 3}}
    return ctx


def test_a_stored_context_comes_back_while_nothing_changed(tmp_path: Path) -> None:
    cache = FactsCache.open(tmp_path / "facts", {"zones": {}}, code_digest())
    cache.store(BASE, HEAD, "k", [HEAD], _prov(4), _ctx(tmp_path))
    assert cache.has(BASE, HEAD, "k") and not cache.has(BASE, HEAD, "other sections")
    loaded = cache.load(BASE, HEAD, "k", lambda shas: _prov(4))
    assert loaded is not None and loaded.added == {"app.py": {1, 2, 3}}
    assert (cache.hits, cache.misses) == (1, 0)


def test_new_provenance_another_configuration_or_build_is_a_miss(tmp_path: Path) -> None:
    cache = FactsCache.open(tmp_path / "facts", {"zones": {}}, "build-1")
    cache.store(BASE, HEAD, "k", [HEAD], _prov(4), _ctx(tmp_path))
    asked: list[list[str]] = []

    def reattributed(shas: list[str]) -> dict[str, CommitProvenance]:
        asked.append(shas)
        return _prov(9)  # a later ingest attributes more of it to AI

    assert cache.load(BASE, HEAD, "k", reattributed) is None
    assert asked == [[HEAD]]  # the commits the gathering read are asked again
    other = FactsCache.open(tmp_path / "facts", {"zones": {"auth": ["auth/**"]}}, "build-1")
    assert not other.has(BASE, HEAD, "k")
    rebuilt = FactsCache.open(tmp_path / "facts", {"zones": {}}, "build-2")
    assert not rebuilt.has(BASE, HEAD, "k")


def test_a_damaged_entry_is_a_counted_miss_not_an_error(tmp_path: Path) -> None:
    cache = FactsCache.open(tmp_path / "facts", {}, "build")
    cache.store(BASE, HEAD, "k", [HEAD], _prov(4), _ctx(tmp_path))
    [entry] = list((tmp_path / "facts").rglob("*.facts"))
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert cache.load(BASE, HEAD, "k", lambda shas: _prov(4)) is None
    assert cache.unreadable == 1
    entry.write_bytes(b"")
    assert cache.load(BASE, HEAD, "k", lambda shas: _prov(4)) is None
    assert cache.unreadable == 2


def test_facts_gathered_with_another_share_method_are_not_read(tmp_path: Path) -> None:
    cheap = FactsCache.open(tmp_path / "facts", {"zones": {}}, "build-1", "git blame -M -C -C")
    cheap.store(BASE, HEAD, "k", [HEAD], _prov(4), _ctx(tmp_path))
    exact = FactsCache.open(tmp_path / "facts", {"zones": {}}, "build-1", "git blame -M -C -C -C")
    assert not exact.has(BASE, HEAD, "k")
    assert exact.load(BASE, HEAD, "k", lambda shas: _prov(4)) is None
    assert cheap.load(BASE, HEAD, "k", lambda shas: _prov(4)) is not None
