"""A small repository with a known history for tracing reported findings (dates from 2024-01-01).

day 1   human   "Add user listing"          app.py (list_users, health)
day 2   AI      "feat: search users by name" app.py find_user builds SQL from `name` (lines 12-14)
day 3   human   "Add report download"       files.py read_report joins a user path (lines 4-7)
day 10  human   "Use a bound parameter ..."  fixes find_user; cites PT-2024-001 and CVE-2024-12345
day 20  AI      "refactor: name the path"    rewrites files.py lines 5-6 (after BB-77 was found)
"""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import BASE_EPOCH, GitRepo

DAY = 86_400
CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
HUMAN = "\n\nAI-Assisted: none\n"
CONFIG = """\
[[provenance.markers]]
tool = "human"
kind = "human"
field = "trailer"
pattern = "^AI-Assisted: none"
"""
APP = (
    "import db\n\n\n"
    "def list_users(conn):\n"
    '    return conn.execute("SELECT name FROM users")\n\n\n'
    "def health():\n"
    '    return "ok"\n'
)
FIND_USER = (
    "\n\ndef find_user(conn, name):\n"
    '    query = "SELECT * FROM users WHERE name = \'" + name + "\'"\n'
    "    return conn.execute(query)\n"
)
FIXED = (
    "\n\ndef find_user(conn, name):\n"
    '    query = "SELECT * FROM users WHERE name = ?"\n'
    "    return conn.execute(query, (name,))\n"
)
FILES = (
    "import os\n\n\n"
    "def read_report(base, name):\n"
    "    path = os.path.join(base, name)\n"
    "    with open(path) as fh:\n"
    "        return fh.read()\n"
)


def build_shop(path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo(path)
    c: dict[str, str] = {}
    c["human"] = repo.commit({"app.py": APP}, "Add user listing" + HUMAN, date=BASE_EPOCH + DAY)
    c["ai"] = repo.commit(
        {"app.py": APP + FIND_USER},
        "feat: search users by name" + CLAUDE,
        date=BASE_EPOCH + 2 * DAY,
    )
    c["human2"] = repo.commit(
        {"files.py": FILES}, "Add report download" + HUMAN, date=BASE_EPOCH + 3 * DAY
    )
    c["fix"] = repo.commit(
        {"app.py": APP + FIXED},
        "Use a bound parameter in find_user\n\nFixes PT-2024-001 (CVE-2024-12345)\n"
        + HUMAN.lstrip(),
        date=BASE_EPOCH + 10 * DAY,
    )
    c["ai2"] = repo.commit(
        {"files.py": FILES.replace("path = ", "target = ").replace("open(path)", "open(target)")},
        "refactor: name the path" + CLAUDE,
        date=BASE_EPOCH + 20 * DAY,
    )
    (path / "netgain.toml").write_text(CONFIG)  # untracked: read from the work tree
    return repo, c


FINDINGS_CSV = """\
id,source,title,cwe,severity,file,line,endpoint,found_at
PT-2024-001,,SQL injection in user search,CWE-89,critical,app.py,13,,2024-01-08
BB-77,bounty,Path traversal in report download,CWE-22,high,files.py,5-6,,2024-01-15
BB-78,bounty,Open redirect after login,CWE-601,medium,,,/login?next=,2024-01-16
,,Missing rate limit on login,CWE-307,9.1,,,POST /api/login,2024-01-17
PT-2024-002,,Reflected XSS,CWE-79,urgent,app.py,3,,2024-01-08
PT-2024-003,,Somewhere,CWE-79,low,,,,2024-01-08
PT-2024-004,,Before the code existed,CWE-89,high,app.py,13,,2023-12-01
"""
