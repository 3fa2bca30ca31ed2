"""The public API of netgain.analysis is explicit and pinned: changing it is a deliberate act."""

from __future__ import annotations

from netgain import analysis


def test_public_api_is_pinned() -> None:
    assert sorted(analysis.__all__) == sorted(
        [
            "DOC_SECTIONS", "Confidence", "EntryMode", "Finding", "Location", "ModelError", "RuleMeta",
            "ScanOptions", "ScanResult", "ScanStats", "Severity", "TaintModels", "TraceStep",
            "UnparsedFile", "all_rules", "collect_files", "get_rule", "load_models", "mask_secret",
            "scan", "scan_with_stats",
        ]
    )  # fmt: skip
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None


def test_mask_secret_never_reveals_more_than_a_prefix() -> None:
    assert analysis.mask_secret("ghp_abcdefghijklmnop") == "ghp_" + "*" * 12
    assert analysis.mask_secret("short") == "*****"
    assert "cret" not in analysis.mask_secret("secret")
