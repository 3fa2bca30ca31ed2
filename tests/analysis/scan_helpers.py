"""Helpers for driving `netgain scan` in tests: a Typer app, a real git repository, SARIF logs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner, Result

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def scan_app() -> typer.Typer:
    """A root app with only `scan` registered, as `netgain.cli.app` does it."""
    from netgain.cli import scan

    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    scan.register(app)
    return app


def run_scan(*args: str | Path, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(scan_app(), ["scan", *[str(a) for a in args]])
    finally:
        os.chdir(old)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def init_repo(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def sarif_log(
    tool: str, results: list[tuple[str, str, int]], level: str = "error"
) -> dict[str, Any]:
    """A minimal Semgrep-shaped SARIF log: (rule id, path, line) per result, CWE-89 on every rule."""
    rules = sorted({rule for rule, _, _ in results})
    return {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool,
                        "rules": [
                            {"id": r, "properties": {"tags": ["CWE-89: SQL Injection", "security"]}}
                            for r in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": rule,
                        "level": level,
                        "message": {"text": f"{rule} found something"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": path},
                                    "region": {"startLine": line},
                                }
                            }
                        ],
                    }
                    for rule, path, line in results
                ],
            }
        ],
    }


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
