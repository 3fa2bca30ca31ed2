"""The policy file: validation errors name the file, the line and the key, and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.errors import ConfigError
from netgain.policy.defaults import STARTER_POLICY
from netgain.policy.schema import load_policy
from netgain.toml_lines import key_lines
from tests.history.conftest import netgain
from tests.policy.scenario import ai_auth_change, base_repo

GOOD_RULES = """\
[people]
roles = { senior = ["sam"] }

[[rules]]
name = "everything"
if = "true"
approvals = [{ count = 1 }]

[[rules]]
name = "big"
if = "change.lines_added > 100"
"""


def _error(tmp_path: Path, text: str, name: str = "netgain.toml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(tmp_path)
    return str(info.value)


def test_cel_syntax_error_names_file_line_and_key(tmp_path: Path) -> None:
    text = GOOD_RULES.replace('"change.lines_added > 100"', '"change.lines_added > "')
    message = _error(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'netgain.toml'}:11: rules[1].if: CEL syntax error")


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    text = GOOD_RULES.replace('name = "big"', 'name = "big"\napprovalz = 2')
    message = _error(tmp_path, text)
    assert message == f"{tmp_path / 'netgain.toml'}:11: rules[1].approvalz: unknown key"


def test_unknown_fact_and_type_mix_are_caught_at_load(tmp_path: Path) -> None:
    message = _error(
        tmp_path, GOOD_RULES.replace("change.lines_added > 100", "change.ai_shar > 0.5")
    )
    assert ":11: rules[1].if: CEL: unknown fact" in message
    message = _error(tmp_path, GOOD_RULES.replace("change.lines_added > 100", "change.files > 1.5"))
    assert ":11: rules[1].if: CEL type error" in message and "1.0" in message


def test_errors_in_nested_tables_and_pyproject(tmp_path: Path) -> None:
    text = '[zones.auth]\npaths = ["src/auth/"]\nsignals = ["jwt", "telepathy"]\n'
    message = _error(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'netgain.toml'}:3: zones.auth.signals: ")
    assert "unknown signal 'telepathy'" in message
    pyproject = '[project]\nname = "x"\n\n[tool.netgain.people]\nroles = { senior = ["sam"] }\nfriends = []\n'
    (tmp_path / "netgain.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(tmp_path)
    assert (
        str(info.value)
        == f"{tmp_path / 'pyproject.toml'}:6: tool.netgain.people.friends: unknown key"
    )


def test_references_are_checked(tmp_path: Path) -> None:
    text = GOOD_RULES + '\n[approval]\nall_of = ["everything", { any_of = ["big", "smal"] }]\n'
    message = _error(tmp_path, text)
    assert ":14: approval.all_of.any_of: unknown rule 'smal'" in message
    text = GOOD_RULES.replace("{ count = 1 }", '{ count = 1, roles = ["staff"] }')
    assert ":7: rules[0].approvals[0].roles: unknown role 'staff'" in _error(tmp_path, text)
    assert "unknown key" in _error(tmp_path, "[polcy]\nx = 1\n")


def test_starter_policy_is_the_default_and_valid(tmp_path: Path) -> None:
    default = load_policy(tmp_path)
    assert default.source is None
    assert [r.name for r in default.rules] == [
        "security-scan",
        "tiered-review",
        "first-use-review",
        "architectural-checkpoint",
        "peer-review",
        "policy-change",
    ]
    (tmp_path / "netgain.toml").write_text(STARTER_POLICY, encoding="utf-8")
    written = load_policy(tmp_path)
    assert written.defaulted == () and written.rules == default.rules


def test_key_lines_follow_arrays_of_tables_and_multiline_values() -> None:
    text = '[[rules]]\nname = "a"\nif = """\ntrue\n"""\n[[rules]]\nname = "b"\napprovals = [\n  { count = 1 },\n]\nx.y = 1\n'
    lines = key_lines(text)
    assert lines[("rules", 0, "name")] == 2
    assert lines[("rules", 1)] == 6
    assert lines[("rules", 1, "approvals")] == 8
    assert lines[("rules", 1, "x", "y")] == 11


def test_cli_config_errors_exit_2(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    bad = tmp_path / "policy.toml"
    bad.write_text('[[rules]]\nname = "x"\nif = "change.ai_share >"\n', encoding="utf-8")
    proc = netgain(
        "check",
        "--base",
        "base",
        "--head",
        "HEAD",
        "--policy",
        str(bad),
        cwd=repo.path,
        check=False,
    )
    assert proc.returncode == 2
    # rich wraps long messages at the terminal width: compare with whitespace collapsed
    assert f"{bad}:3: rules[0].if: CEL syntax error" in " ".join(proc.stderr.split())


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    proc = netgain("init", cwd=tmp_path)
    assert "wrote netgain.toml" in proc.stdout
    assert (tmp_path / "netgain.toml").read_text(encoding="utf-8") == STARTER_POLICY
    again = netgain("init", cwd=tmp_path, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
