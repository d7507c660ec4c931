"""The API fuzzed from its own OpenAPI document (schemathesis): every request, valid or
not, gets a documented answer; no 5xx; every 4xx in our error shape."""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config import TestingConfig
from feedback import create_app
from feedback.accounts.services import create_api_key
from feedback.extensions import db

#: per operation and run; both generation modes share it. About 10 s a database.
EXAMPLES = 60


def _document() -> dict:
    """The OpenAPI document as the app serves it (made from code: no database needed)."""
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    deterministic=True,
    database="none",
    allow_x00=True,  # NUL in strings: what PostgreSQL refuses
)
# The explicit examples, then the coverage phase (each field's edges: the largest
# integers, NUL, the wrong types), then random ones.
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


def _is_zone(name) -> bool:
    try:
        ZoneInfo(name)
    except (TypeError, ValueError, ZoneInfoNotFoundError):
        return False
    return True


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_request_gets_a_documented_answer_and_no_5xx(case, surveys, api_key, live_server):
    if isinstance(case.query, dict) and not _is_zone(case.query.get("timezone")):
        # A random zone name is almost never a zone, and the API answers 422 for it
        # before it reads the database with the other arguments: name a real one, so
        # that they get there. (Unknown zones have their own test.)
        case.query["timezone"] = "Asia/Shanghai"
    response = case.call(base_url=live_server, headers={"Authorization": f"Bearer {api_key}"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    if 400 <= response.status_code < 500:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}, error


#: a request that gets each documented error of each operation: (headers, data, query)
NO_KEY = {"Authorization": ""}
#: replaced by a key with only that scope
READ_ONLY, INGEST_ONLY = {"Authorization": "read"}, {"Authorization": "ingest"}
ADMIN_ONLY = {"Authorization": "admin"}
TOO_LARGE = '{"blob": "' + "x" * (1024 * 1024 + 10) + '"}'
ERRORS = {
    ("POST", "/api/v1/touchpoints"): {
        400: ({}, "{not json", None),
        401: (NO_KEY, "{}", None),
        413: ({}, TOO_LARGE, None),
        422: ({}, "{}", None),
    },
    ("POST", "/api/v1/touchpoints/batch"): {
        400: ({}, '{"events": [' * 40 + "]" * 40 + "}", None),
        401: (NO_KEY, "{}", None),
        413: ({}, TOO_LARGE, None),
        422: ({}, '{"events": []}', None),
    },
    ("POST", "/api/v1/responses/import"): {
        400: ({}, '{"responses": [' * 40 + "]" * 40 + "}", None),
        401: (NO_KEY, "{}", None),
        413: ({}, TOO_LARGE, None),
        422: ({}, '{"responses": []}', None),
    },
    ("GET", "/api/v1/summary"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        422: ({}, None, {"range": "week"}),
    },
    ("GET", "/api/v1/loyalty"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        422: ({}, None, {"window": 0}),
    },
    ("GET", "/api/v1/responses"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        422: ({}, None, {"after": -1}),
    },
    ("GET", "/api/v1/drivers"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        422: ({}, None, {"kind": "mood"}),
    },
    ("GET", "/api/v1/cases"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        422: ({}, None, {"cursor": "x"}),
    },
    ("GET", "/api/v1/at-risk"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        422: ({}, None, {"cursor": "x"}),
    },
    ("GET", "/api/v1/cases/{case_id}"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        404: ({}, None, None),
    },
    ("GET", "/api/v1/customers/{external_id}"): {
        401: (NO_KEY, None, None),
        403: (INGEST_ONLY, None, None),
        404: ({}, None, None),
    },
    ("GET", "/api/v1/customers/{external_id}/export"): {
        401: (NO_KEY, None, None),
        403: (READ_ONLY, None, None),
        404: (ADMIN_ONLY, None, None),
    },
    ("DELETE", "/api/v1/customers/{external_id}"): {
        401: (NO_KEY, None, None),
        403: (READ_ONLY, None, None),
        404: (ADMIN_ONLY, None, None),
        422: (ADMIN_ONLY, None, {"reason": ""}),
    },
}
for each in ERRORS:
    if each[0] == "POST":
        ERRORS[each][403] = (READ_ONLY, "{}", None)
#: the templated paths' parameters (nothing has these ids)
PATH_PARAMETERS = {
    "/api/v1/cases/{case_id}": {"case_id": 4242},
    "/api/v1/customers/{external_id}": {"external_id": "no/one"},
    "/api/v1/customers/{external_id}/export": {"external_id": "no/one"},
}


def test_every_documented_error_is_the_real_one(surveys, api_key, live_server):
    documented = {
        (method.upper(), path): {int(code) for code in op["responses"] if code.startswith("4")}
        for path, item in _document()["paths"].items()
        for method, op in item.items()
        if method != "parameters"  # a templated path's own
    }
    assert documented == {key: set(codes) for key, codes in ERRORS.items()}
    scopes = ("read", "ingest", "admin")
    scoped = {scope: create_api_key(scope, scopes=[scope])[1] for scope in scopes}
    db.session.commit()
    for (method, path), codes in ERRORS.items():
        for code, (headers, data, query) in codes.items():
            if headers.get("Authorization") in scoped:
                headers = {"Authorization": f"Bearer {scoped[headers['Authorization']]}"}
            headers = {
                "Authorization": f"Bearer {api_key}",
                "Content-Type": "application/json",
                **headers,
            }
            parameters = PATH_PARAMETERS.get(path, {})
            url = live_server + path.format(
                **{name: quote(str(value), safe="") for name, value in parameters.items()}
            )
            response = requests.request(
                method, url, headers=headers, data=data, params=query, timeout=30
            )
            assert response.status_code == code, (method, path, response.text[:300])
            case = schema[path][method].Case(
                headers=headers, query=query, path_parameters=parameters or None
            )
            case.validate_response(
                response, checks=[status_code_conformance, response_schema_conformance]
            )
            assert set(response.json()["error"]) == {"code", "message", "fields"}
