"""The organisation floor: a repository policy may tighten it, never loosen it.

Each kind of loosening is paired with a tightening look-alike that must pass, so a check that
rejected everything (or nothing) fails here. The end-to-end tests run `netgain check` on real
repositories with `--org-policy` and `$NETGAIN_ORG_POLICY`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netgain.config import load_config
from netgain.errors import ConfigError
from netgain.policy.floor import load_floor
from netgain.policy.implication import implies, same_condition
from netgain.policy.schema import Policy
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain
from tests.policy.scenario import BOB, base_repo

PEOPLE = """\
[people]
teams = { security = ["sec1", "sec2"] }
roles = { senior = ["sam", "ada"], guardians = ["@security"] }
aliases = { sec1 = ["sec1@corp.example"] }
"""

ZONES = """\
[zones.auth]
paths = ["src/auth/"]
signals = ["jwt"]
owners = ["@security"]
design_doc = true
"""

DESIGN_DOCS = """\
[design_docs]
paths = ["docs/adr/**/*.md", "docs/design/**/*.md"]
max_ai_share = 0.1
require_human_evidence = true
must_predate_change = true
owner_approval = true
"""

COMPREHENSION = """\
[comprehension]
checklist = ["I can explain every changed line"]
"""

RULES = """\
[[rules]]
name = "security-scan"
if = "true"
scan_clean = "high"

[[rules]]
name = "tiered-review"
if = "change.ai_share > 0.5"
scan_clean = "medium"
approvals = [{ count = 1, roles = ["senior"] }]

[[rules]]
name = "checkpoint"
if = "size(change.design_doc_zones) > 0"
design_doc = true
approvals = [{ count = 1, zone_owners = true }]

[[rules]]
name = "tested"
if = "change.lines_added > 50"
tests_changed = true
min_diff_coverage = 0.8
author_attests = true
invalidate_on_push = true

[[rules]]
name = "peer-review"
approvals = [{ count = 1 }]

[[rules]]
name = "two-owners"
if = '"payments" in change.zones'
approvals = [{ count = 2, code_owners = true }]
"""

TREE = """\
[approval]
all_of = ["security-scan", "tiered-review", "checkpoint", "tested", { any_of = ["peer-review", "two-owners"] }]
"""

GATE = """\
[gate]
policy_files = ["ci/**"]
"""

FLOOR = "\n".join([PEOPLE, ZONES, DESIGN_DOCS, COMPREHENSION, GATE, RULES, TREE])


def _apply(tmp_path: Path, repo_text: str | None, floor_text: str = FLOOR) -> Policy:
    (tmp_path / "org.toml").write_text(floor_text, encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    if repo_text is not None:
        (repo / "netgain.toml").write_text(repo_text, encoding="utf-8")
    floor = load_floor(str(tmp_path / "org.toml"), env={})
    assert floor is not None
    return floor.apply(load_config(repo))


def _loosened(tmp_path: Path, repo_text: str, floor_text: str = FLOOR) -> str:
    with pytest.raises(ConfigError) as info:
        _apply(tmp_path, repo_text, floor_text)
    return str(info.value)


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# (what, old text in RULES, loosened, expected message, tightened look-alike)
RULE_CASES = [
    ("scan raised", 'scan_clean = "high"', 'scan_clean = "critical"',
     "rules[0] 'security-scan': scan_clean high raised to critical", 'scan_clean = "low"'),
    ("scan dropped", 'scan_clean = "high"', 'description = "x"',
     "rules[0] 'security-scan': scan_clean high dropped", 'scan_clean = "high"\ntests_changed = true'),
    ("threshold raised", 'if = "change.ai_share > 0.5"', 'if = "change.ai_share > 0.7"',
     "rules[1] 'tiered-review': condition 'change.ai_share > 0.7' is not provably as wide",
     'if = "change.ai_share >= 0.3"'),
    ("condition narrowed", 'if = "change.ai_share > 0.5"',
     'if = "change.ai_share > 0.5 && change.files > 2"',
     "rules[1] 'tiered-review': condition", 'if = "(change.ai_share > 0.5) || change.files > 20"'),
    ("design doc off", "design_doc = true\napprovals = [{ count = 1, zone_owners",
     "design_doc = false\napprovals = [{ count = 1, zone_owners",
     "rules[2] 'checkpoint': design_doc turned off",
     "design_doc = true\ntests_changed = true\napprovals = [{ count = 1, zone_owners"),
    ("zone owners replaced", "approvals = [{ count = 1, zone_owners = true }]",
     'approvals = [{ count = 1, roles = ["senior"] }]',
     "rules[2] 'checkpoint': the floor's requirement of 1 approval(s) from zone owners is gone",
     'approvals = [{ count = 1, zone_owners = true }, { count = 1, roles = ["senior"] }]'),
    ("tests off", "tests_changed = true\nmin", "tests_changed = false\nmin",
     "rules[3] 'tested': tests_changed turned off", "tests_changed = true\nscan_clean = \"high\"\nmin"),
    ("coverage lowered", "min_diff_coverage = 0.8", "min_diff_coverage = 0.5",
     "rules[3] 'tested': min_diff_coverage 0.8 lowered to 0.5", "min_diff_coverage = 0.9"),
    ("attestation off", "author_attests = true", "author_attests = false",
     "rules[3] 'tested': author_attests turned off", "author_attests = true\ndesign_doc = true"),
    ("push invalidation off", "invalidate_on_push = true", "invalidate_on_push = false",
     "rules[3] 'tested': invalidate_on_push turned off", "invalidate_on_push = true\ndesign_doc = true"),
    ("author approves", "approvals = [{ count = 1 }]",
     "approvals = [{ count = 1 }]\nauthor_can_approve = true",
     "rules[4] 'peer-review': author_can_approve turned on",
     "approvals = [{ count = 2 }]\nauthor_can_approve = false"),
    ("vetoes off", "approvals = [{ count = 1 }]",
     "approvals = [{ count = 1 }]\nchanges_requested_blocks = false",
     "rules[4] 'peer-review': changes_requested_blocks turned off",
     "approvals = [{ count = 1 }]\ninvalidate_on_push = true"),
    ("anyone narrowed", "approvals = [{ count = 1 }]", 'approvals = [{ count = 1, roles = ["senior"] }]',
     "rules[4] 'peer-review': the floor's requirement of 1 approval(s) from anyone but the author is gone",
     'approvals = [{ count = 1 }, { count = 1, roles = ["senior"] }]'),
    ("count lowered", "count = 2, code_owners = true", "count = 1, code_owners = true",
     "rules[5] 'two-owners': approvals[0]: count lowered from 2 to 1", "count = 3, code_owners = true"),
]  # fmt: skip


def test_message_names_file_line_rule_and_the_floor_line(tmp_path: Path) -> None:
    message = _loosened(tmp_path, _swap(RULES, 'scan_clean = "high"', 'scan_clean = "critical"'))
    repo, org = tmp_path / "repo" / "netgain.toml", tmp_path / "org.toml"
    floor_line = FLOOR.splitlines().index('scan_clean = "high"') + 1
    assert message == (
        f"{repo}:4: rules[0] 'security-scan': scan_clean high raised to critical "
        f"(floor: {org}:{floor_line})"
    )


def test_removed_rule_names_the_rule_and_every_loosening_is_listed(tmp_path: Path) -> None:
    start = RULES.index('[[rules]]\nname = "tested"')
    end = RULES.index('[[rules]]\nname = "peer-review"')
    text = _swap(RULES[:start] + RULES[end:], 'scan_clean = "high"', 'scan_clean = "critical"')
    lines = _loosened(tmp_path, text).splitlines()  # in the order of the repository's file
    assert len(lines) == 2
    assert ":4: rules[0] 'security-scan': scan_clean high raised to critical" in lines[1]
    tested_line = FLOOR.splitlines().index('name = "tested"')  # the [[rules]] header above it
    assert lines[0] == (
        f"{tmp_path / 'repo' / 'netgain.toml'}:1: rules: floor rule 'tested' is missing "
        f"(a repository may add rules, never remove the floor's) (floor: {tmp_path / 'org.toml'}:{tested_line})"
    )


def test_repository_policy_in_pyproject_is_named_with_its_table(tmp_path: Path) -> None:
    floor = '[[rules]]\nname = "security-scan"\nscan_clean = "high"\n'
    (tmp_path / "org.toml").write_text(floor, encoding="utf-8")
    pyproject = tmp_path / "repo" / "pyproject.toml"
    pyproject.parent.mkdir()
    pyproject.write_text(
        '[project]\nname = "x"\n\n[[tool.netgain.rules]]\nname = "security-scan"\n'
        'scan_clean = "critical"\n',
        encoding="utf-8",
    )
    loaded = load_floor(str(tmp_path / "org.toml"), env={})
    assert loaded is not None
    with pytest.raises(ConfigError) as info:
        loaded.apply(load_config(pyproject.parent))
    assert str(info.value) == (
        f"{pyproject}:6: tool.netgain.rules[0] 'security-scan': scan_clean high raised to "
        f"critical (floor: {tmp_path / 'org.toml'}:3)"
    )


def test_tree_floor_requirement_hidden_under_any_of_is_rejected(tmp_path: Path) -> None:
    loose = (
        RULES
        + '[approval]\nall_of = ["security-scan", { any_of = ["tiered-review", "peer-review"] }, "checkpoint", "tested", "two-owners"]\n'
    )
    message = _loosened(tmp_path, loose)
    assert re.search(r":\d+: rules\[1\] 'tiered-review': no longer required", message), message
    # the floor's own tree, or all of every rule (no [approval]): both keep every requirement
    assert _apply(tmp_path, RULES + TREE).approval is not None
    assert _apply(tmp_path, RULES).approval is None


def test_floor_any_of_kept_freezes_conditions_replaced_by_all_of_does_not(tmp_path: Path) -> None:
    wider = _swap(RULES, """if = '"payments" in change.zones'""", 'if = "true"')
    message = _loosened(tmp_path, wider + TREE)
    assert "rules[5] 'two-owners': condition changed from" in message
    assert "must stay the same" in message
    # without [approval] both alternatives are required: a wider condition only adds checks
    assert _apply(tmp_path, wider).rule("two-owners") is not None
    dropped = (
        RULES
        + '[approval]\nall_of = ["security-scan", "tiered-review", "checkpoint", "tested", "peer-review"]\n'
    )
    message = _loosened(tmp_path, dropped)
    assert "approval: the floor's any_of [peer-review, two-owners] is neither kept" in message


PEOPLE_CASES = [
    ("role gains member", 'senior = ["sam", "ada"]', 'senior = ["sam", "ada", "bob"]',
     "people.roles.senior: adds bob", 'senior = ["sam", "ada"], principal = ["sam"]'),
    ("role loses member", 'senior = ["sam", "ada"]', 'senior = ["sam"]',
     "people.roles.senior: removes ada", 'senior = ["Sam", "ada"]'),
    ("team gains member", 'security = ["sec1", "sec2"]', 'security = ["sec1", "sec2", "mallory"]',
     "people.teams.security: adds mallory", 'security = ["sec1", "sec2"], web = ["mallory"]'),
    ("alias taken", 'aliases = { sec1 = ["sec1@corp.example"] }',
     'aliases = { mallory = ["SEC1@corp.example"] }',
     "people.aliases: alias 'sec1@corp.example' of floor login sec1 is given to mallory",
     'aliases = { mallory = ["mallory@corp.example"] }'),
]  # fmt: skip


ZONE_CASES = [
    ("paths narrowed", 'paths = ["src/auth/"]', 'paths = ["src/auth/login/"]',
     "zones.auth: paths no longer include src/auth/", 'paths = ["src/auth/", "src/session/"]'),
    ("signals dropped", 'signals = ["jwt"]', 'signals = ["session"]',
     "zones.auth: signals no longer include jwt", 'signals = ["jwt", "session", "password"]'),
    ("design doc off", "design_doc = true", "design_doc = false",
     "zones.auth: design_doc turned off", 'design_doc = true\ndescription = "stricter"'),
    ("unknown counted as human in the zone", "design_doc = true", 'design_doc = true\nunknown_as = "unknown"',
     "zones.auth: unknown_as turned from ai to unknown", 'design_doc = true\nunknown_as = "ai"'),
    ("owners extended", 'owners = ["@security"]', 'owners = ["@security", "bob"]',
     "zones.auth: owners changed from sec1, sec2 to bob, sec1, sec2",
     'owners = ["sec2", "sec1@corp.example"]'),
    ("zone added with other owners", "design_doc = true",
     'design_doc = true\n\n[zones.web]\npaths = ["web/"]\nowners = ["bob"]',
     "zones.web: added zone owned by bob, not only by people who own every floor zone (sec1, sec2)",
     'design_doc = true\n\n[zones.web]\npaths = ["web/"]\nowners = ["sec1"]'),
]  # fmt: skip


def test_zones_with_other_owners_are_free_when_no_floor_rule_asks_zone_owners(
    tmp_path: Path,
) -> None:
    floor = _swap(FLOOR, "approvals = [{ count = 1, zone_owners = true }]", "")
    repo = _swap(RULES, "approvals = [{ count = 1, zone_owners = true }]", "")
    policy = _apply(tmp_path, repo + '[zones.web]\npaths = ["web/"]\nowners = ["bob"]\n', floor)
    assert set(policy.zones) == {"auth", "web"}


DOC_CASES = [
    ("paths extended", 'paths = ["docs/adr/**/*.md", "docs/design/**/*.md"]',
     'paths = ["docs/adr/**/*.md", "**/*.md"]', "design_docs: paths add **/*.md",
     'paths = ["docs/adr/**/*.md"]'),
    ("urls extended", "max_ai_share = 0.1", 'max_ai_share = 0.1\nurls = ["https://wiki/*"]',
     "design_docs: urls add https://wiki/*", "max_ai_share = 0.1\nurls = []"),
    ("ai share raised", "max_ai_share = 0.1", "max_ai_share = 0.3",
     "design_docs: max_ai_share raised from 0.1 to 0.3", "max_ai_share = 0.05"),
    ("human evidence off", "require_human_evidence = true", "require_human_evidence = false",
     "design_docs: require_human_evidence turned off", "require_human_evidence = true\nurls = []"),
    ("predating off", "must_predate_change = true", "must_predate_change = false",
     "design_docs: must_predate_change turned off", "must_predate_change = true\nurls = []"),
    ("owner approval off", "owner_approval = true", "owner_approval = false",
     "design_docs: owner_approval turned off", "owner_approval = true\nurls = []"),
    ("unknown counted as human", "max_ai_share = 0.1", 'max_ai_share = 0.1\nunknown_as = "unknown"',
     "design_docs: unknown_as turned from ai to unknown", 'max_ai_share = 0.1\nunknown_as = "ai"'),
]  # fmt: skip


COMPREHENSION_CASES = [
    ("checklist item dropped", 'checklist = ["I can explain every changed line"]',
     'checklist = ["I read it"]', "comprehension: checklist drops I can explain every changed line",
     'checklist = ["I can explain every  changed line.", "I read it"]'),
    ("reviewer of record off", "[comprehension]", "[comprehension]\nreviewer_of_record = false",
     "comprehension: reviewer_of_record turned off", "[comprehension]\nreviewer_of_record = true"),
]  # fmt: skip


GATE_CASES = [
    ("policy files reduced", 'policy_files = ["ci/**"]', "policy_files = []",
     "gate: policy_files no longer include ci/**", 'policy_files = ["ci/**", "scripts/**"]'),
    ("gate roles changed", "[gate]", '[gate]\nroles = ["guardians"]',
     "gate: roles guardians instead of senior", '[gate]\nroles = ["senior"]'),
    ("policy change rule off", "[gate]", "[gate]\npolicy_change_approval = false",
     "gate: the gate's own rule 'policy-change' is gone", "[gate]\npolicy_change_approval = true"),
]  # fmt: skip


CASES = [
    *((RULES, *case) for case in RULE_CASES),
    *((GATE, *case) for case in GATE_CASES),
    *((PEOPLE, *case) for case in PEOPLE_CASES),
    *((ZONES, *case) for case in ZONE_CASES),
    *((DESIGN_DOCS, *case) for case in DOC_CASES),
    *((COMPREHENSION, *case) for case in COMPREHENSION_CASES),
]


@pytest.mark.parametrize(
    ("section", "old", "loose", "expected", "tight"),
    [(section, *case[1:]) for section, *case in CASES],
    ids=[case[1] for case in CASES],
)
def test_each_loosening_is_rejected_and_its_tightening_look_alike_passes(
    tmp_path: Path, section: str, old: str, loose: str, expected: str, tight: str
) -> None:
    lines = _loosened(tmp_path, _swap(section, old, loose)).splitlines()
    assert expected in lines[0], lines
    # nothing else is reported, except where a team's members reach: roles and zones naming it
    assert len(lines) == 1 or expected.startswith("people.teams"), lines
    _apply(tmp_path, _swap(section, old, tight))


def test_condition_implication_accepts_only_what_it_can_prove() -> None:
    floor = "change.ai_share > 0.5"
    assert implies(floor, floor) and implies(floor, "true")
    assert implies(floor, '("auth" in change.zones) || change.ai_share > 0.5')
    assert implies(floor, "change.ai_share >= 0.5") and implies(floor, "0.2 < change.ai_share")
    assert implies('change.ai_share > 0.5 && "auth" in change.zones', floor)
    assert implies(
        '"a" in change.labels || "b" in change.labels',
        '"b" in change.labels || "a" in change.labels',
    )
    assert not implies(floor, "change.ai_share > 0.6")
    assert not implies(floor, "change.ai_share_of_attributed > 0.5")  # another fact
    assert not implies(floor, "!(change.ai_share <= 0.5)")  # true, but not proven: rejected
    assert not implies("change.files >= 3", "change.files > 3")
    assert not implies(floor, 'change.ai_share > 0.5 && "auth" in change.zones')
    assert not implies("change.ai_share > 0.5 || change.draft", floor)
    assert same_condition("(a.b > 1) || c", "c||a.b>1") and not same_condition("a > 1", "a > 2")


def test_layering_the_floor_is_the_default_a_repository_builds_on(tmp_path: Path) -> None:
    # no repository policy: the floor itself (built-in default for what it leaves out)
    policy = _apply(tmp_path, None)
    assert policy.source == str(tmp_path / "org.toml")
    assert policy.rules[0].name == "security-scan" and "routing" in policy.defaulted
    # only [people]: the floor's rules, tree and zones are inherited, and a repository role
    # may name a floor team it never defined
    policy = _apply(tmp_path, '[people]\nroles = { web-leads = ["@security", "bob"] }\n')
    assert policy.rule("tiered-review") is not None and policy.approval is not None
    assert set(policy.people.roles) == {"senior", "guardians", "web-leads"}
    assert policy.people.teams["security"] == ["sec1", "sec2"]
    assert policy.people.aliases["sec1"] == ["sec1@corp.example"]
    assert policy.source == str(tmp_path / "repo" / "netgain.toml")
    # the repository's own rules can use floor roles it does not define
    own = (
        RULES
        + '\n[[rules]]\nname = "guarded"\napprovals = [{ count = 1, roles = ["guardians"] }]\n'
    )
    assert _apply(tmp_path, own).rule("guarded") is not None


def test_invalid_floors_are_configuration_errors_naming_the_floor(tmp_path: Path) -> None:
    assert "[scan] would not be enforced" in _loosened(
        tmp_path, RULES, FLOOR + "\n[scan]\nignore = []\n"
    )
    message = _loosened(tmp_path, RULES, _swap(FLOOR, 'scan_clean = "high"', 'scan_clean = "huge"'))
    line = FLOOR.splitlines().index('scan_clean = "high"') + 1
    assert message.startswith(f"{tmp_path / 'org.toml'}:{line}: rules[0].scan_clean: ")
    assert "needs its own [[rules]]" in _loosened(tmp_path, RULES, TREE)
    with pytest.raises(ConfigError, match="organisation policy not found"):
        load_floor(str(tmp_path / "nowhere.toml"), env={})
    assert load_floor(None, env={}) is None


def test_configured_policy_repository_is_read_at_head(tmp_path: Path) -> None:
    org = GitRepo(tmp_path / "org-config")
    sha = org.commit(
        {"netgain.toml": FLOOR, "floors/strict.toml": FLOOR.replace("0.1", "0.05")}, "floor"
    )
    (org.path / "netgain.toml").write_text("not toml [", encoding="utf-8")  # uncommitted: ignored
    floor = load_floor(None, env={"NETGAIN_ORG_POLICY": str(org.path)})
    assert floor is not None and floor.name == f"{org.path}@{sha[:12]}:netgain.toml"
    assert floor.policy.design_docs.max_ai_share == 0.1
    floor = load_floor(f"{org.path}:floors/strict.toml", env={"NETGAIN_ORG_POLICY": "/elsewhere"})
    assert floor is not None and floor.policy.design_docs.max_ai_share == 0.05
    with pytest.raises(ConfigError, match="no such file in the organisation's policy repository"):
        load_floor(f"{org.path}:floors/none.toml", env={})
    # a loosening names the floor by checkout, path and commit, with the floor's line
    floor = load_floor(str(org.path), env={})
    assert floor is not None
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "netgain.toml").write_text(
        _swap(DESIGN_DOCS, "0.1", "0.2"), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        floor.apply(load_config(tmp_path / "repo"))
    line = FLOOR.splitlines().index("max_ai_share = 0.1") + 1
    assert str(info.value).endswith(f"(floor: {org.path}@{sha[:12]}:netgain.toml:{line})")
    # a floor inside the repository being judged could be edited by the change itself
    with pytest.raises(ConfigError, match="lies inside the repository it gates"):
        load_floor(f"{org.path}:netgain.toml", env={}, gated=org.path)
    with pytest.raises(ConfigError, match="lies inside the repository it gates"):
        load_floor(str(org.path / "floors" / "strict.toml"), env={}, gated=org.path)


def test_the_gates_own_policy_change_rule_is_a_floor_rule_like_any_other(tmp_path: Path) -> None:
    # a repository rule named like the built-in one replaces it: it must be as strict
    weaker = RULES + '\n[[rules]]\nname = "policy-change"\nif = "false"\n'
    message = _loosened(tmp_path, weaker)
    assert "rules[6] 'policy-change': condition 'false' is not provably as wide" in message
    assert (
        "rules[6] 'policy-change': the floor's requirement of 1 approval(s) from policy owners is gone"
        in message
    )
    assert len(message.splitlines()) == 2
    stricter = weaker.replace('if = "false"', "approvals = [{ count = 2, policy_owners = true }]")
    assert _apply(tmp_path, stricter).rule("policy-change") is not None


ORG_FLOOR = """\
[[rules]]
name = "security-scan"
scan_clean = "high"

[[rules]]
name = "peer-review"
approvals = [{ count = 1 }]
"""


def _small_change(tmp_path: Path, policy: str) -> GitRepo:
    repo = base_repo(tmp_path / "r", policy=policy)
    repo.branch("feature")
    repo.commit({"src/app.py": "def main() -> None:\n    print('x')\n"}, "x", author=BOB)
    (tmp_path / "org.toml").write_text(ORG_FLOOR, encoding="utf-8")
    return repo


def test_cli_repository_policy_removing_a_floor_rule_exits_2(tmp_path: Path) -> None:
    policy = '[[rules]]\nname = "security-scan"\nscan_clean = "high"\n'
    repo = _small_change(tmp_path, policy)
    args = ("check", "--base", "base", "--head", "feature", "--author", "bob")
    proc = netgain(*args, "--org-policy", str(tmp_path / "org.toml"), cwd=repo.path, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    base = repo.git("rev-parse", "base")  # the gate reads the policy at the base revision
    expected = (
        f"{base[:12]}:netgain.toml:1: rules: floor rule 'peer-review' is missing (a "
        f"repository may add rules, never remove the floor's) (floor: {tmp_path / 'org.toml'}:5)"
    )
    assert expected in " ".join(proc.stderr.split())
    # the same repository without a floor: its own policy decides (no approval needed)
    assert netgain(*args, cwd=repo.path, check=False).returncode == 0


def test_cli_tightening_repository_is_decided_by_its_stricter_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = (
        ORG_FLOOR.replace("count = 1", "count = 2") + '\n[people]\nroles = { senior = ["sam"] }\n'
    )
    repo = _small_change(tmp_path, policy)
    monkeypatch.setenv("NETGAIN_ORG_POLICY", str(tmp_path / "org.toml"))
    args = ("check", "--base", "base", "--head", "feature", "--author", "bob", "--format", "json")
    proc = netgain(*args, "--approved-by", "carol", cwd=repo.path, check=False)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    peer = next(r for r in doc["rules"] if r["name"] == "peer-review")
    assert doc["verdict"] == "pending" and "missing 1 approval(s)" in peer["reason"]
    proc = netgain(
        *args, "--approved-by", "carol", "--approved-by", "ada", cwd=repo.path, check=False
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["verdict"] == "approved"


def test_cli_repository_without_rules_gets_the_floor_rules(tmp_path: Path) -> None:
    repo = _small_change(tmp_path, '[people]\nroles = { senior = ["sam"] }\n')
    floor = str(tmp_path / "org.toml")
    args = (
        "check",
        "--base",
        "base",
        "--head",
        "feature",
        "--format",
        "json",
        "--org-policy",
        floor,
    )
    doc = json.loads(netgain(*args, "--author", "bob", cwd=repo.path, check=False).stdout)
    # the floor's two rules (and the gate's own), not the built-in default's five
    assert [r["name"] for r in doc["rules"]] == ["security-scan", "peer-review", "policy-change"]
    assert doc["verdict"] == "pending"
    assert doc["policy"]["source"] == f"{repo.git('rev-parse', 'base')[:12]}:netgain.toml"
