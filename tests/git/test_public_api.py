"""The public API of netgain.git is pinned: changing it must be a deliberate act."""

from __future__ import annotations

import inspect

from netgain import git


def test_public_api_is_pinned() -> None:
    assert git.__all__ == [
        "BlameLine",
        "CatFileBatch",
        "Commit",
        "FileDiff",
        "FileStat",
        "GitObject",
        "GitProblem",
        "GitProblemError",
        "Identity",
        "LineRange",
        "Trailer",
        "all_ref_names",
        "blame_file",
        "blame_files",
        "decode_path",
        "diff_between",
        "display_path",
        "encode_path",
        "git_dir",
        "git_env",
        "head_sha",
        "is_partial_clone",
        "is_shallow",
        "iter_commit_diffs",
        "iter_commit_patches",
        "iter_commits",
        "list_refs",
        "ls_files",
        "object_exists",
        "parse_incremental",
        "parse_trailers",
        "parse_unified_diff",
        "positive_revs",
        "read_blob",
        "read_notes",
        "read_object",
        "repo_root",
        "rev_list",
        "rev_parse",
        "run_git",
        "shallow_commits",
        "storable_path",
        "unquote_c_path",
    ]
    for name in git.__all__:
        obj = getattr(git, name)
        assert inspect.getdoc(obj), f"{name} has no docstring"


def test_key_signatures() -> None:
    params = inspect.signature(git.iter_commits).parameters
    assert list(params) == ["repo", "revs", "exclude", "problems", "oldest_first", "early"]
    assert params["exclude"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["early"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["early"].default is None  # a log started ahead (netgain.git.log.EarlyLog)
    assert list(inspect.signature(git.blame_file).parameters) == [
        "repo",
        "rev",
        "path",
        "since",
        "copies",
        "move_chars",
        "copy_chars",
        "copy_search",
    ]
