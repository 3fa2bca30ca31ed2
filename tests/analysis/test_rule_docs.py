"""Every registered rule documents itself completely and is exercised by the fixture corpus."""

from __future__ import annotations

import re

import pytest

import netgain.analysis.rules  # noqa: F401 - registers every rule
from netgain.analysis.rules.base import DOC_SECTIONS, RuleMeta, all_rules, rule_meta
from netgain.analysis.taint_models import default_models
from tests.analysis.fixture_corpus import load_fixtures

RULES = all_rules()


def test_the_rule_table_is_populated() -> None:
    ids = {r.id for r in RULES}
    expected = {
        "sql-injection", "command-injection", "code-injection", "path-traversal", "ssrf", "xss",
        "open-redirect", "insecure-deserialization", "unsafe-yaml-load", "xxe", "ldap-injection",
        "xpath-injection", "trust-boundary-violation", "insecure-cookie", "cookie-without-httponly",
        "weak-hash", "weak-randomness", "weak-cipher", "hardcoded-secret", "jwt-unverified",
        "timing-unsafe-comparison", "weak-password-hash", "tls-verification-disabled",
        "debug-enabled", "csrf-disabled", "missing-authorization", "permissive-cors",
        "insecure-temp-file", "hardcoded-password", "cleartext-credentials", "regex-injection",
        "inefficient-regex", "exception-exposure", "xml-entity-expansion", "weak-key-size",
        "weak-tls-version", "autoescape-disabled",
    }  # fmt: skip
    assert expected <= ids, sorted(expected - ids)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_every_doc_section(rule: RuleMeta) -> None:
    assert rule.missing_sections() == [], f"{rule.id} misses {rule.missing_sections()}"
    assert list(rule.sections())[: len(DOC_SECTIONS)] == list(DOC_SECTIONS)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_metadata_is_well_formed(rule: RuleMeta) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
    assert rule.cwe and all(isinstance(c, int) and c > 0 for c in rule.cwe)
    primary = f"cwe.mitre.org/data/definitions/{rule.cwe[0]}.html"
    assert primary in rule.sections()["References"], f"{rule.id} must link its primary CWE"
    assert not rule.name.startswith(("Disallow", "Banned")), "names describe the bad pattern"


def test_a_missing_section_is_detected() -> None:
    broken = RuleMeta(
        id="x", name="X", family="f", cwe=(1,), severity=RULES[0].severity, confidence=RULES[0].confidence,
        summary="s", doc="## What it does\nthing\n## Example\ncode",
    )  # fmt: skip
    assert broken.missing_sections() == ["Why is this bad?", "Use instead", "References"]


def test_duplicate_rule_ids_are_refused() -> None:
    existing = RULES[0]
    with pytest.raises(ValueError, match="duplicate rule id"):
        rule_meta(
            id=existing.id, name="Other", family=existing.family, cwe=(1,), severity=existing.severity,
            confidence=existing.confidence, summary="other", doc=existing.doc,
        )  # fmt: skip


def test_every_taint_sink_names_a_registered_rule() -> None:
    ids = {r.id for r in RULES}
    models = default_models()
    assert {s.rule for s in models.sinks} <= ids
    assert {s.rule for s in models.name_sinks} <= ids
    assert {r for s in models.sanitizers for r in s.rules} - {"*"} <= ids


def test_every_rule_has_positive_and_negative_fixtures() -> None:
    expected: set[str] = set()
    ok: set[str] = set()
    for fixture in load_fixtures():
        expected |= {k[2] for k in fixture.expect}
        ok |= {k[2] for k in fixture.ok}
    ids = {r.id for r in RULES}
    assert ids - expected == set(), "rules without an `# expect:` fixture"
    assert ids - ok == set(), "rules without an `# ok:` look-alike"
