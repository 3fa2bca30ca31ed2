"""Taint models are data: validated on load, errors name the file and key, extendable."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from netgain.analysis import ModelError, ScanOptions, load_models, scan
from netgain.analysis.taint_models import TaintModels, builtin_model_texts, merge_model_data


def test_packaged_models_load_and_index() -> None:
    models = load_models()
    assert "os.system" in models.sinks_by_name
    assert "execute" in models.sinks_by_method
    assert models.sanitizers_by_name["shlex.quote"] == frozenset({"command-injection"})
    assert "flask.request" in models.request_objects
    assert models.source_for_call("random.randint") is not None
    assert models.source_for_call("secrets.token_hex") is None


def test_every_packaged_file_is_valid_toml() -> None:
    names = [name for name, _ in builtin_model_texts()]
    assert {
        "sources.toml",
        "sinks.toml",
        "sanitizers.toml",
        "propagators.toml",
        "frameworks.toml",
        "guards.toml",
    } == set(names)
    for _, text in builtin_model_texts():
        assert tomllib.loads(text)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"sink": [{"rule": "x", "name": "a.b"}]}, "sink[0]: a sink needs"),
        (
            {"sink": [{"rule": "x", "name": "a", "method": "b", "args": [0]}]},
            "sink[0]: exactly one of",
        ),
        ({"sink": [{"rule": "x", "name": "a", "args": ["0"]}]}, "sink[0].args"),
        (
            {"sink": [{"rule": "x", "name": "a", "args": [0], "bogus": 1}]},
            "sink[0].bogus: unknown key",
        ),
        ({"source": [{"name": "a", "match": "sometimes", "kind": "user"}]}, "source[0].match"),
        ({"source": [{"name": "a", "match": "call"}]}, "missing required key 'kind'"),
        ({"sanitizer": [{"name": "a", "rules": "x"}]}, "sanitizer[0].rules: expected list"),
        (
            {"name_sink": [{"rule": "r", "pattern": "(", "sources": []}]},
            "name_sink[0].pattern: invalid regular expression",
        ),
        (
            {"sink": [{"rule": "x", "name": "a", "args": [0], "sql_text": "yes"}]},
            "sink[0].sql_text",
        ),
        (
            {"view_class": [{"bases": ["a.View"], "methods": ["get"]}]},
            "missing required key 'type'",
        ),
        ({"routes": {"view_registrars": "add_url_rule"}}, "routes.view_registrars: expected list"),
        ({"guard_common_path": {"calls": "os.path.commonpath"}}, "guard_common_path.calls"),
        ({"surprise": []}, "surprise: unknown table"),
        ({"sink": {"rule": "x"}}, "sink: expected an array of tables"),
    ],
)
def test_schema_errors_name_the_origin_and_key(data: dict[str, object], where: str) -> None:
    with pytest.raises(ModelError) as info:
        merge_model_data(TaintModels(), data, "custom.toml")
    assert str(info.value).startswith("custom.toml: ")
    assert where in str(info.value)


def test_extra_models_from_options_add_a_sink(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(
        "import sys\nfrom internal.runner import run_script\n\n\ndef main():\n    run_script(sys.argv[1])\n",
        encoding="utf-8",
    )
    extra = {
        "sink": [{"rule": "command-injection", "name": "internal.runner.run_script", "args": [0]}]
    }
    plain = scan([tmp_path], root=tmp_path, options=ScanOptions())
    extended = scan([tmp_path], root=tmp_path, options=ScanOptions(extra_models=extra))
    assert [f.rule_id for f in plain.findings] == []
    assert [(f.rule_id, f.location.line) for f in extended.findings] == [("command-injection", 6)]


def test_invalid_extra_models_fail_the_scan_with_the_key(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"netgain.toml \[scan.models\]: sink\[0\]"):
        scan([tmp_path], root=tmp_path, options=ScanOptions(extra_models={"sink": [{"rule": "x"}]}))
