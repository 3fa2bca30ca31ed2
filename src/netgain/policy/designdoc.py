"""Design documents linked from a pull request description.

A link counts when it is either
* a file of this repository matching `[design_docs].paths` (a relative path, `/path`, or a
  `https://github.com/OWNER/REPO/blob/REF/path` URL) that exists at head and whose lines are not
  AI-written according to provenance (blame at head, each line through its commit's attribution),
* or an external URL matching `[design_docs].urls` (wiki, RFC tracker).

An AI-written design document does not count, and the result says so with the line counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from netgain import git
from netgain.history.queries import CommitProvenance
from netgain.history.share import compute_share
from netgain.policy.globs import path_matches, url_matches
from netgain.policy.schema import DesignDocs

_MD_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")
_PATHLIKE = re.compile(
    r"(?<![\w/.:-])(\.{0,2}/?[\w.\-]+(?:/[\w.\-]+)+\.(?:md|markdown|rst|txt|adoc))\b"
)
_GITHUB_BLOB = re.compile(r"^https?://github\.com/([^/]+/[^/]+)/blob/[^/]+/(.+)$")
MAX_LINKS = 50
MAX_BODY = 65_536


@dataclass(slots=True)
class DesignDocCheck:
    """One link found in the description and whether it counts."""

    link: str
    kind: str  # repository | external | ignored
    path: str | None
    accepted: bool
    reason: str
    ai_lines: int = 0
    human_lines: int = 0
    unknown_lines: int = 0
    # rejected only for its authorship evidence (AI-written or without human evidence): a
    # reviewer's attestation (policy.attestation) can make it count
    attestable: bool = False
    attested_by: list[str] = field(default_factory=list)
    # [design_docs] must_predate_change / owner_approval (policy.docorigin): how it was checked
    predates: str | None = None
    owner_approved_by: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "link": self.link,
            "kind": self.kind,
            "path": self.path,
            "accepted": self.accepted,
            "reason": self.reason,
            "attested_by": self.attested_by,
            "predates": self.predates,
            "owner_approved_by": self.owner_approved_by,
            "lines": {
                "ai": self.ai_lines,
                "human": self.human_lines,
                "unknown": self.unknown_lines,
            },
        }


def doc_names(check: DesignDocCheck) -> set[str]:
    """The ways a review may name the document: the link as written, or its repository path."""
    names = {check.link}
    if check.path is not None:
        names |= {check.path, "/" + check.path, "./" + check.path}
    return names


def extract_links(body: str) -> list[str]:
    """Markdown link targets, bare URLs and repository-looking document paths, in order, unique."""
    found: list[str] = []
    body = body[:MAX_BODY]  # GitHub caps descriptions at 65,536 characters; so does netgain
    for regex in (_MD_LINK, _URL, _PATHLIKE):
        for match in regex.finditer(body):
            link = match.group(1) if regex is not _URL else match.group(0)
            link = link.rstrip(".,;:")
            if link not in found:
                found.append(link)
    return found[:MAX_LINKS]


def _repo_path(link: str, repository: str | None) -> str | None:
    blob = _GITHUB_BLOB.match(link)
    if blob:
        if repository and blob.group(1).lower() != repository.lower():
            return None
        return unquote(blob.group(2).split("#")[0].split("?")[0])
    if urlparse(link).scheme:
        return None
    path = link.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]
    while path.startswith(("./", "/")):
        path = path[2:] if path.startswith("./") else path[1:]
    if ".." in path.split("/"):
        return None
    return path or None


def check_design_docs(
    repo: Path,
    head: str,
    body: str,
    config: DesignDocs,
    provenance_for: Callable[[list[str]], dict[str, CommitProvenance]],
    *,
    repository: str | None = None,
    trust_human_claims: bool = False,
) -> list[DesignDocCheck]:
    """Check every link of `body`; `provenance_for(shas)` loads the attribution of commits."""
    checks: list[DesignDocCheck] = []
    seen_paths: set[str] = set()
    for link in extract_links(body):
        path = _repo_path(link, repository)
        if path is not None and path_matches(config.paths, path):
            if path in seen_paths:
                continue
            seen_paths.add(path)
            checks.append(
                _check_file(repo, head, link, path, config, provenance_for, trust_human_claims)
            )
        elif urlparse(link).scheme in ("http", "https") and url_matches(config.urls, link):
            checks.append(
                DesignDocCheck(
                    link, "external", None, True, "matches a design-document URL pattern"
                )
            )
    return checks


def _check_file(
    repo: Path,
    head: str,
    link: str,
    path: str,
    config: DesignDocs,
    provenance_for: Callable[[list[str]], dict[str, CommitProvenance]],
    trust_human_claims: bool = False,
) -> DesignDocCheck:
    if git.read_blob(repo, head, path) is None:
        return DesignDocCheck(link, "repository", path, False, f"{path} does not exist at head")
    out = git.run_git(repo, "--literal-pathspecs", "log", "--format=%H", head, "--", path)
    shas = out.decode().split()
    result = compute_share(repo, None, head, provenance_for(shas), paths=[path], label=path, jobs=1)
    ai, human, unknown = result.ai, result.human, result.unknown
    total = ai + human + unknown
    check = DesignDocCheck(link, "repository", path, False, "", ai, human, unknown)
    # as the gate counts them: without evidence (or on the author's untrusted claim) is AI
    claimed = 0 if trust_human_claims else result.declared_human
    counted_ai = ai + (unknown + claimed if config.unknown_as == "ai" else 0)
    if result.problems:
        check.reason = f"cannot attribute {path}: {result.problems[0].message}"
    elif total == 0:
        check.reason = f"{path} is empty"
    elif ai / total > config.max_ai_share:
        check.attestable = True
        check.reason = (
            f"{path} is AI-written ({ai} of {total} lines by AI, more than "
            f"{config.max_ai_share:.0%}): an AI-written design document does not count"
        )
    elif counted_ai / total > config.max_ai_share:
        check.attestable = True
        only_claimed = f", {claimed} human only by the author's claim" if claimed else ""
        check.reason = (
            f"{path} lacks human evidence ({unknown} of {total} lines without evidence"
            f'{only_claimed}; [design_docs] unknown_as = "ai"): a design document counts '
            "when its lines carry human evidence (git-ai notes, Agent Trace human ranges)"
        )
    elif config.require_human_evidence and human * 2 <= total:
        check.attestable = True
        check.reason = (
            f"{path}: only {human} of {total} lines carry human-authorship evidence "
            "(require_human_evidence = true)"
        )
    else:
        check.accepted = True
        check.reason = (
            f"{path} exists at head and is human-written ({human} human, {unknown} unattributed, "
            f"{ai} AI of {total} lines)"
        )
    return check
