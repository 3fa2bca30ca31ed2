"""A bound on git blame's whole-tree copy search (`compute_share(whole_tree_files=N)`).

The real shape: modelcontextprotocol/python-sdk #3280 added 658 translated pages in one commit;
each page repeats code blocks of an English page that is not touched by the commit. Only the
whole-tree search (`-C -C -C`) finds those copies, at one pass over the parent's tree per blamed
file. Files past the bound look for copies in the files their commit changed only: their copied
lines count as the change's, and the result says so.
"""

from __future__ import annotations

from pathlib import Path

from netgain.history.share import ShareResult, compute_share
from tests.gitrepo import GitRepo

CODE = "".join(
    f"    result_{i} = client.call_tool('tool_{i}', arguments={{'n': {i}}})\n" for i in range(8)
)


def translated_pages(tmp_path: Path) -> tuple[GitRepo, str, str, list[str]]:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"docs/tools.md": "# Tools\n\n```python\n" + CODE + "```\n"}, "English docs")
    base = repo.head()
    pages = {f"i18n/{lang}/tools.md": f"# {lang} title\n\n```python\n{CODE}```\n" for lang in "abc"}
    head = repo.commit(pages, "Translate the docs")
    return repo, base, head, sorted(pages)


def share(repo: GitRepo, base: str, head: str, paths: list[str], bound: int | None) -> ShareResult:
    return compute_share(
        repo.path, base, head, {}, label="t", paths=paths, whole_tree_files=bound, jobs=1
    )


def counts(result: ShareResult) -> dict[str, int]:
    return {f.path: f.unknown for f in result.files}


def test_within_the_bound_the_share_is_the_unbounded_one(tmp_path: Path) -> None:
    repo, base, head, pages = translated_pages(tmp_path)
    unbounded = share(repo, base, head, pages, None)
    # the block copied from the English page (fences, code, blank line) is not the change's:
    # only each page's title is new
    assert counts(unbounded) == dict.fromkeys(pages, 1)
    assert unbounded.boundary_lines == 3 * 11
    bounded = share(repo, base, head, pages, len(pages))
    assert counts(bounded) == counts(unbounded)
    assert bounded.boundary_lines == unbounded.boundary_lines
    assert bounded.degraded == {} and bounded.problems == []


def test_files_past_the_bound_are_blamed_without_the_whole_tree_and_said_so(
    tmp_path: Path,
) -> None:
    repo, base, head, pages = translated_pages(tmp_path)
    bounded = share(repo, base, head, pages, 1)
    assert counts(bounded) == {pages[0]: 1, pages[1]: 12, pages[2]: 12}
    assert sorted(bounded.degraded) == pages[1:]
    assert "whole tree" in bounded.degraded[pages[1]]
    assert [(p.kind, p.message.split(":")[0]) for p in bounded.problems] == [
        ("share-degraded", "2 files")
    ]
    assert bounded.to_dict()["degraded_files"][0]["path"] == pages[1]
