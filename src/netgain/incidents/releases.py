"""Release tags as deployments, for repositories that record no deployment anywhere else.

A library's release is its deployment (the version users install), and almost every project tags
its releases, so a repository with nothing imported can still answer DORA's deployment frequency
and lead time. A tag is a release when its name is a version: an optional prefix ending in `-`,
`_`, `/` or `@` (`release-`, `pkg@`), an optional `v`, then at least `MAJOR.MINOR` (`v1.2.3`,
`1.2`, `2024.01.05`), optionally followed by a post-release or build part (`1.0.post1`, `1.0-2`,
`1.0+build5`); a name starting with `release-` / `release/` / `release_` is one whatever follows.

Pre-releases (`a1`, `b2`, `rc1`, `-alpha.1`, `.dev3`, `-beta`, `-next`, ...) are left out and
counted: they are not what users run, and counting them would turn a release train's candidates
into extra deployments. Names with any other suffix (`2.0.x` branch markers, `1.0-docs`) are not
versions. Annotated and lightweight tags both count, dated by the tagger date (annotated) or the
tagged commit's committer date (lightweight); tags of anything but a commit are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from netgain import git
from netgain.incidents.deployments import Deployment

# The suffix is words joined by single separators (`-rc.1`, `+build_7`), the first separator
# optional. Written with a mandatory separator inside the repeat: the former
# `(?:[-.+_]?[0-9A-Za-z]+)*` could split one word many ways, and a tag name (chosen by whoever
# pushes to the analysed repository) such as `v1.0aaaa...!` took exponential time to reject.
_VERSION = re.compile(
    r"^(?:[A-Za-z][\w.-]*?[-_/@])?[vV]?(?P<version>\d+(?:\.\d+)+)"
    r"(?P<suffix>(?:[-.+_]?[0-9A-Za-z]+(?:[-.+_][0-9A-Za-z]+)*)?)$"
)
_RELEASE_PREFIX = re.compile(r"^release[-_/]\S", re.IGNORECASE)
_PRE = re.compile(
    r"^(?:a|alpha|b|beta|c|rc|pre|preview|dev|canary|next|nightly|snapshot|m|milestone|insiders)"
    r"\d*$"
)
_POST = re.compile(r"^(?:post|p|r|rev|final|ga|release|hotfix|patch|build)?\d*$")


def release_kind(name: str) -> str | None:
    """ "release", "pre-release", or None when the tag name is not a version."""
    m = _VERSION.match(name)
    if m is None:
        return "release" if _RELEASE_PREFIX.match(name) else None
    tokens = [t for t in re.split(r"[-.+_]", m.group("suffix").lower()) if t]
    # "0a1" or "1rc2" glue the marker to the number: split a token into digits and letters.
    parts = [p for t in tokens for p in re.findall(r"[a-z]+\d*|\d+", t)]
    if any(_PRE.match(p) for p in parts):
        return "pre-release"
    if all(_POST.match(p) for p in parts):
        return "release"
    return "release" if _RELEASE_PREFIX.match(name) else None


@dataclass(slots=True)
class ReleaseTags:
    """Release tags found in a repository, with what was left out and why."""

    deployments: list[Deployment] = field(default_factory=list)
    prereleases: int = 0
    other_tags: int = 0  # tags whose name is not a version

    @property
    def label(self) -> str:
        """Where the deployments came from, for the report's provenance line."""

        def count(n: int, what: str) -> str:
            return f"{n} {what}" + ("" if n == 1 else "s")

        skipped = (
            f", {count(self.prereleases, 'pre-release tag')} left out" if self.prereleases else ""
        )
        return f"git: {count(len(self.deployments), 'release tag')}{skipped}"


def release_tags(root: Path) -> ReleaseTags:
    """Every release tag of the repository as a deployment (see the module docstring)."""
    out = git.run_git(
        root,
        "for-each-ref",
        "--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) "
        "%(creatordate:unix) %(refname)",
        "refs/tags",
    ).decode("utf-8", "replace")
    found = ReleaseTags()
    for line in out.splitlines():
        fields = line.split(" ", 5)
        if len(fields) != 6:
            continue
        kind, obj, peeled_kind, peeled, stamp, ref = fields
        name = ref.removeprefix("refs/tags/")
        target = peeled if kind == "tag" else obj
        if (peeled_kind if kind == "tag" else kind) != "commit" or not stamp.isdigit():
            continue
        what = release_kind(name)
        if what is None:
            found.other_tags += 1
        elif what == "pre-release":
            found.prereleases += 1
        else:
            when = datetime.fromtimestamp(int(stamp), UTC)
            found.deployments.append(Deployment(when, target, f"tag {name}"))
    found.deployments.sort()
    return found
