"""The quick path for touchpoint events must accept only what the schema accepts, and
build exactly what the schema builds."""

from __future__ import annotations

import copy

import pytest
from marshmallow import ValidationError

from feedback.surveys.inputs import TouchpointSchema, quick_parse

VALID = {
    "external_id": "order-1001-delivered",
    "touchpoint": "delivery",
    "occurred_at": "2026-11-20T10:00:00Z",
    "customer": {
        "external_id": "c-42",
        "email": "Ann@Example.com",
        "name": "Ann",
        "locale": "zh_Hans_CN",
        "tier": "gold",
        "extra": "ignored",
    },
    "properties": {"store": "Shanghai", "n": 3},
    "unknown": "ignored",
}


def _variant(path: str, value):
    raw = copy.deepcopy(VALID)
    target = raw
    *parents, leaf = path.split(".")
    for name in parents:
        target = target[name]
    if value is KeyError:
        target.pop(leaf)
    else:
        target[leaf] = value
    return raw


CASES = [
    VALID,
    _variant("occurred_at", "2026-11-20T18:00:00+08:00"),
    _variant("occurred_at", "2026-11-20T10:00:00"),  # no time zone
    _variant("occurred_at", "2026-11-20"),
    _variant("occurred_at", "20261120T100000Z"),
    _variant("occurred_at", "yesterday"),
    _variant("occurred_at", 1763632800),
    _variant("occurred_at", "9999-12-31T23:30:00Z"),
    _variant("occurred_at", "0001-01-01T00:30:00+05:00"),
    _variant("occurred_at", "1969-12-31T23:59:59Z"),
    _variant("occurred_at", "2200-12-31T23:59:59Z"),
    _variant("external_id", ""),
    _variant("external_id", "x" * 201),
    _variant("external_id", 42),
    _variant("external_id", KeyError),
    _variant("touchpoint", None),
    _variant("customer", "c-42"),
    _variant("customer.external_id", KeyError),
    _variant("customer.email", "not-an-email"),
    _variant("customer.email", ""),
    _variant("customer.email", None),
    _variant("customer.email", KeyError),
    _variant("customer.email", "a@b"),
    _variant("customer.name", 7),
    _variant("customer.name", "n" * 201),
    _variant("customer.locale", "fr"),
    _variant("customer.locale", None),
    _variant("customer.tier", "t" * 41),
    _variant("properties", None),
    _variant("properties", []),
    _variant("properties", KeyError),
    _variant("properties", {"k" * 101: 1}),
]


@pytest.mark.parametrize("raw", CASES)
def test_quick_path_agrees_with_the_schema(raw):
    quick = quick_parse(raw)
    try:
        expected = TouchpointSchema().load(raw)
    except ValidationError:
        expected = None
    if quick is not None:
        assert quick == expected  # never accepts what the schema refuses; same result
    else:
        assert raw is not VALID  # the plain valid event does take the quick path


def test_quick_path_takes_the_common_event():
    event = quick_parse(VALID)
    assert event.customer.email == "ann@example.com"
    assert event.customer.locale == "zh"
    assert event.occurred_at.utcoffset().total_seconds() == 0
