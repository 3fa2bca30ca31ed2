"""`netgain.text`: how names git could not decode are written into JSON."""

from __future__ import annotations

import json

import pytest

from netgain.text import ascii_json_storable, storable


@pytest.mark.parametrize(
    "value",
    [
        "caf\udce9.py",  # a latin-1 byte, surrogate-escaped by git path decoding
        "x\\udce9",  # a literal backslash then "udce9": text, not a surrogate
        "a\\\udce9",  # a literal backslash right before a surrogate
        "\U0001f600 ok",  # an emoji: a surrogate *pair* in ensure_ascii JSON, valid
        "lone \ud83d x",  # a lone high surrogate
        "plain",
    ],
)
def test_ascii_json_reads_back_as_storable_text(value: str) -> None:
    rendered = ascii_json_storable(json.dumps({"path": value}))
    assert json.loads(rendered)["path"] == storable(value)
    assert "\\udce9" not in rendered.replace("\\\\udce9", "")
