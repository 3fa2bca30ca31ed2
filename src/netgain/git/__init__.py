"""netgain.git: fast, robust access to a repository through the git CLI.

Everything above this layer (provenance, analysis, szz, risk, store) reads history through these
functions and the plain data types in `netgain.git.model`; none of them starts git itself.
"""

from netgain.git.blame import blame_file, blame_files, parse_incremental
from netgain.git.diff import (
    diff_between,
    iter_commit_diffs,
    iter_commit_patches,
    parse_unified_diff,
)
from netgain.git.log import iter_commits, shallow_commits
from netgain.git.model import (
    BlameLine,
    Commit,
    FileDiff,
    FileStat,
    GitObject,
    GitProblem,
    Identity,
    LineRange,
    Trailer,
)
from netgain.git.objects import CatFileBatch, list_refs, ls_files, read_blob, read_notes
from netgain.git.paths import decode_path, display_path, encode_path, storable_path, unquote_c_path
from netgain.git.repo import git_dir, head_sha, is_partial_clone, is_shallow, repo_root, rev_parse
from netgain.git.revs import all_ref_names, object_exists, positive_revs, read_object, rev_list
from netgain.git.runner import GitProblemError, git_env, run_git
from netgain.git.trailers import parse_trailers

__all__ = [
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
