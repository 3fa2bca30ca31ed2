"""Notes, refs, trees, blobs and repository facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.errors import GitError
from netgain.git import (
    CatFileBatch,
    all_ref_names,
    git_dir,
    head_sha,
    is_partial_clone,
    is_shallow,
    list_refs,
    ls_files,
    object_exists,
    positive_revs,
    read_blob,
    read_notes,
    read_object,
    repo_root,
    rev_list,
    rev_parse,
)
from tests.gitrepo import GitRepo


def test_read_notes_in_bulk(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    shas = [repo.commit({"f": f"{i}\n"}, f"c{i}") for i in range(5)]
    repo.notes_add("refs/notes/ai", shas[1], "src/app.py\n  h_0123456789abcd 1-3\n---\n{}\n")
    repo.notes_add("refs/notes/ai", shas[3], b"binary \xff note")
    repo.notes_add("refs/notes/commits", shas[2], "not an AI note")
    repo.notes_add("refs/notes/ai", shas[4], "same text\n")
    repo.notes_add("refs/notes/ai", shas[0], "same text\n")  # one blob, two commits
    notes = read_notes(repo.path)
    assert notes == {
        shas[0]: b"same text\n",
        shas[4]: b"same text\n",
        shas[1]: b"src/app.py\n  h_0123456789abcd 1-3\n---\n{}\n",
        shas[3]: b"binary \xff note\n",  # git notes adds the final newline
    }
    assert read_notes(repo.path, "refs/notes/commits") == {shas[2]: b"not an AI note\n"}
    assert read_notes(repo.path, "refs/notes/none") == {}


def test_cat_file_batch_reports_missing_and_continues(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit({"a.txt": "A\n", "b.txt": b"\x00bin"}, "c")
    with CatFileBatch(repo.path) as batch:
        got = list(batch.read_many([f"{sha}:a.txt", "0" * 40, f"{sha}:b.txt", "nope:x", sha]))
    assert got[0][1] is not None and got[0][1].data == b"A\n" and got[0][1].type == "blob"
    assert got[1][1] is None and got[3][1] is None
    assert got[2][1] is not None and got[2][1].data == b"\x00bin"
    assert got[4][1] is not None and got[4][1].type == "commit"
    assert [p.kind for p in batch.problems] == ["missing-object", "missing-object"]
    with CatFileBatch(repo.path) as batch, pytest.raises(GitError):
        batch.get("two\nlines")


def test_legacy_refs_and_objects(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit({"f": "1\n"}, "c")
    blob = repo.hash_blob(b'{"schema_version": "authorship/0.0.1"}')
    repo.update_ref(f"refs/ai/authorship/{sha}", blob)
    repo.tag("v1")
    assert list_refs(repo.path, "refs/ai/authorship/") == {f"refs/ai/authorship/{sha}": blob}
    assert list_refs(repo.path, "refs/nothing/") == {}
    assert (
        read_object(repo.path, f"refs/ai/authorship/{sha}")
        == b'{"schema_version": "authorship/0.0.1"}'
    )
    assert read_object(repo.path, "refs/ai/none") is None
    assert object_exists(repo.path, sha) and not object_exists(repo.path, "f" * 40)
    assert all_ref_names(repo.path) == ["refs/heads/main", "refs/tags/v1"]


def test_ls_files_and_read_blob(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    sub = GitRepo(tmp_path / "sub")
    sub_sha = sub.commit({"inner.txt": "i\n"}, "sub")
    repo.commit({"dir/a.py": "a\n", "sp ace.txt": "s\n", "bad\udcfe": "b\n"}, "files")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sub_sha},vendor/lib")
    sha = repo.commit({}, "add gitlink")
    gitlinks: list[str] = []
    assert ls_files(repo.path, sha, gitlinks=gitlinks) == ["bad\udcfe", "dir/a.py", "sp ace.txt"]
    assert gitlinks == ["vendor/lib"]
    assert read_blob(repo.path, sha, "bad\udcfe") == b"b\n"
    assert read_blob(repo.path, sha, "no/such") is None
    with pytest.raises(GitError):
        read_blob(repo.path, "no-such-rev", "dir/a.py")


def test_repository_facts(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    assert head_sha(repo.path) is None  # empty repository
    (repo.path / "deep" / "er").mkdir(parents=True)
    assert repo_root(repo.path / "deep" / "er") == repo.path.resolve()
    c1 = repo.commit({"f": "1\n"}, "c1")
    c2 = repo.commit({"f": "2\n"}, "c2")
    assert head_sha(repo.path) == c2
    assert rev_parse(repo.path, "HEAD~1") == c1
    assert rev_parse(repo.path, "nope") is None
    with pytest.raises(GitError):
        rev_parse(repo.path, "--all")
    assert rev_list(repo.path, [f"{c1}..HEAD"]) == [c2]
    assert positive_revs(repo.path, [f"{c1}..HEAD"]) == [c2]
    assert not is_shallow(repo.path) and not is_partial_clone(repo.path)
    assert git_dir(repo.path) == (repo.path / ".git").resolve()
    bare = GitRepo(tmp_path / "bare.git", bare=True)
    assert repo_root(bare.path) == bare.path.resolve()
    with pytest.raises(GitError):
        repo_root(tmp_path)
    with pytest.raises(GitError, match="not a git repository"):
        head_sha(tmp_path)
    with pytest.raises(GitError, match="not a git repository"):
        read_notes(tmp_path)


def test_cat_file_batch_usable_after_abandoned_read_many(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    shas = [repo.commit({"f": f"{i}\n"}, f"c{i}") for i in range(50)]
    with CatFileBatch(repo.path) as batch:
        many = batch.read_many(shas * 20)
        first = next(many)
        many.close()  # 999 answers still in the pipe: they must not leak into the next read
        assert first[1] is not None and first[1].oid == shas[0]
        again = batch.get(f"{shas[7]}:f")
        assert again is not None and again.data == b"7\n"
