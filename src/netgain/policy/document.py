"""The decision as one JSON-ready document: the single source for every output format.

Schema (version 1) is documented in docs/policy.md; `netgain check --format json` prints it as is.
"""

from __future__ import annotations

from typing import Any

from netgain.git.model import GitProblem
from netgain.policy.evaluate import Decision
from netgain.policy.facts import ChangeContext
from netgain.policy.schema import Policy
from netgain.text import storable

SCHEMA_VERSION = 1


def _problem(p: GitProblem) -> dict[str, Any]:
    return {"kind": p.kind, "message": storable(p.message), "path": p.path, "sha": p.sha}


def build_document(ctx: ChangeContext, decision: Decision, policy: Policy) -> dict[str, Any]:
    """Everything a reviewer, a bot or a dashboard needs about this change's gate decision."""
    share = ctx.share
    silenced = {id(s.finding): s.reason for s in ctx.suppressions if not s.accepted_by}
    findings = [
        {
            "rule_id": f.rule_id,
            "severity": str(f.severity),
            "confidence": str(f.confidence),
            "cwe": list(f.cwe),
            "message": f.message,
            "path": f.location.path,
            "line": f.location.line,
            "snippet": f.location.snippet,
            "trace": [
                {"path": s.location.path, "line": s.location.line, "message": s.message}
                for s in f.trace
            ],
            "suppressed_in_change": silenced.get(id(f)),
        }
        for f in ctx.findings
    ]
    reviewers: list[dict[str, Any]] = []
    for rule in decision.rules:
        for req in rule.requirements:
            if (
                req.kind == "approvals"
                and not req.satisfied
                and rule.status not in ("skipped", "error")
            ):
                reviewers.append(
                    {
                        "rule": rule.name,
                        "tier": rule.tier,
                        "needed": req.count - len(req.approved_by),
                        "from": req.eligible_from,
                        "suggested": req.suggestions,
                    }
                )
    return {
        "schema_version": SCHEMA_VERSION,
        "verdict": decision.verdict,
        "exit_code": decision.exit_code,
        "base": ctx.base,
        "head": ctx.head,
        "pull_request": ctx.pr.number,
        "author": ctx.author_login,
        "policy": {
            "source": policy.source,
            "defaulted_sections": list(policy.defaulted),
            "read_from": None,
        },
        "policy_files_changed": list(ctx.policy_files),
        "stale_approvals": [s.to_dict() for s in ctx.stale_approvals],
        "suppressed_in_change": [s.to_dict() for s in ctx.suppressions],
        "provenance": {
            "ai_lines": share.ai if share else 0,
            "human_lines": share.human if share else 0,
            "unknown_lines": share.unknown if share else 0,
            "ai_share": ctx.facts.ai_share,
            "measured_ai_share": ctx.facts.measured_ai_share,
            "by_tool": dict(sorted(share.by_tool.items())) if share else {},
            "provenance_coverage": ctx.facts.provenance_coverage,
            "unknown_share": ctx.facts.unknown_share,
            "evidence": {
                "line": ctx.facts.line_evidence_lines,
                "commit": ctx.facts.commit_evidence_lines,
                "declared_human": ctx.facts.declared_human_lines,
                "none": share.unknown if share else 0,
            },
            "unknown_as_ai_lines": ctx.facts.unknown_as_ai_lines,
            "unknown_as": policy.provenance.unknown_as,
            "trust_human_claims": policy.provenance.trust_human_claims,
        },
        "zones": [z.to_dict() for z in sorted(ctx.zones.values(), key=lambda z: z.name)],
        "signals": [
            {"family": s.family, "path": s.path, "line": s.line, "detail": s.detail}
            for s in ctx.signals
        ],
        "findings": findings,
        "unparsed_files": [
            {"path": u.path, "reason": u.reason, "line": u.line} for u in ctx.unparsed
        ],
        "unparsed_for_signals": [
            {"path": u.path, "reason": u.reason, "line": u.line} for u in ctx.unparsed_for_signals
        ],
        "files": [f.to_dict() for f in ctx.files],
        "imported": [
            {
                "tool": r.tool,
                "source": r.source,
                "languages": sorted(r.languages),
                "for_other_revision": r.for_other_revision,
            }
            for r in ctx.imported
        ],
        "design_documents": [d.to_dict() for d in ctx.design_docs],
        "coverage": None
        if ctx.coverage is None
        else {
            "ratio": ctx.coverage.ratio,
            "covered": ctx.coverage.covered,
            "executable": ctx.coverage.executable,
            "uncovered": ctx.coverage.uncovered,
        },
        "rules": [r.to_dict() for r in decision.rules],
        "tree": decision.tree.to_dict(),
        "tiers": decision.tiers,
        "reviewers": reviewers,
        "facts": ctx.facts.to_dict(),
        "risk_reasons": ctx.risk_reasons,
        "codeowners": {
            "path": ctx.codeowners.path,
            "problems": [{"line": p.line, "message": p.message} for p in ctx.codeowners.problems],
        },
        "problems": [_problem(p) for p in ctx.problems],
        "timings": {k: round(v, 4) for k, v in ctx.timings.items()},
    }
