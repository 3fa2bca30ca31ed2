"""The public names of netgain.szz and netgain.incidents: what other packages may import."""

from __future__ import annotations

import netgain.incidents
import netgain.szz


def test_szz_public_api() -> None:
    assert list(netgain.szz.__all__) == [
        "DEFAULT_VARIANT",
        "VARIANTS",
        "Candidate",
        "Dropped",
        "Evidence",
        "SzzResult",
        "Variant",
        "find_inducing",
        "get_variant",
    ]
    assert sorted(netgain.szz.VARIANTS) == ["ag", "b", "ma", "netgain", "r"]
    assert netgain.szz.DEFAULT_VARIANT == "netgain"


def test_incidents_public_api() -> None:
    assert list(netgain.incidents.__all__) == [
        "FORMATS",
        "RANKS",
        "ImportProblem",
        "ImportReport",
        "IncidentRecord",
        "LinkReport",
        "ParseResult",
        "classify_features",
        "conventional_type",
        "detect_format",
        "import_records",
        "link_incidents",
        "parse_file",
        "recover_pull_requests",
    ]
    for name in netgain.incidents.__all__:
        assert hasattr(netgain.incidents, name)
