"""A fix's message reaches SZZ only through the `Fixes:` trailers, and only when asked.

benchmarks/szz_oracle.py scores every variant against the `Fixes: <sha>` trailers developers
write; that is only an evaluation if, with `trailers=False`, no variant reads them. Here the
trailer names a wrong (but existing, earlier) commit on purpose: blind, every variant must give
the blamed commit, the same answer as for the same fix without the trailer. With trailers on,
the default variant takes the developer's word and the literature variants still blame.
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


def test_with_trailers_hidden_a_fixes_line_changes_no_variant_answer(tmp_path: Path) -> None:
    told, a = _history(tmp_path / "told", 'Fix rate\n\nFixes: OTHER ("Add other")\n')
    plain, b = _history(tmp_path / "plain", "Fix rate\n")
    for variant in VARIANTS:
        blind = find_inducing(told.path, [a["fix"]], variant, trailers=False)[0].inducing
        without = find_inducing(plain.path, [b["fix"]], variant)[0].inducing
        assert blind == [a["bug"]], variant
        assert without == [b["bug"]], variant


def test_the_default_variant_takes_the_developers_word(tmp_path: Path) -> None:
    told, a = _history(tmp_path / "told", 'Fix rate\n\nFixes: commit OTHER ("Add other")\n')
    [named] = find_inducing(told.path, [a["fix"]])
    assert named.inducing == [a["other"]]
    assert [(e.path, e.lines, e.reason) for e in named.candidates[0].evidence] == [
        ("calc.py", (), "trailer")
    ]
    assert named.candidates[0].author_date is not None
    assert find_inducing(told.path, [a["fix"]], "b")[0].inducing == [a["bug"]]


def test_a_trailer_naming_no_ancestor_is_not_taken(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    bug = r.commit({"calc.py": "RATE = 10\n"}, "Add rate")
    fix = r.commit({"calc.py": "RATE = 100\n"}, 'Fix rate\n\nFixes: 0123456789ab ("gone")\n')
    later = r.commit({"calc.py": "RATE = 1000\n"}, f"Tune\n\nFixes: {fix[:12]}\nFixes: #12\n")
    assert find_inducing(r.path, [fix])[0].inducing == [bug]
    # `later` names its own parent correctly; `#12` is an issue, not a commit
    assert find_inducing(r.path, [later])[0].inducing == [fix]
