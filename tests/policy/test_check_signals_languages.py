"""`check` routes code in other languages by its signals, as it does Python (issue 16 item 3)."""

from __future__ import annotations

from pathlib import Path

from netgain.cli.check import render_text
from netgain.report.markdown import render_markdown
from tests.gitrepo import GitRepo
from tests.policy.scenario import ADA, BOB, CLAUDE, base_repo
from tests.policy.test_check import check, rule, validate_document

TOKENS_TS = """\
import jwt from "jsonwebtoken";

export function issue(userId: string, secret: string): string {
  return jwt.sign({ sub: userId }, secret, { expiresIn: "1h" });
}
"""

GO_QUERY = """\
package store

import (
\t"database/sql"
\t"fmt"
)

func Find(db *sql.DB, name string) (*sql.Rows, error) {
\treturn db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
}
"""


def _change_after(
    tmp_path: Path, before: tuple[str, str, tuple[str, str]], change: tuple[str, str]
) -> GitRepo:
    """base = the layout plus `before` (path, text, author); feature adds `change` by Bob."""
    repo = base_repo(tmp_path / "r")
    path, text, author = before
    repo.commit({path: text}, "earlier work", author=author)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    repo.commit({change[0]: change[1]}, "the change", author=BOB)
    return repo


def test_typescript_jwt_outside_any_zone_path_gets_the_auth_zone_gate(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"src/lib/tokens.ts": TOKENS_TS}, "token helper" + CLAUDE, author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    assert doc["provenance"]["ai_share"] == 1.0
    validate_document(doc)
    assert [(s["family"], s["path"], s["line"]) for s in doc["signals"]] == [
        ("jwt", "src/lib/tokens.ts", 1),
        ("jwt", "src/lib/tokens.ts", 4),
    ]
    [zone] = doc["zones"]
    assert zone["zone"] == "auth" and zone["files"] == ["src/lib/tokens.ts"]
    assert any(
        "signal jwt (jsonwebtoken.sign()) at src/lib/tokens.ts:4" in r for r in zone["reasons"]
    )
    checkpoint = rule(doc, "architectural-checkpoint")
    assert checkpoint["status"] == "blocked"
    assert "no human-written design document linked for zone(s) auth" in checkpoint["reason"]
    assert doc["verdict"] != "approved"
    assert doc["facts"]["author"]["first_signals"] == ["jwt"]
    assert doc["unparsed_for_signals"] == []


def test_the_same_names_in_a_comment_and_a_string_get_no_zone(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    lookalike = '// uses jwt.sign from "jsonwebtoken"\nexport const doc = "jwt.sign(x)";\n'
    repo.commit({"src/lib/doc.ts": lookalike}, "docs", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    assert doc["signals"] == [] and doc["zones"] == []
    assert rule(doc, "architectural-checkpoint")["status"] == "skipped"


def test_first_raw_sql_in_go_is_per_author_and_language(tmp_path: Path) -> None:
    # Ada wrote string-built SQL in Go before; Bob only ever wrote Python
    old = ("store/old.go", GO_QUERY.replace("Find", "Old"), ADA)
    repo = _change_after(tmp_path, old, ("store/users.go", GO_QUERY))
    doc = check(repo, tmp_path, "")
    validate_document(doc)
    assert [(s["family"], s["line"]) for s in doc["signals"]] == [("raw_sql", 9)]
    assert doc["signals"][0]["detail"] == "db.Query(format:fmt.Sprintf)"
    assert doc["facts"]["author"]["first_signals"] == ["raw_sql"]
    assert "first raw SQL execution this author (bob) has written here" in render_text(doc)
    assert [z["zone"] for z in doc["zones"]] == ["data_access"]

    repo.checkout("base")
    repo.branch("ada-feature")
    repo.commit({"store/users.go": GO_QUERY}, "user lookup", author=ADA)
    doc = check(repo, tmp_path, "", author="ada")
    assert doc["facts"]["author"]["first_signals"] == []


def test_a_file_that_does_not_parse_is_reported_in_every_output(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    broken = 'import jwt from "jsonwebtoken";\nexport function f( {\n  return jwt.sign(x);\n'
    repo.commit(
        {"src/lib/broken.ts": broken, "app/views/users/show.html.erb": "<%= @user.name %>\n"},
        "wip",
        author=BOB,
    )
    doc = check(repo, tmp_path, "")
    validate_document(doc)
    assert [(u["path"], u["line"]) for u in doc["unparsed_for_signals"]] == [
        ("app/views/users/show.html.erb", None),
        ("src/lib/broken.ts", 2),
    ]
    assert "jwt" in doc["facts"]["signals"]  # the parts that parsed still count
    assert "code signals: src/lib/broken.ts:2: TypeScript syntax error" in render_text(doc)
    assert "not fully read for code signals" in render_markdown(doc)


def test_jwt_written_in_javascript_before_is_not_a_first_in_typescript(tmp_path: Path) -> None:
    old = 'const jwt = require("jsonwebtoken");\nmodule.exports = (t) => jwt.verify(t, "k");\n'
    repo = _change_after(tmp_path, ("legacy/verify.js", old, BOB), ("src/lib/tokens.ts", TOKENS_TS))
    doc = check(repo, tmp_path, "")
    assert "jwt" in doc["facts"]["signals"]
    assert doc["facts"]["author"]["first_signals"] == []
