"""The warm `netgain` of tests/forkcli.py answers exactly as a cold start of the console script.

Most CLI tests run through it, so a difference here (output, exit status, working directory,
environment) would silently change what those tests check.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests import forkcli
from tests.gitrepo import git_env
from tests.history.conftest import NETGAIN

VULNERABLE = """\
import hashlib


def digest(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()
"""


def _cold(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NETGAIN, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


def test_warm_calls_answer_as_cold_ones(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(VULNERABLE, encoding="utf-8")
    (tmp_path / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    env = git_env() | {"NETGAIN_FORKCLI_TEST": str(tmp_path)}  # a server of this test's own
    cases = [
        ["scan", ".", "--format", "json"],  # relative to the working directory, a parse problem
        ["scan", "app.py", "--fail-on", "medium"],  # text output, exit 1 on the finding
        ["scan", "--no-such-option"],  # a usage error from click
        ["scan", "missing.py"],  # a NetgainError
    ]
    codes = set()
    for args in cases:
        cold = _cold(args, tmp_path, env)
        codes.add(cold.returncode)
        answers = [forkcli.run(NETGAIN, args, cwd=tmp_path, env=env, timeout=120) for _ in "abc"]
        for answer in answers:
            assert (answer.returncode, answer.stdout, answer.stderr) == (
                cold.returncode,
                cold.stdout,
                cold.stderr,
            ), args
    assert codes == {0, 1, 2}
    warm = [key for key in forkcli._servers if ("NETGAIN_FORKCLI_TEST", str(tmp_path)) in key[2]]
    assert len(warm) == 1  # the later calls did run warm
