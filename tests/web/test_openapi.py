"""Property-based test of the API against its own OpenAPI document (schemathesis).

Every documented operation is called with generated parameters, as an admin and as a rep:
no answer may be a 500, and answers must match the documented status codes, content types and
shapes. Bounded: ``EXAMPLES`` generated cases per operation, no deadline.

(The operations are driven from one test with Hypothesis' ``@given`` rather than
``schemathesis.pytest.from_fixture``, whose lazy loader does not run on pytest 9.)
"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import Cast

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_api_conforms_and_never_fails(app: FastAPI, cast: Cast) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    headers = [{"Authorization": f"Bearer {cast.tokens[role]}"} for role in ("admin", "rep")]

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            for header in headers:
                case.call_and_validate(headers=header, checks=CHECKS)

        check()
