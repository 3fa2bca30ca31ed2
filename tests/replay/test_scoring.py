"""The replay's one-pass risk scoring gives the same features as the gate's `change_row`."""

from __future__ import annotations

import random

from netgain.replay.risk import HistoryScorer
from netgain.risk.features import ChangeRecord, FileTouch
from netgain.risk.model import default_model
from netgain.risk.service import DEFAULT_TIERS, change_row, score

AUTHORS = ("ada@example.com", "bob@example.com", "cy@example.com")
PATHS = ("src/a.py", "src/b.py", "src/auth/login.py", "tests/test_a.py", "docs/x.md")


def history(seed: int, n: int) -> list[ChangeRecord]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        files = [
            FileTouch(p, rnd.randint(0, 40), rnd.randint(0, 10))
            for p in rnd.sample(PATHS, rnd.randint(1, 3))
        ]
        ai = rnd.randint(0, 20)
        out.append(
            ChangeRecord(
                f"{i:040x}",
                rnd.choice(AUTHORS),
                1_700_000_000.0 + 3600 * i,
                rnd.choice(["Add feature", "Fix crash in parser", "Refactor"]),
                files,
                ai_lines=ai,
                human_lines=sum(f.added or 0 for f in files) - ai if ai else 5,
                tools=["claude-code"] if ai else [],
                apis=tuple(rnd.sample(["raw_sql", "crypto", "http"], rnd.randint(0, 2))),
            )
        )
    return out


def test_incremental_features_equal_the_gate_ones() -> None:
    changes = history(7, 60)
    zones = {"auth": ["src/auth/**"]}
    model = default_model()
    scorer = HistoryScorer(changes, zones, model, dict(DEFAULT_TIERS))
    # pull requests of one to three commits, scored oldest first as the replay does
    groups = [tuple(c.sha for c in changes[i : i + 1 + i % 3]) for i in range(0, 60, 4)]
    for shas in groups:
        got = scorer.score(shas, findings=1)
        row, _record = change_row(changes, set(shas), zones, findings=1)
        assert got == score(model, row, dict(DEFAULT_TIERS)), shas


def test_out_of_order_changes_restart_the_pass() -> None:
    changes = history(11, 30)
    model = default_model()
    scorer = HistoryScorer(changes, None, model, dict(DEFAULT_TIERS))
    late, early = (changes[25].sha,), (changes[3].sha,)
    assert scorer.score(late, None) == score(
        model, change_row(changes, set(late))[0], DEFAULT_TIERS
    )
    got = scorer.score(early, None)
    assert got == score(model, change_row(changes, set(early))[0], DEFAULT_TIERS)
    assert scorer.score(("f" * 40,), None) is None  # not in the store: no risk, not a guess
