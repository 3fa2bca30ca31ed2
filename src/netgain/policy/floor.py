"""The organisation floor: a minimum policy that a repository's own policy may tighten, never loosen.

Security writes the floor in the `netgain.toml` format (policy sections only). It comes from
`netgain check --org-policy SPEC` or `$NETGAIN_ORG_POLICY`, where SPEC is a file, a local git
checkout of the organisation's configuration repository (its `netgain.toml` at HEAD), or
`CHECKOUT:PATH` (PATH at that checkout's HEAD); never from inside the repository being judged.
The service reads the same text from the organisation's configuration repository and calls
`floor_from_text`.

The floor takes the place of the built-in default: a section the repository's file leaves out is
the floor's; zones and people's teams, roles and aliases merge by name (the floor's entries are
inherited unless the repository defines them again); any other section the repository writes
replaces the floor's. The result is validated like any policy and then checked against the floor
(`netgain.policy.floor_check`); every loosening is a ConfigError naming the repository file, line
and rule, and the floor's line. The checked policy is the one evaluated, so the floor's rules are
enforced because they are in it. Without a repository policy the floor itself applies (with the
built-in default for the sections it leaves out). docs/policy.md, "Organisation floor".
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgain.config import RawConfig, inside
from netgain.errors import ConfigError, GitError
from netgain.policy.schema import POLICY_SECTIONS, Policy, policy_from_config
from netgain.toml_lines import KeyPath, line_of, remember_text

ORG_POLICY_ENV = "NETGAIN_ORG_POLICY"
DEFAULT_PATH = "netgain.toml"  # inside a configured policy repository
_MERGED = {"zones": (), "people": ("teams", "roles", "aliases")}  # sections merged by entry name


@dataclass(frozen=True, slots=True)
class Loosening:
    """One way a repository's policy is weaker than the floor."""

    loc: KeyPath  # the key in the repository's policy
    subject: str  # "rules[1] 'security-scan'", "people.roles.senior", ...
    what: str  # what was loosened, and why it counts as loosening
    floor_loc: KeyPath  # the key in the floor


@dataclass(frozen=True, slots=True)
class Floor:
    """An organisation floor, validated as a policy of its own."""

    name: str  # shown in messages: the file, or CHECKOUT@SHA:PATH for a configured repository
    data: dict[str, Any]  # the sections as the floor file writes them
    policy: Policy  # the floor alone (built-in default for the sections it leaves out)

    def where(self, loc: KeyPath) -> str:
        """`NAME:LINE` of `loc` in the floor (or of its closest enclosing key)."""
        return _where(self.name, loc)

    def sets(self, section: str) -> bool:
        """Whether the floor file writes `section` (a section it leaves out constrains nothing)."""
        return section in self.data

    def layered(self, raw: RawConfig) -> RawConfig:
        """The repository's configuration over the floor (see the module docstring)."""
        data = dict(raw.data)
        for section in POLICY_SECTIONS:
            if section not in self.data:
                continue
            if section not in data:
                # the repository's own rules without a tree: all of them are required
                if section != "approval" or "rules" not in raw.data:
                    data[section] = self.data[section]
            elif section in _MERGED:
                data[section] = _merge(self.data[section], data[section], _MERGED[section])
        return RawConfig(data, raw.source)

    def apply(self, raw: RawConfig) -> Policy:
        """The policy to evaluate: the repository's over the floor, checked against the floor.

        Raises:
            ConfigError: the merged policy is invalid, or loosens the floor (every loosening is
                listed, one per line, each with the repository's and the floor's line).
        """
        from netgain.policy.floor_check import loosenings

        if raw.source is None and not raw.data:
            return self.policy
        policy = policy_from_config(self.layered(raw))
        found = loosenings(self, policy)
        if found:
            prefix: KeyPath = ("tool", "netgain") if _is_pyproject(raw.source) else ()
            table = "".join(f"{p}." for p in prefix)  # keys named as in the file, like schema's
            located = [(line_of(raw.source, item.loc, prefix), item) for item in found]
            lines = []  # in the order of the repository's file; keys it does not write last
            for line, item in sorted(located, key=lambda pair: (pair[0] is None, pair[0] or 0)):
                where = f"{raw.source}:{line}" if line else str(raw.source)
                floor = self.where(item.floor_loc)
                lines.append(f"{where}: {table}{item.subject}: {item.what} (floor: {floor})")
            raise ConfigError("\n".join(lines))
        return policy


def _where(name: str, loc: KeyPath) -> str:
    path = Path(name)
    line = line_of(path, loc, ("tool", "netgain") if _is_pyproject(path) else ())
    return f"{name}:{line}" if line else name


def _is_pyproject(path: Path | None) -> bool:
    return path is not None and path.name == "pyproject.toml"


def _merge(floor: Any, repo: Any, tables: tuple[str, ...]) -> Any:
    """Entries of `floor` the repository does not define, plus the repository's (both tables)."""
    if not isinstance(floor, dict) or not isinstance(repo, dict):
        return repo  # not a table: validation reports it with the repository's line
    merged = floor | repo
    for key in tables:
        if isinstance(floor.get(key), dict) and isinstance(repo.get(key), dict):
            merged[key] = floor[key] | repo[key]
    return merged


def floor_from_text(text: str, name: str) -> Floor:
    """Parse and validate a floor's text; `name` (its last part the file name, which tells a
    `pyproject.toml` with `[tool.netgain]` apart) is how messages refer to it.

    Raises:
        ConfigError: invalid TOML, a section other than the policy's, or an invalid policy.
    """
    label = Path(name)
    remember_text(label, text)  # lines are found in this text, wherever it was read from
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML: {exc}") from exc
    if _is_pyproject(label):
        tool = data.get("tool", {})
        data = tool.get("netgain", {}) if isinstance(tool, dict) else {}
    for key in data:
        if key not in POLICY_SECTIONS:
            raise ConfigError(
                f"{_where(name, (key,))}: {key}: an organisation floor holds policy sections "
                f"only ({', '.join(POLICY_SECTIONS)}); [{key}] would not be enforced"
            )
    if "approval" in data and "rules" not in data:
        where = _where(name, ("approval",))
        raise ConfigError(f"{where}: approval: a floor's [approval] needs its own [[rules]]")
    return Floor(name, data, policy_from_config(RawConfig(data, label)))


def load_floor(
    spec: str | None, env: Mapping[str, str] = os.environ, *, gated: Path | None = None
) -> Floor | None:
    """The floor named by `spec` (`--org-policy`), else by $NETGAIN_ORG_POLICY; None without.

    SPEC is a file, a git checkout (its `netgain.toml` at HEAD) or `CHECKOUT:PATH`. A checkout
    is read at HEAD, not from its working tree, so only what the organisation committed counts.
    `gated` is the repository being judged: a floor inside it could be edited by the change
    itself, so it is refused.

    Raises:
        ConfigError: SPEC names nothing readable or lies inside `gated`, or the floor is invalid.
    """
    spec = spec or env.get(ORG_POLICY_ENV) or None
    if spec is None:
        return None
    path = Path(spec)
    checkout, inner = (path, DEFAULT_PATH)
    if not path.exists() and ":" in spec:
        head, _, tail = spec.rpartition(":")
        checkout, inner = Path(head), tail
    if not path.is_file() and (not checkout.is_dir() or not inner):
        raise ConfigError(
            f"{spec}: organisation policy not found (--org-policy / ${ORG_POLICY_ENV}: a file, "
            "a git checkout, or CHECKOUT:PATH)"
        )
    if gated is not None and inside(gated, path if path.is_file() else checkout) is not None:
        raise ConfigError(
            f"{spec}: the organisation policy lies inside the repository it gates ({gated}), "
            "where the change being judged could edit it: keep it outside"
        )
    if not path.is_file():
        return _from_checkout(checkout, inner)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{spec}: cannot read the organisation policy: {exc}") from exc
    return floor_from_text(text, spec)


def _from_checkout(checkout: Path, inner: str) -> Floor:
    from netgain.git.objects import read_blob
    from netgain.git.repo import head_sha

    try:
        sha = head_sha(checkout)
    except GitError as exc:
        raise ConfigError(f"{checkout}: not a git checkout (organisation policy): {exc}") from exc
    if sha is None:
        raise ConfigError(f"{checkout}: not a git checkout with a commit (organisation policy)")
    name = f"{checkout}@{sha[:12]}:{inner}"  # git's REV:PATH, after the checkout it is in
    try:
        blob = read_blob(checkout, sha, inner)
    except GitError as exc:
        raise ConfigError(f"{name}: cannot read the organisation policy: {exc}") from exc
    if blob is None:
        raise ConfigError(f"{name}: no such file in the organisation's policy repository")
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not UTF-8: {exc}") from exc
    return floor_from_text(text, name)
