"""Scenario repositories for the SZZ pitfalls, each with its introducing commit known by design.

Every builder returns a Scenario: the fix commit, the commits by name, and, per variant, the set
of commit names that variant is expected to report. The expectations were worked out by hand from
the definitions in netgain.szz.variants (which lines each variant keeps, what it looks past).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.gitrepo import GitRepo


@dataclass
class Scenario:
    repo: GitRepo
    fix: str
    commits: dict[str, str]
    expected: dict[str, set[str]]  # variant -> names of expected inducing commits
    date: datetime | None = None
    large_files: int = 50
    truth: set[str] = field(default_factory=set)  # what really introduced the bug

    def names(self, shas: list[str]) -> set[str]:
        by_sha = {v: k for k, v in self.commits.items()}
        return {by_sha.get(s, s) for s in shas}


WHITESPACE_V1 = """\
def total(items):
    result = 0
    for item in items:
        result += item.price
    return result
"""


def whitespace_fix_lines(path: Path) -> Scenario:
    """The fix re-indents two correct lines while it changes the buggy one."""
    r = GitRepo(path)
    c1 = r.commit({"cart.py": WHITESPACE_V1}, "Add total")
    c2 = r.commit({"cart.py": WHITESPACE_V1.replace("result = 0", "result = 1")}, "Tweak start")
    fixed = """\
def total(items):
    result = 0
    if items:
        for item in items:
            result += item.price
    return result
"""
    fix = r.commit({"cart.py": fixed}, "Fix total of an empty cart")
    ok = {"c2"}
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": {"c1", "c2"}, "ag": ok, "ma": ok, "r": ok, "netgain": ok},
        truth=ok,
    )


COMMENT_PY = """\
# Price helpers.
# Rounded to cents.
def price(amount, rate):
    return round(amount * rate, 2)
"""
COMMENT_JS = """\
/*
 * Formats a price.
 * Uses the locale.
 */
function fmt(p) {
  return p.toFixed(2);
}
"""


def comment_changes(path: Path) -> Scenario:
    """The fix rewords a `#` comment and a line inside a `/* */` block besides fixing code."""
    r = GitRepo(path)
    c1 = r.commit({"price.py": COMMENT_PY, "fmt.js": COMMENT_JS}, "Add price helpers")
    c2 = r.commit(
        {
            "price.py": COMMENT_PY.replace("amount * rate, 2", "amount * rate, 0"),
            "fmt.js": COMMENT_JS.replace("toFixed(2)", "toFixed(0)"),
        },
        "Simplify rounding",
    )
    r.commit({"README": "docs\n"}, "Docs")
    fix = r.commit(
        {
            "price.py": COMMENT_PY.replace("Rounded to cents.", "Always rounded to cents."),
            "fmt.js": COMMENT_JS.replace("Uses the locale.", "Uses the user's locale."),
        },
        "Fix rounding to cents",
    )
    ok = {"c2"}
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": {"c1", "c2"}, "ag": ok, "ma": ok, "r": ok, "netgain": ok},
        truth=ok,
    )


PARSER = """\
def parse_header(line):
    name, _, value = line.partition(":")
    name = name.strip().lower()
    value = value.strip()
    if not name:
        raise ValueError("header without a name: " + line)
    return name, value.split(";")[0]
"""


def moved_code(path: Path) -> Scenario:
    """The buggy function is moved to another file by a pure refactoring before the fix."""
    r = GitRepo(path)
    c1 = r.commit({"http.py": "import os\n\n" + PARSER, "headers.py": "import re\n"}, "Add parser")
    c2 = r.commit(
        {"http.py": "import os\n", "headers.py": "import re\n\n\n" + PARSER}, "Move parser"
    )
    fix = r.commit(
        {"headers.py": "import re\n\n\n" + PARSER.replace('value.split(";")[0]', "value")},
        "Keep header parameters",
    )
    moved = {"c2"}
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": moved, "ag": moved, "ma": moved, "r": moved, "netgain": {"c1"}},
        truth={"c1"},
    )


def formatting_between(path: Path) -> Scenario:
    """A formatter run re-spaces one buggy line and re-quotes another before the fix."""
    r = GitRepo(path)
    v1 = "def label(price, qty):\n    n = price*qty\n    return 'total: %d' % n\n"
    c1 = r.commit({"label.py": v1}, "Add label")
    v2 = "def label(price, qty):\n    n = price*qty+1\n    return 'total: %d' % n\n"
    c2 = r.commit({"label.py": v2.replace("%d", "%i")}, "Count the fee")
    v3 = 'def label(price, qty):\n    n = price * qty + 1\n    return "total: %i" % n\n'
    c3 = r.commit({"label.py": v3}, "Format with black")
    fix = r.commit(
        {"label.py": 'def label(price, qty):\n    n = price * qty\n    return "total: %d" % n\n'},
        "Fix label total",
    )
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2, "c3": c3},
        {
            "b": {"c3"},
            "ag": {"c2", "c3"},
            "ma": {"c2", "c3"},
            "r": {"c3"},
            "netgain": {"c2"},
        },
        truth={"c2"},
    )


BANK = """\
def withdraw(account, amount):
    account.balance -= amount
    return account.balance
"""


def fix_only_adds(path: Path) -> Scenario:
    """The fix only adds a guard: nothing was removed, so only netgain blames around it."""
    r = GitRepo(path)
    c1 = r.commit({"bank.py": BANK}, "Add withdraw")
    c2 = r.commit({"other.py": "X = 1\n"}, "Unrelated")
    guarded = BANK.replace(
        "    account.balance -= amount\n",
        "    if amount > account.balance:\n        raise ValueError(amount)\n"
        "    account.balance -= amount\n",
    )
    fix = r.commit({"bank.py": guarded}, "Refuse overdrafts")
    none: set[str] = set()
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": none, "ag": none, "ma": none, "r": none, "netgain": {"c1"}},
        truth={"c1"},
    )


def large_commit_between(path: Path) -> Scenario:
    """A mass rename across many files touches the buggy line (large = more than 3 files here).

    Every file of the rename is modified line for line, so it is a *mass edit*: all but B look
    past it. Its look-alike is `ordinary_large_commit`."""
    r = GitRepo(path)
    files = {f"m{i}.py": f"from lib import helper\nX{i} = helper({i})\n" for i in range(5)}
    r.commit(files, "Add modules")
    c1 = r.commit({"calc.py": "from lib import helper\nRATE = helper(2) + 1\n"}, "Add rate")
    renamed = {k: v.replace("helper", "assist") for k, v in files.items()}
    c2 = r.commit(
        {**renamed, "calc.py": "from lib import assist\nRATE = assist(2) + 1\n"}, "Rename helper"
    )
    fix = r.commit({"calc.py": "from lib import assist\nRATE = assist(2)\n"}, "Fix rate")
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": {"c2"}, "ag": {"c1"}, "ma": {"c1"}, "r": {"c1"}, "netgain": {"c1"}},
        large_files=3,
        truth={"c1"},
    )


def ordinary_large_commit(path: Path) -> Scenario:
    """A large commit that also adds files writes the buggy line: a rewrite, not a mass edit.

    AG, MA and R look past every large commit and land on the line's previous author; netgain
    looks past only mass edits (`large_commit_between`), so it keeps the rewrite."""
    r = GitRepo(path)
    c1 = r.commit({"calc.py": "from lib import helper\nRATE = helper(2)\n"}, "Add rate")
    added = {f"core/n{i}.py": f"from lib import helper\nN{i} = {i}\n" for i in range(4)}
    c2 = r.commit(
        {**added, "calc.py": "from lib import helper\nRATE = helper(2) + 1\n"}, "Rewrite core"
    )
    fix = r.commit({"calc.py": "from lib import helper\nRATE = helper(2)\n"}, "Fix rate")
    past = {"c1"}
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": {"c2"}, "ag": past, "ma": past, "r": past, "netgain": {"c2"}},
        large_files=3,
        truth={"c2"},
    )


def _one_of_two(r: GitRepo, fix: str, c1: str, c2: str, chosen: str) -> Scenario:
    """B, AG and MA report both candidates, R the more recent `c2`, netgain `chosen`."""
    both = {"c1", "c2"}
    expected = {"b": both, "ag": both, "ma": both, "r": {"c2"}, "netgain": {chosen}}
    return Scenario(r, fix, {"c1": c1, "c2": c2}, expected, truth={chosen})


def most_lines_win(path: Path) -> Scenario:
    """The fix rewrites three lines one commit wrote and one line a later commit touched.

    R keeps the most recent candidate; netgain the one that wrote most of the changed code."""
    r = GitRepo(path)
    v1 = "def fee(x):\n    base = x * 3\n    extra = base / 7\n    total = base + extra\n"
    c1 = r.commit({"fee.py": v1 + "    return total\n"}, "Add fee")
    c2 = r.commit({"fee.py": v1 + "    return round(total)\n"}, "Round the fee")
    fixed = "def fee(x):\n    base = x * 2\n    extra = base / 5\n    total = base - extra\n"
    fix = r.commit({"fee.py": fixed + "    return round(total, 2)\n"}, "Fix the fee formula")
    return _one_of_two(r, fix, c1, c2, "c1")


def equal_lines_latest_wins(path: Path) -> Scenario:
    """Look-alike of `most_lines_win`: each candidate wrote one changed code line and neither
    wrote a cosmetic one, so netgain falls back to R's rule, the most recent."""
    r = GitRepo(path)
    c1 = r.commit({"cfg.py": "RATE = 10\nLIMIT = 5\n"}, "Add settings")
    c2 = r.commit({"cfg.py": "RATE = 10\nLIMIT = 50\n"}, "Raise the limit")
    fix = r.commit({"cfg.py": "RATE = 1\nLIMIT = 5\n"}, "Fix the settings")
    return _one_of_two(r, fix, c1, c2, "c2")


def cosmetic_lines_break_a_tie(path: Path) -> Scenario:
    """Each candidate wrote one changed code line; the older also wrote the comment the fix
    corrects. Code lines tie, so the cosmetic line decides for netgain (R: the most recent)."""
    r = GitRepo(path)
    c1 = r.commit({"cfg.py": "# Rate in percent.\nRATE = 10\nLIMIT = 5\n"}, "Add settings")
    c2 = r.commit({"cfg.py": "# Rate in percent.\nRATE = 10\nLIMIT = 50\n"}, "Raise the limit")
    fix = r.commit(
        {"cfg.py": "# Rate in permille.\nRATE = 100\nLIMIT = 5\n"}, "Rate is in permille"
    )
    return _one_of_two(r, fix, c1, c2, "c1")


def fix_only_reindents(path: Path) -> Scenario:
    """The fix wraps existing code in a new condition: every removed line is re-indented.

    AG, MA and R skip re-indented lines and have nothing left; netgain blames them as cosmetic
    lines. Its look-alike is `whitespace_fix_lines`, where a changed code line outranks them."""
    r = GitRepo(path)
    c1 = r.commit({"cart.py": WHITESPACE_V1}, "Add total")
    c2 = r.commit({"cart.py": WHITESPACE_V1 + "\n\nTAX = 0.2\n"}, "Add tax")
    wrapped = """\
def total(items):
    result = 0
    if items is not None:
        for item in items:
            result += item.price
    return result
"""
    fix = r.commit({"cart.py": wrapped + "\n\nTAX = 0.2\n"}, "Accept a missing cart")
    none: set[str] = set()
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": {"c1"}, "ag": none, "ma": none, "r": none, "netgain": {"c1"}},
        truth={"c1"},
    )


def date_filter(path: Path) -> Scenario:
    """A line changed after the incident started cannot have caused it (netgain drops it)."""
    r = GitRepo(path)
    c1 = r.commit({"svc.py": "TIMEOUT = 0\nRETRIES = 3\n"}, "Add settings", date=1_704_067_200)
    c2 = r.commit({"svc.py": "TIMEOUT = 0\nRETRIES = 4\n"}, "More retries", date=1_704_200_000)
    fix = r.commit({"svc.py": "TIMEOUT = 30\nRETRIES = 5\n"}, "Fix timeout", date=1_704_300_000)
    incident = datetime.fromtimestamp(1_704_100_000).astimezone()
    both = {"c1", "c2"}
    return Scenario(
        r,
        fix,
        {"c1": c1, "c2": c2},
        {"b": both, "ag": both, "ma": both, "r": {"c2"}, "netgain": {"c1"}},
        date=incident,
        truth={"c1"},
    )


SCENARIOS: dict[str, Callable[[Path], Scenario]] = {
    "whitespace-fix-lines": whitespace_fix_lines,
    "comment-changes": comment_changes,
    "moved-code": moved_code,
    "formatting-between": formatting_between,
    "fix-only-adds": fix_only_adds,
    "large-commit-between": large_commit_between,
    "ordinary-large-commit": ordinary_large_commit,
    "most-lines-win": most_lines_win,
    "equal-lines-latest-wins": equal_lines_latest_wins,
    "cosmetic-lines-break-a-tie": cosmetic_lines_break_a_tie,
    "fix-only-reindents": fix_only_reindents,
    "date-filter": date_filter,
}
