"""Which changed files an imported SARIF run analysed, as far as the run itself shows.

A SARIF file lists what a tool found, not everything it read, so the gate only credits a run with
the languages the run demonstrably analysed (docs/policy.md "Not analysed"):

* the languages of the tool when it has only one or a few (Bandit: Python; gosec: Go);
* the language a rule id names: CodeQL's `js/sql-injection` (JavaScript and TypeScript), Semgrep
  registry ids such as `typescript.express.security...`;
* GitHub's analysis category in `automationDetails.id` (`/language:javascript-typescript/`);
* the languages of the files the run lists as artifacts or reports results in.

Secret scanners (gitleaks, trufflehog) analyse no language: their results count, their coverage
does not. A file the tool reported an error for (an extraction failure) is not covered by that
run. A run whose `versionControlProvenance` names other revisions than the change's head is for
other code and covers nothing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netgain.analysis.languages import classify
from netgain.analysis.sarif_import import ImportedRun

_TOOL_LANGUAGES: dict[str, frozenset[str]] = {
    "bandit": frozenset({"Python"}),
    "pyre": frozenset({"Python"}),
    "pysa": frozenset({"Python"}),
    "gosec": frozenset({"Go"}),
    "govulncheck": frozenset({"Go"}),
    "brakeman": frozenset({"Ruby"}),
    "eslint": frozenset({"JavaScript", "TypeScript"}),
    "njsscan": frozenset({"JavaScript", "TypeScript"}),
    "nodejsscan": frozenset({"JavaScript", "TypeScript"}),
    "spotbugs": frozenset({"Java"}),
    "findsecbugs": frozenset({"Java"}),
    "psalm": frozenset({"PHP"}),
    "phpstan": frozenset({"PHP"}),
    "security code scan": frozenset({"C#"}),
    "clippy": frozenset({"Rust"}),
    "shellcheck": frozenset({"Shell"}),
}
_NO_LANGUAGE = frozenset({"gitleaks", "trufflehog", "detect-secrets", "trivy", "grype", "osv"})
# Language names as scanners spell them in rule ids and categories.
_SPELLINGS: dict[str, frozenset[str]] = {
    "js": frozenset({"JavaScript", "TypeScript"}),
    "javascript": frozenset({"JavaScript", "TypeScript"}),
    "javascript-typescript": frozenset({"JavaScript", "TypeScript"}),
    "typescript": frozenset({"TypeScript", "JavaScript"}),
    "ts": frozenset({"TypeScript"}),
    "py": frozenset({"Python"}),
    "python": frozenset({"Python"}),
    "java": frozenset({"Java", "Kotlin"}),
    "java-kotlin": frozenset({"Java", "Kotlin"}),
    "kotlin": frozenset({"Kotlin"}),
    "go": frozenset({"Go"}),
    "rb": frozenset({"Ruby"}),
    "ruby": frozenset({"Ruby"}),
    "php": frozenset({"PHP"}),
    "cs": frozenset({"C#"}),
    "csharp": frozenset({"C#"}),
    "cpp": frozenset({"C", "C++"}),
    "c-cpp": frozenset({"C", "C++"}),
    "c": frozenset({"C"}),
    "swift": frozenset({"Swift"}),
    "rust": frozenset({"Rust"}),
    "scala": frozenset({"Scala"}),
    "bash": frozenset({"Shell"}),
    "shell": frozenset({"Shell"}),
    "elixir": frozenset({"Elixir"}),
    "solidity": frozenset({"Solidity"}),
    "lua": frozenset({"Lua"}),
    "dart": frozenset({"Dart"}),
    "apex": frozenset(),
}
_RULE_PREFIX = re.compile(r"^([A-Za-z#+-]+)[./]")
_CATEGORY_LANGUAGE = re.compile(r"language:([A-Za-z#+-]+)")


@dataclass(slots=True)
class RunCoverage:
    """What one imported run covers for one head: its tool, languages and excluded files."""

    tool: str
    source: str
    languages: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    for_other_revision: str | None = None  # the revision it names when that is not the head

    def covers(self, path: str, language: str) -> bool:
        return (
            self.for_other_revision is None
            and language in self.languages
            and path not in self.failed
        )


def run_languages(run: ImportedRun) -> set[str]:
    """The languages `run` shows it analysed (see the module docstring)."""
    tool = run.tool.strip().lower()
    if tool in _NO_LANGUAGE:
        return set()
    languages = set(_TOOL_LANGUAGES.get(tool, frozenset()))
    for rule_id in run.rule_ids:
        match = _RULE_PREFIX.match(rule_id)
        if match is not None:
            languages |= _SPELLINGS.get(match.group(1).lower(), frozenset())
    if run.automation_id:
        for name in _CATEGORY_LANGUAGE.findall(run.automation_id):
            languages |= _SPELLINGS.get(name.lower(), frozenset())
    for path in [*run.artifact_paths, *(f.location.path for f in run.findings)]:
        kind = classify(path)
        if kind.is_code:
            languages.add(kind.language)
    return languages


def run_coverage(run: ImportedRun, head: str) -> RunCoverage:
    """`run`'s coverage of the change whose head commit is `head` (a full sha)."""
    coverage = RunCoverage(run.tool, run.source, run_languages(run), set(run.failed_paths))
    named = [r for r in run.revisions if r]
    if named and not any(head.startswith(r) or r.startswith(head) for r in named if len(r) >= 7):
        coverage.for_other_revision = named[0]
    return coverage
