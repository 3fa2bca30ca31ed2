"""Valid documents in the real shape of each input, which the fuzz strategies mutate.

Most are the fixtures other tests already read (real exports of GitHub, GitLab, Jira, PagerDuty,
real SARIF of four scanners); the rest are written here in the documented format.
"""

from __future__ import annotations

import json
from pathlib import Path

from netgain.policy.defaults import STARTER_POLICY

# The recorded documents are the test suite's data files (read, never imported), and the
# GitHub payloads the benchmarks' own.
TESTS = Path(__file__).resolve().parents[2] / "tests"
INCIDENTS = TESTS / "incidents" / "data"
PAYLOADS = Path(__file__).resolve().parents[1] / "payloads" / "github"
SARIF = TESTS / "analysis" / "sarif_samples"


def _read(*paths: Path) -> tuple[bytes, ...]:
    return tuple(path.read_bytes() for path in paths)


_GITAI_METADATA = {
    "schema_version": "authorship/3.0.0",
    "git_ai_version": "1.4.0",
    "base_commit_sha": "d" * 40,
    "prompts": {
        "0123456789abcdef": {
            "agent_id": {"tool": "cursor", "id": "p1", "model": "gpt-5"},
            "human_author": "Ada <ada@example.com>",
            "total_additions": 12,
            "accepted_lines": 10,
            "overriden_lines": 2,
        }
    },
    "sessions": {
        "s_0a1b2c3d4e5f60": {
            "agent_id": {"tool": "claude", "id": "abc", "model": "claude-opus-4-6"},
            "custom_attributes": {"team": "core"},
        }
    },
    "humans": {"h_abcdefabcdef01": {"author": "Ada <ada@example.com>"}},
}
GITAI = (
    (
        "src/app.py\n"
        "  s_0a1b2c3d4e5f60::t_99887766554433 1-4,9,12\n"
        "  h_abcdefabcdef01 5-6\n"
        '"docs/read me.md"\n'
        "  0123456789abcdef 3\n"
        "---\n" + json.dumps(_GITAI_METADATA, indent=2)
    ).encode(),
    json.dumps(
        {
            "schema_version": "authorship/0.0.1",
            "files": {
                "src/a.py": {
                    "file": "src/a.py",
                    "authors": [
                        {
                            "author": "Claude",
                            "lines": [1, [3, 7]],
                            "agent_metadata": {"model": "x"},
                        },
                        {"author": "ada", "lines": [[8, 9]], "agent_metadata": None},
                    ],
                }
            },
        },
        indent=2,
    ).encode(),
)

_TRACE = {
    "version": "0.1.0",
    "id": "3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e",
    "timestamp": "2026-01-15T10:00:00Z",
    "vcs": {"type": "git", "revision": "0123456789abcdef0123456789abcdef01234567"},
    "tool": {"name": "cursor", "version": "2.0"},
    "files": [
        {
            "path": "./src/app.py",
            "conversations": [
                {
                    "url": "https://example.com/c/1",
                    "contributor": {"type": "ai", "model_id": "anthropic/claude-opus-4-5"},
                    "ranges": [
                        {"start_line": 1, "end_line": 5},
                        {"start_line": 6, "end_line": 7, "contributor": {"type": "human"}},
                    ],
                }
            ],
        }
    ],
    "metadata": {"dev.cursor": {"workspace": "x"}},
}
AGENT_TRACE = (
    (json.dumps(_TRACE) + "\n" + json.dumps({**_TRACE, "version": "1.0"}) + "\n").encode(),
    json.dumps([_TRACE], indent=2).encode(),
)

COMMIT_MESSAGES = (
    b"Add login endpoint\n\nBody text: not a trailer.\n\n"
    b"Co-Authored-By: Claude <noreply@anthropic.com>\nSigned-off-by: Ada <ada@example.com>\n",
    b"fix: retry\n\nReviewed-by: Bob\n  continued value\n(cherry picked from commit abc)\n"
    b"# comment\n# ------------------------ >8 ------------------------\nKey: ignored\n",
    b"aider: refactor\n\nConflicts:\n\tsrc/a.py\n",
)

CSV_GENERIC = _read(INCIDENTS / "generic.csv")
CSV_PAGERDUTY = _read(INCIDENTS / "pagerduty.csv")
JSON_GENERIC = _read(INCIDENTS / "generic.json")
JIRA = _read(INCIDENTS / "jira.json", INCIDENTS / "jira_issues.json")
GITHUB_ISSUES = _read(INCIDENTS / "github.json")
INCIDENT_EXPORTS = CSV_GENERIC + CSV_PAGERDUTY + JSON_GENERIC + JIRA + GITHUB_ISSUES
PULLS_GITHUB = _read(INCIDENTS / "github_pulls.json")
PULLS_GITLAB = _read(INCIDENTS / "gitlab_merge_requests.json")
REVIEW_EXPORTS = (
    *_read(INCIDENTS / "github_reviews.json"),
    json.dumps(
        [
            {
                "number": 12,
                "merged_at": "2024-01-02T10:00:00Z",
                "author": "bob",
                "commits": ["a" * 40],
                "labels": ["ai"],
                "reviews": [{"reviewer": "sam", "role": "senior", "hours": 1.5}],
            }
        ],
        indent=1,
    ).encode(),
)
SARIF_LOGS = _read(*sorted(SARIF.glob("*.sarif")))
BASELINES = (
    json.dumps(
        {
            "version": 1,
            "tool": "netgain",
            "findings": [
                {
                    "fingerprint": "ab" * 16,
                    "rule": "sql-injection",
                    "tool": "netgain",
                    "path": "a.py",
                    "line": 3,
                }
            ],
        },
        indent=2,
    ).encode(),
)
# Code in the six languages the signal layer parses: the per-language fixtures (uses and safe
# look-alikes), so mutations start from imports, query calls and built strings.
_SIGNAL_FIXTURES = TESTS / "analysis" / "signal_fixtures"
CODE_SOURCES = tuple(p.read_bytes() for p in sorted(_SIGNAL_FIXTURES.iterdir()))

SUPPRESSED_SOURCES = (
    b"import os\n\n"
    b"def run(cmd):\n"
    b"    os.system(cmd)  # netgain: ignore[command-injection] cmd is a constant in callers\n"
    b"    # netgain: ignore[sql-injection, xss] -- reviewed in #12\n"
    b"    query = 'SELECT %s' % cmd\n"
    b"    x = 1  # netgain: ignore[secrets]\n",
)
JS_SOURCES = (
    b'import { exec } from "child_process";\n'
    b'app.get("/u", async (req, res) => {\n'
    b"  const { id, name } = req.query;\n"
    b"  await db.query(`SELECT * FROM u WHERE id = ${id}`, [name]);\n"
    b"  if (!ALLOWED.includes(name)) return res.status(400).end(); // netgain: ignore[x] y\n"
    b'  exec("ls " + name);\n'
    b"});\n",
    b"export async function GET(request: Request, { params }) {\n"
    b'  const q = new URL(request.url).searchParams.get("q") ?? "";\n'
    b"  return redirect(`/${q}` + params.slug);\n"
    b"}\n",
)
EVENTS = _read(
    PAYLOADS / "pull_request_opened.json", PAYLOADS / "pull_request_review_submitted.json"
)
REVIEW_LISTS = _read(PAYLOADS / "reviews_list.json")
CODEOWNERS = (
    b"# owners\n*            @carol\n/src/auth/   @ada @org/security\n"
    b"docs/*  docs@example.com\n**/logs @ops\napps/ @apps\n/build/logs/\n\\#file @hash\n",
)
COVERAGE = (
    b'<?xml version="1.0" ?>\n<coverage version="7.6">\n<sources><source>/ci/src</source></sources>\n'
    b'<packages><package name="app"><classes>\n<class name="users.py" filename="app/users.py">\n'
    b'<lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>\n'
    b"</class></classes></package></packages></coverage>\n",
    b"TN:\nSF:src/app/users.py\nFN:1,main\nDA:1,0\nDA:3,5\nLF:2\nLH:1\nend_of_record\n",
)
POLICIES = (
    STARTER_POLICY.encode(),
    b'[people]\nteams = { platform = ["ada", "bob"] }\nroles = { senior = ["sam", "@platform"] }\n'
    b'[design_docs]\nurls = ["https://wiki.example.com/*/design/*"]\n'
    b'[[rules]]\nname = "senior"\nif = "change.ai_share > 0.5 && \'auth\' in change.zones"\n'
    b'approvals = [{ count = 1, roles = ["senior"] }]\n'
    b'[approval]\nall_of = ["senior", { any_of = ["senior"] }]\n'
    b'[[provenance.markers]]\ntool = "bot"\nfield = "trailer"\npattern = "^AI-Assisted: (?P<m>\\\\S+)"\n'
    b'model_group = "m"\n',
)
CEL_CONDITIONS = (
    b"true",
    b"change.ai_share > 0.5",
    b"'auth' in change.zones && change.risk >= 0.3",
    b"change.paths.exists(p, p.startsWith('src/auth/') || p.matches('^migrations/.*\\\\.sql$'))",
    b"size(change.labels) == 0 || !('no-ai' in change.labels)",
    b"change.author.first_signals.all(s, s != 'raw_sql') ? change.ai_lines > 10 : false",
)
