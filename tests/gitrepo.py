"""The reproducible git repositories of the test suite, shared with the benchmarks (which never
import from tests/): the code lives in benchmarks/gitrepo.py."""

from benchmarks.gitrepo import BASE_EPOCH, DEFAULT_AUTHOR, GitRepo, built_once, git_env, run

__all__ = ["BASE_EPOCH", "DEFAULT_AUTHOR", "GitRepo", "built_once", "git_env", "run"]
