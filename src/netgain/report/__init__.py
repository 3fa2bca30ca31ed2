"""Output formats. Each format is a module with a `render(report) -> str` function."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from netgain.report.scan_report import ScanReport

FORMATS = ("text", "json", "sarif", "gitlab", "gitlab-codequality")


_MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "gitlab": "gitlab_sast",
    "gitlab-codequality": "gitlab_codequality",
}


def renderer(fmt: str) -> Callable[[ScanReport], str]:
    """The render function of a scan output format; imported lazily to keep start-up fast."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    module = importlib.import_module(f"netgain.report.{_MODULES[fmt]}")
    render: Callable[[ScanReport], str] = module.render
    return render


__all__ = ["FORMATS", "ScanReport", "renderer"]
