"""The issue's "Done when": a TypeScript change with string-built SQL is not approved.

A real git repository, a change by one author reviewed by a peer, `netgain check` run as the
CLI runs it: the string-built query is a finding that blocks the gate; the parameterised
look-alike passes; a TypeScript file netgain cannot parse is not called analysed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo
from tests.policy.scenario import BOB, base_repo
from tests.policy.test_check import check, rule, validate_document

STRING_BUILT = """\
import { Router } from "express";
import { pool } from "../db";

export const users = Router();

users.get("/users", async (req, res) => {
  const { name } = req.query;
  const sql = `SELECT id, email FROM users WHERE name = '${name}'`;
  const { rows } = await pool.query(sql);
  res.json(rows);
});
"""

PARAMETERISED = """\
import { Router } from "express";
import { pool } from "../db";

export const users = Router();

users.get("/users", async (req, res) => {
  const { name } = req.query;
  const sql = "SELECT id, email FROM users WHERE name = $1";
  const { rows } = await pool.query(sql, [name]);
  res.json(rows);
});
"""


def _change(tmp_path: Path, files: dict[str, str]) -> GitRepo:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit(files, "users endpoint", author=BOB)
    return repo


def _file(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return next(f for f in doc["files"] if f["path"] == path)


def test_a_typescript_endpoint_building_sql_from_the_query_is_not_approved(
    tmp_path: Path,
) -> None:
    repo = _change(tmp_path, {"src/api/users.ts": STRING_BUILT})
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert doc["verdict"] != "approved"
    scan = rule(doc, "security-scan")
    assert scan["status"] == "blocked"
    assert "sql-injection" in scan["reason"]
    [finding] = doc["findings"]
    assert (finding["rule_id"], finding["path"], finding["line"]) == (
        "sql-injection",
        "src/api/users.ts",
        9,
    )
    assert finding["cwe"][0] == 89
    assert [step["line"] for step in finding["trace"]] == [7, 8, 9]
    assert _file(doc, "src/api/users.ts")["analysed_by"] == ["netgain"]
    assert doc["facts"]["unanalysed_files"] == []


def test_the_parameterised_look_alike_is_approved(tmp_path: Path) -> None:
    repo = _change(tmp_path, {"src/api/users.ts": PARAMETERISED})
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert doc["findings"] == []
    assert rule(doc, "security-scan")["status"] == "approved"
    assert doc["verdict"] == "approved"
    assert _file(doc, "src/api/users.ts")["analysed_by"] == ["netgain"]


def test_a_typescript_file_that_does_not_parse_is_not_analysed(tmp_path: Path) -> None:
    broken = PARAMETERISED.replace("res.json(rows);", "res.json(rows;")
    repo = _change(tmp_path, {"src/api/users.ts": broken, "src/web/app.jsx": "export {};\n"})
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert doc["verdict"] == "pending"
    scan = rule(doc, "security-scan")
    assert scan["status"] == "pending"
    assert "src/api/users.ts: not analysed — could not be parsed: syntax error" in scan["reason"]
    assert doc["facts"]["unanalysed_files"] == ["src/api/users.ts"]
    assert _file(doc, "src/web/app.jsx")["analysed_by"] == ["netgain"]
