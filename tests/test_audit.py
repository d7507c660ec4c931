"""Who looked: staff views of a customer page and the dashboard's CSV export are written to
the audit log, which admins read and filter at /admin/audit; the log holds no comment."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from feedback.accounts import services as accounts
from feedback.customers.models import AuditEntry, Customer
from feedback.customers.tombstones import add_tombstone
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.conftest import CSRF_RE, PASSWORD

SECRET_COMMENT = "My neighbour Zhang Wei dropped the blender on the stairs"


def _entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _customer(external_id: str = "c-1", **fields) -> Customer:
    answer("csat", 4, SECRET_COMMENT, customer=external_id, worker=False, **fields)
    return db.session.scalar(select(Customer).filter_by(external_id=external_id))


def _entry(at: datetime, action: str = "customer.view", **fields) -> AuditEntry:
    entry = AuditEntry(at=at, action=action, actor=fields.pop("actor", "someone"), **fields)
    db.session.add(entry)
    db.session.commit()
    return entry


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


# --- what is recorded ------------------------------------------------------------------


def test_a_view_of_the_customer_page_writes_one_entry_with_who(admin_client, surveys):
    customer = _customer()
    assert admin_client.get(f"/customers/{customer.id}").status_code == 200
    (entry,) = _entries()
    assert (entry.action, entry.customer_id) == ("customer.view", customer.id)
    assert (entry.user_id, entry.api_key_id) == (admin_client.user.id, None)
    assert entry.actor == admin_client.user.email
    assert entry.at > datetime.now(UTC) - timedelta(minutes=1)
    # two quick views are two entries
    assert admin_client.get(f"/customers/{customer.id}?answers=all").status_code == 200
    assert [e.action for e in _entries()] == ["customer.view", "customer.view"]


def test_an_agents_view_is_logged_too(agent_client, surveys):
    customer = _customer()
    assert agent_client.get(f"/customers/{customer.id}").status_code == 200
    (entry,) = _entries()
    assert (entry.user_id, entry.customer_id) == (agent_client.user.id, customer.id)


def test_posting_the_pages_form_is_not_a_view(agent_client, surveys):
    customer = _customer()
    response = agent_client.submit(f"/customers/{customer.id}", {"touchpoint": "nope"})
    assert response.status_code == 400
    assert agent_client.head(f"/customers/{customer.id}").status_code == 200
    assert _entries() == []


def test_the_customer_list_and_an_unknown_customer_are_not_views(agent_client, surveys):
    _customer()
    assert agent_client.get("/customers").status_code == 200
    assert agent_client.get("/customers/999999").status_code == 404
    assert _entries() == []


def test_views_at_once_are_each_logged(app, live_server, make_user, surveys):
    """Several staff opening the page at the same moment: each view is a row, none fails
    (on SQLite each GET waits its turn for the write lock)."""
    url = f"{live_server}/customers/{_customer().id}"
    users = [make_user() for _ in range(4)]
    sessions = []
    for user in users:
        session = requests.Session()
        token = CSRF_RE.search(session.get(f"{live_server}/login").text).group(1)
        form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert session.post(f"{live_server}/login", data=form).ok
        sessions.append(session)
    statuses = []

    def view(session):
        for _ in range(3):
            statuses.append(session.get(url).status_code)

    threads = [threading.Thread(target=view, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 12
    entries = _entries()
    assert len(entries) == 12
    assert {e.user_id for e in entries} == {u.id for u in users}


def test_the_dashboard_export_is_logged_with_its_filters_and_rows(manager_client, surveys):
    answer("csat", 5, "fine", customer="a", tier="gold")
    answer("csat", 2, "slow", customer="b", tier="gold")
    answer("csat", 4, "ok", customer="c", tier="silver")
    response = manager_client.get("/dashboard/export.csv?range=30d&tier=gold")
    assert response.status_code == 200
    # an answer arriving while the file downloads is not in it, so the count stays true
    answer("csat", 3, "late", customer="d", tier="gold")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(r["customer"] for r in rows) == ["a", "b"]
    (entry,) = _entries()
    assert (entry.action, entry.count, entry.customer_id) == ("answers.export", 2, None)
    assert entry.user_id == manager_client.user.id
    assert entry.detail.endswith("; tier: gold")
    assert re.match(r"\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d; ", entry.detail)


def test_an_export_refused_for_its_filters_is_not_logged(manager_client, surveys):
    response = manager_client.get("/dashboard/export.csv?range=custom&start=2026-01-01")
    assert response.status_code == 400
    assert _entries() == []


def test_the_log_holds_no_comment_text_nor_contact_details(admin_client, manager_client, surveys):
    customer = _customer(name="Zhang Wei", email="zhang.wei@example.com")
    admin_client.get(f"/customers/{customer.id}")
    manager_client.get(f"/customers/{customer.id}")
    manager_client.get("/dashboard/export.csv").get_data()
    manager_client.get("/dashboard/export.csv?range=7d&language=en&tier=").get_data()
    manager_client.get("/answers?commented=y")
    entries = _entries()
    assert [e.action for e in entries] == ["customer.view"] * 2 + ["answers.export"] * 2
    for entry in entries:
        text = " ".join(str(getattr(entry, column.key)) for column in AuditEntry.__table__.columns)
        for personal in (SECRET_COMMENT, "blender", "Zhang", "zhang.wei", "c-1"):
            assert personal.lower() not in text.lower(), (personal, text)


# --- the admin page --------------------------------------------------------------------


def test_only_admins_read_the_log(agent_client, manager_client, admin_client):
    assert agent_client.get("/admin/audit").status_code == 403
    assert manager_client.get("/admin/audit").status_code == 403
    assert admin_client.get("/admin/audit").status_code == 200
    assert 'href="/admin/audit"' in admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/audit"' not in manager_client.get("/").get_data(as_text=True)


def test_the_log_lists_newest_first_with_who_what_and_whom(admin_client, surveys):
    ann = _customer("c-ann", name="Ann Lee")
    gone = _customer("c-gone", name="Bob", email="bob@example.com")
    gone.erased_at = datetime.now(UTC)
    key, _secret = accounts.create_api_key("crm")
    db.session.commit()
    now = datetime.now(UTC)
    _entry(now - timedelta(hours=3), "customer.view", customer_id=ann.id, actor="ann@x.org")
    _entry(
        now - timedelta(hours=2),
        "customer.export",
        customer_id=ann.id,
        api_key_id=key.id,
        actor=f"API key {key.id} 'crm'",
        detail="json",
        count=7,
    )
    _entry(now - timedelta(hours=1), "customer.erase", customer_id=gone.id, detail="asked")
    _entry(now, "answers.export", detail="2026-01-01 to 2026-01-31", count=120)
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 4
    assert "Exported answers (CSV)" in rows[0] and ">120<" in rows[0]
    assert "Erased a customer" in rows[1]
    assert f'<a href="/customers/{gone.id}">erased customer #{gone.id}</a>' in rows[1]
    assert "Bob" not in rows[1]
    assert "Exported a person&#39;s data" in rows[2] and "API key" in rows[2]
    assert f'<a href="/customers/{ann.id}">Ann Lee</a>' in rows[3]
    assert "Viewed the customer page" in rows[3] and "ann@x.org" in rows[3]


def test_the_filters_narrow_the_log(admin_client, make_user, surveys):
    ann, bob = _customer("c-ann"), _customer("4242")
    other = make_user()
    key, _secret = accounts.create_api_key("crm")
    db.session.commit()
    now = datetime.now(UTC)
    _entry(now, "customer.view", customer_id=ann.id, user_id=other.id, actor=other.email)
    _entry(now, "customer.view", customer_id=bob.id, actor="someone")
    _entry(now, "customer.export", customer_id=bob.id, api_key_id=key.id, actor="the key")
    _entry(now, "answers.export", user_id=other.id, actor=other.email, count=3)

    def shown(query: str) -> int:
        response = admin_client.get(f"/admin/audit?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return len(_rows(response.get_data(as_text=True)))

    assert shown("") == 4
    assert shown("action=customer.view") == 2
    assert shown("action=answers.export") == 1
    assert shown(f"who=user-{other.id}") == 2
    assert shown(f"who=key-{key.id}") == 1
    assert shown(f"customer={ann.id}") == 1
    assert shown("customer=c-ann") == 1
    assert shown("customer=4242") == 2  # bob's external id (and nobody's number)
    assert shown(f"customer={bob.id}&action=customer.export") == 1
    # the pager keeps the filters
    for i in range(55):
        _entry(now - timedelta(minutes=i + 1), "customer.view", customer_id=ann.id)
    first = admin_client.get(f"/admin/audit?customer={ann.id}").get_data(as_text=True)
    assert len(_rows(first)) == 50
    assert f"/admin/audit?page=2&amp;customer={ann.id}" in first
    second = admin_client.get(f"/admin/audit?page=2&customer={ann.id}").get_data(as_text=True)
    assert len(_rows(second)) == 6


def test_dates_are_days_in_the_viewers_time_zone(admin_client):
    admin_client.user.timezone = "Asia/Shanghai"
    db.session.commit()
    # 01:30 on 2 March in Shanghai, and 23:30 on 1 March
    _entry(datetime(2026, 3, 1, 17, 30, tzinfo=UTC), detail="late")
    _entry(datetime(2026, 3, 1, 15, 30, tzinfo=UTC), detail="early")

    def details(query: str) -> list[str]:
        page = admin_client.get(f"/admin/audit?{query}").get_data(as_text=True)
        return [re.search(r'"Detail">([^<]*)<', row).group(1) for row in _rows(page)]

    assert details("start=2026-03-02&end=2026-03-02") == ["late"]
    assert details("start=2026-03-01&end=2026-03-01") == ["early"]
    assert details("end=2026-03-01") == ["early"]
    assert details("start=2026-03-02") == ["late"]
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Mar 2, 2026, 1:30:00\u202fAM" in page or "Mar 2, 2026, 1:30:00 AM" in page
    assert "(Asia/Shanghai)" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("customer=nobody", "No customer has that number or external id."),
        ("customer=99999999999999999999", "No customer has that number or external id."),
        ("start=yesterday", "Not a valid date value."),
        ("start=2026-03-02&end=2026-03-01", "The end date is before the start date."),
        ("end=9999-12-31", "Choose dates from 1900-01-01 to 9998-12-31."),
        ("action=customer.delete", "Not a valid choice."),
        ("who=user-abc", "Not a valid choice."),
        ("who=key-99999999999999999999", "Not a valid choice."),
        (f"customer={'x' * 121}", "Field cannot be longer than 120 characters."),
    ],
)
def test_bad_filters_get_400_with_a_message(admin_client, query, message):
    _entry(datetime.now(UTC))
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert _rows(page) == ['<td colspan="6" class="muted">No entry matches these filters.</td>']


def test_an_erased_persons_old_id_says_so(admin_client):
    add_tombstone("c-erased", "gone@example.com")
    db.session.commit()
    response = admin_client.get("/admin/audit?customer=c-erased")
    assert response.status_code == 400
    assert "That person was erased" in response.get_data(as_text=True)


def test_a_page_number_that_cannot_be_read_is_the_first_page(admin_client):
    _entry(datetime.now(UTC))
    for query in ("page=abc", "page=0", "page=99999999999999"):
        response = admin_client.get(f"/admin/audit?{query}")
        assert response.status_code in (200, 404), query


def test_the_customer_page_shows_admins_the_recent_access(admin_client, agent_client, surveys):
    customer = _customer()
    for _ in range(11):
        agent_client.get(f"/customers/{customer.id}")
    page = agent_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Recent access" not in page and "/admin/audit" not in page
    page = admin_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    section = page.split('id="h-access"', 1)[1]
    items = re.findall(r"<li>(.*?)</li>", section.split("</section>", 1)[0], re.S)
    assert len(items) == 10
    assert admin_client.user.email in items[0]  # this view, newest first
    assert all(agent_client.user.email in item for item in items[1:])
    assert f'href="/admin/audit?customer={customer.id}"' in section


def test_the_log_page_renders_in_chinese(admin_client, surveys):
    customer = _customer()
    admin_client.get(f"/customers/{customer.id}")
    admin_client.submit("/language/zh", {"next": "/"})
    response = admin_client.get(f"/admin/audit?customer={customer.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'lang="zh-Hans"' in page
    for word in ("时间", "操作", "客户", "筛选"):  # When, Action, Customer, Filter
        assert word in page
    assert "年" in re.search(r"<time [^>]*>([^<]*)</time>", page).group(1)
    assert len(_rows(page)) == 1
