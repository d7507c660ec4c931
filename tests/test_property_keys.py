"""Event property keys: listed as events arrive (once, even from two ingests at a time),
the service's own keys internal, edited by managers, and only the others offered for the
dashboard's breakdown; the migration lists the keys of events stored before it."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, PropertyKey, TouchpointEvent
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of
from tests.conftest import scratch_app
from tests.surveys_helpers import event


def _keys() -> dict[str, tuple[str, bool]]:
    db.session.expire_all()
    return {k.key: (k.label, k.internal) for k in db.session.scalars(select(PropertyKey))}


def test_ingest_lists_new_keys_once(api, surveys):
    assert api("/api/v1/touchpoints", event("e-1")).status_code == 201
    body = event("e-2")
    body["properties"] = {"store": "London", "channel": "app"}
    assert api("/api/v1/touchpoints", body).status_code == 201
    assert _keys() == {"store": ("", False), "channel": ("", False)}


def test_the_follow_up_marks_its_case_id_internal(app, surveys):
    from feedback.complaints.followup import send_followup

    case = case_of(answer("csat", 1, customer="a"))
    send_followup(case, None)
    db.session.commit()
    events = db.session.scalars(select(TouchpointEvent.properties)).all()
    assert {"case_id": case.id} in events
    assert _keys()["case_id"] == ("", True)


def test_a_sender_using_the_services_own_key_does_not_make_it_a_breakdown(api, surveys):
    body = event("e-1")
    body["properties"] = {"case_id": "x-1", "store": "Beijing"}
    api("/api/v1/touchpoints", body)
    assert _keys() == {"case_id": ("", True), "store": ("", False)}


def test_the_breakdown_offers_only_keys_that_are_not_internal(manager_client, api, surveys):
    from feedback.complaints.followup import send_followup

    api("/api/v1/touchpoints", event("e-1"))
    send_followup(case_of(answer("csat", 1, customer="a")), None)
    db.session.commit()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<option value="store">store</option>' in page
    assert 'value="case_id"' not in page
    refused = manager_client.get("/dashboard?by=case_id")
    assert refused.status_code == 400
    assert 'id="by-error"' in refused.get_data(as_text=True)
    assert manager_client.get("/dashboard?by=store").status_code == 200


def test_managers_label_and_hide_keys(manager_client, api, surveys):
    api("/api/v1/touchpoints", event("e-1"))
    key = db.session.scalar(select(PropertyKey).where(PropertyKey.key == "store"))
    dashboard = manager_client.get("/dashboard").get_data(as_text=True)
    assert 'href="/dashboard/properties"' in dashboard
    page = manager_client.get("/dashboard/properties").get_data(as_text=True)
    assert "<code>store</code>" in page
    url = f"/dashboard/properties/{key.id}"
    saved = manager_client.submit(url, {f"k{key.id}-label": " Store city "})
    assert saved.status_code == 302
    assert _keys()["store"] == ("Store city", False)
    dashboard = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<option value="store">Store city</option>' in dashboard

    too_long = manager_client.submit(
        url, {f"k{key.id}-label": "x" * 101, f"k{key.id}-internal": "y"}
    )
    assert too_long.status_code == 400
    assert "Field cannot be longer than 100 characters." in too_long.get_data(as_text=True)
    assert _keys()["store"] == ("Store city", False)  # nothing changed

    hidden = manager_client.submit(
        url, {f"k{key.id}-label": "Store city", f"k{key.id}-internal": "y"}
    )
    assert hidden.status_code == 302
    assert _keys()["store"] == ("Store city", True)
    assert 'value="store"' not in manager_client.get("/dashboard").get_data(as_text=True)


def test_only_managers_edit_keys_and_only_with_the_csrf_token(
    client, agent_client, manager_client, api, surveys
):
    api("/api/v1/touchpoints", event("e-1"))
    key = db.session.scalar(select(PropertyKey))
    assert agent_client.get("/dashboard/properties").status_code == 403
    url = f"/dashboard/properties/{key.id}"
    assert agent_client.submit(url, {f"k{key.id}-internal": "y"}).status_code == 403
    assert manager_client.post(url, data={f"k{key.id}-internal": "y"}).status_code == 400
    assert manager_client.submit("/dashboard/properties/999999", {}).status_code == 404
    assert _keys()["store"] == ("", False)


def test_two_ingests_at_once_list_a_new_key_once(app, surveys):
    """Both transactions insert the key; the second waits for the first and adds nothing."""
    from feedback.surveys.ingest import ingest_events

    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def ingest(number: int) -> None:
        with app.app_context():
            try:
                data = EventInput(
                    external_id=f"race-{number}",
                    touchpoint="delivery",
                    occurred_at=utcnow(),
                    customer=CustomerInput(external_id=f"c-{number}", email=None),
                    properties={"region": "north", f"only-{number}": "1"},
                )
                start.wait()
                ingest_events([(0, data)], EventSource.API)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=ingest, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert set(_keys()) == {"region", "only-1", "only-2"}
    assert db.session.scalar(select(db.func.count()).select_from(TouchpointEvent)) == 2


def test_the_migration_lists_the_keys_of_stored_events(database_url, tmp_path):
    with scratch_app(database_url, tmp_path, "before_keys") as other, other.app_context():
        upgrade(revision="f3b8d2a61c07")
        now = utcnow().replace(tzinfo=None).isoformat(sep=" ")
        db.session.execute(
            text(
                "INSERT INTO customers (id, external_id, name, created_at, updated_at)"
                " VALUES (1, 'c-1', '', :now, :now)"
            ),
            {"now": now},
        )
        db.session.execute(
            text(
                "INSERT INTO touchpoint_types (id, key, name_en, name_zh, counts_as_purchase)"
                " VALUES (1, 'delivery', 'Delivery', '送货', false)"
            )
        )
        for number, properties in enumerate(
            [
                '{"store": "A", "case_id": 7}',
                '{"store": "B", "channel": "web"}',
                "[1, 2]",
                '"x"',
                "{}",
            ]
        ):
            db.session.execute(
                text(
                    "INSERT INTO touchpoint_events (external_id, touchpoint_type_id, customer_id,"
                    " occurred_at, properties, source, created_at)"
                    " VALUES (:id, 1, 1, :now, :properties, 'api', :now)"
                ),
                {"id": f"e-{number}", "now": now, "properties": properties},
            )
        db.session.commit()
        upgrade()
        assert _keys() == {"store": ("", False), "channel": ("", False), "case_id": ("", True)}
        db.session.commit()
        downgrade(revision="f3b8d2a61c07")
        assert "property_keys" not in db.inspect(db.engine).get_table_names()
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def agent_client(app, make_user):
    from tests.conftest import _signed_in_client

    return _signed_in_client(app, make_user, Role.AGENT)
