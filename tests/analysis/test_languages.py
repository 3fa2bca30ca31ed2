"""File classification and SARIF coverage: what the gate treats as code, and who covered it."""

from __future__ import annotations

import pytest

from netgain.analysis.findings import Confidence, Finding, Location, Severity
from netgain.analysis.languages import FileKind, classify, interpreter_language
from netgain.analysis.sarif_coverage import run_coverage, run_languages
from netgain.analysis.sarif_import import ImportedRun


@pytest.mark.parametrize(
    ("path", "kind", "language"),
    [
        ("src/api/users.ts", FileKind.CODE, "TypeScript"),
        ("web/App.JSX", FileKind.CODE, "JavaScript"),
        ("svc/Main.java", FileKind.CODE, "Java"),
        ("app/models/user.rb", FileKind.CODE, "Ruby"),
        ("pkg/db.go", FileKind.CODE, "Go"),
        ("README.md", FileKind.DOCS, ""),
        ("LICENSE", FileKind.DOCS, ""),
        ("deploy/values.yaml", FileKind.CONFIG, ""),
        ("Dockerfile", FileKind.CONFIG, ""),
        (".github/workflows/ci.yml", FileKind.CONFIG, ""),
        ("db/schema.sql", FileKind.DATA, ""),
        ("templates/index.html", FileKind.MARKUP, ""),
        ("tools/unknown.xyz", FileKind.OTHER, ""),
    ],
)
def test_paths_are_classified_by_extension_and_name(
    path: str, kind: FileKind, language: str
) -> None:
    found = classify(path)
    assert (found.kind, found.language) == (kind, language)


@pytest.mark.parametrize(
    ("path", "kind", "language"),
    [
        (".go", FileKind.OTHER, ""),  # a dotfile: no suffix, as PurePosixPath(".go").suffix
        ("pkg/.a.go", FileKind.CODE, "Go"),
        ("pkg/x..go", FileKind.CODE, "Go"),
        ("notes.", FileKind.OTHER, ""),  # a trailing dot is no suffix
        ("dist/a.tar.gz", FileKind.DATA, ""),  # the last suffix counts
        ("v1.2/run", FileKind.OTHER, ""),  # a dot in a folder is not the file's suffix
        ("tools/Makefile", FileKind.CONFIG, ""),
        ("docs/README", FileKind.DOCS, ""),
    ],
)
def test_names_split_as_pathlib_splits_them(path: str, kind: FileKind, language: str) -> None:
    """classify splits names with string operations (a scan's walk calls it for every file);
    suffixes come out as PurePosixPath's would."""
    from pathlib import PurePosixPath

    assert classify(path) == classify(PurePosixPath(path).name)
    assert (classify(path).kind, classify(path).language) == (kind, language)


def test_scripts_without_extension_are_code_by_their_interpreter() -> None:
    assert interpreter_language(b"#!/usr/bin/env python3\n") == "Python"
    assert interpreter_language(b"#!/bin/bash -e\n") == "Shell"
    assert interpreter_language(b"#! /usr/bin/env -S node --no-warnings\n") == "JavaScript"
    assert interpreter_language(b"# not a shebang\n") is None
    assert classify("bin/serve", b"#!/usr/bin/python3.12\n").language == "Python"
    assert classify("bin/data", b"\x00\x01binary").kind is FileKind.OTHER


def _run(tool: str, rule_ids: list[str], **extra: object) -> ImportedRun:
    run = ImportedRun(tool=tool, source="x.sarif", rule_ids=rule_ids)
    for key, value in extra.items():
        setattr(run, key, value)
    return run


def test_a_run_covers_only_the_languages_it_shows() -> None:
    assert run_languages(_run("Bandit", ["B608"])) == {"Python"}
    assert run_languages(_run("CodeQL", ["js/sql-injection"])) >= {"JavaScript", "TypeScript"}
    assert run_languages(_run("Semgrep OSS", ["python.flask.x"])) == {"Python"}
    assert run_languages(_run("Semgrep OSS", ["my-custom-rule"])) == set()
    assert run_languages(_run("gitleaks", ["aws-key"])) == set()
    category = _run("CodeQL", [], automation_id="/language:java-kotlin/")
    assert run_languages(category) == {"Java", "Kotlin"}
    finding = Finding(
        rule_id="r",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        message="m",
        location=Location(path="src/a.go", line=1, column=1),
    )
    assert run_languages(_run("SomeTool", [], findings=[finding])) == {"Go"}


def test_a_run_for_another_revision_or_a_failed_file_covers_nothing() -> None:
    head = "a" * 40
    same = run_coverage(_run("Bandit", [], revisions=[head[:12]]), head)
    assert same.covers("app.py", "Python")
    other = run_coverage(_run("Bandit", [], revisions=["b" * 40]), head)
    assert not other.covers("app.py", "Python") and other.for_other_revision == "b" * 40
    failed = run_coverage(_run("Bandit", [], failed_paths=["bad.py"]), head)
    assert not failed.covers("bad.py", "Python") and failed.covers("ok.py", "Python")
