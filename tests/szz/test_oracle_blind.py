"""SZZ answers from the code history alone: a fix's message never changes its answer.

benchmarks/szz_oracle.py scores every variant against the `Fixes: <sha>` trailers developers
write; that is only an evaluation if no variant reads them. Here the trailer names a wrong
commit on purpose: every variant must still give the blamed commit, and the same answer as for
the same fix without the trailer.
"""

from __future__ import annotations

from pathlib import Path

from netgain.szz import VARIANTS, find_inducing
from tests.gitrepo import GitRepo


def _history(path: Path, message: str) -> tuple[GitRepo, dict[str, str]]:
    r = GitRepo(path)
    other = r.commit({"other.py": "OTHER = 1\n"}, "Add other")
    bug = r.commit({"calc.py": "def rate(x):\n    return x / 10\n"}, "Add rate")
    fix = r.commit(
        {"calc.py": "def rate(x):\n    return x / 100\n"},
        message.replace("OTHER", other[:12]),
    )
    return r, {"other": other, "bug": bug, "fix": fix}


def test_a_fixes_trailer_changes_no_variant_answer(tmp_path: Path) -> None:
    told, a = _history(tmp_path / "told", 'Fix rate\n\nFixes: OTHER ("Add other")\n')
    plain, b = _history(tmp_path / "plain", "Fix rate\n")
    for variant in VARIANTS:
        with_trailer = find_inducing(told.path, [a["fix"]], variant)[0].inducing
        without = find_inducing(plain.path, [b["fix"]], variant)[0].inducing
        assert with_trailer == [a["bug"]], variant
        assert without == [b["bug"]], variant
