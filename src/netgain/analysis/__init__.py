"""netgain.analysis: security analysis of Python code (taint engine and rule families).

`scan()` is the entry point; importing `netgain.analysis.rules` registers every rule.
"""

from netgain.analysis.findings import (
    Confidence,
    Finding,
    Location,
    ScanResult,
    Severity,
    TraceStep,
    UnparsedFile,
)
from netgain.analysis.options import EntryMode, ScanOptions
from netgain.analysis.rules.base import DOC_SECTIONS, RuleMeta, all_rules, get_rule
from netgain.analysis.scanner import ScanStats, collect_files, mask_secret, scan, scan_with_stats
from netgain.analysis.taint_models import ModelError, TaintModels, load_models

__all__ = [
    "DOC_SECTIONS",
    "Confidence",
    "EntryMode",
    "Finding",
    "Location",
    "ModelError",
    "RuleMeta",
    "ScanOptions",
    "ScanResult",
    "ScanStats",
    "Severity",
    "TaintModels",
    "TraceStep",
    "UnparsedFile",
    "all_rules",
    "collect_files",
    "get_rule",
    "load_models",
    "mask_secret",
    "scan",
    "scan_with_stats",
]
