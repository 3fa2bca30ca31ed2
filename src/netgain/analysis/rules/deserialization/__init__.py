"""Deserialization and XML parser rules."""

from netgain.analysis.rules.deserialization import (
    unsafe_deserialization,
    xml_expansion,
    xxe,
    yaml_load,
)

__all__ = ["unsafe_deserialization", "xml_expansion", "xxe", "yaml_load"]
