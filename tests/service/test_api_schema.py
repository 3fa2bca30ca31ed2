"""Schemathesis drives /api/v1 from its own OpenAPI schema, as an authenticated member of `acme`
over a real seeded store served by uvicorn: no 500s, and every response (status, content type,
headers, body) matches the schema. Bounded examples per operation keep `make test` quick. One check is left out: "a schema-valid
request is accepted" cannot hold for a time range whose `since` is after its `until`, or a cursor
the API never issued (400 problems), which no OpenAPI schema can express.

The schema is the one the service serves (`api_schema()`, checked equal to the served document);
operations are parametrised here rather than through schemathesis' pytest plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgain.service.settings import from_env
from netgain.service.web.api.openapi import api_schema
from tests.service.apiworld import Seeded, api_app, seed
from tests.service.fakegithub import Served

SCHEMA = schemathesis.openapi.from_dict(api_schema())
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
# the seeded names, so that generated calls reach real data and not only 404s
KNOWN = {"org": "acme", "owner": "acme", "name": "web", "number": 1}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Seeded, Served]]:
    data_dir = tmp_path_factory.mktemp("schema") / "svc"
    world = seed(data_dir, from_env({"NETGAIN_SERVICE_DIR": str(data_dir)}))
    with Served(api_app(world)) as server:
        yield world, server


def test_the_served_schema_is_the_one_tested(served: tuple[Seeded, Served]) -> None:
    _world, server = served
    assert httpx.get(f"{server.url}/api/v1/openapi.json").json() == api_schema()


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_conforms_to_its_schema(label: str, served: tuple[Seeded, Served]) -> None:
    world, server = served
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {world.alice_token}"}

    @given(case=operation.as_strategy(), known=st.booleans())
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples on every run: a failure in CI reproduces locally
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, known: bool) -> None:
        if known and case.path_parameters:
            case.path_parameters = {k: KNOWN.get(k, v) for k, v in case.path_parameters.items()}
        case.call_and_validate(
            base_url=server.url,
            headers=headers,
            # constraints the schema cannot state (`since` before `until`, a cursor this API
            # issued) are 400 problems; that check would call them wrong, the others stay
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
        )

    run()
