"""Review of issue #22's data in and at-risk list: input that once gave a 500 now gets a
clear 4xx, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.loyalty import rfm
from feedback.loyalty.models import CustomerRfm
from feedback.timeutil import utcnow
from tests.complaints_helpers import work
from tests.conftest import sign_in
from tests.rfm_helpers import buy
from tests.test_response_import import URL, row
from tests.test_rfm import DEFAULT_FORM
from tests.types_helpers import customer_id, purchase

pytestmark = pytest.mark.usefixtures("surveys")


def cursor(*parts) -> str:
    """A cursor as atrisk.AtRisk.cursor spells one, with any parts."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("survey", ["²", "１２", "٣"])
def test_a_survey_of_digits_python_reads_but_int_does_not_is_a_rejected_row(api, survey):
    reply = api(URL, {"responses": [row("p-1", survey=survey), row("p-2")]})

    assert reply.status_code == 200
    body = reply.get_json()
    assert [r["status"] for r in body["results"]] == ["rejected", "created"]
    assert "Unknown survey" in body["results"][0]["errors"]["survey"][0]


BAD_CURSORS = [
    cursor("1", "0001-01-01T00:00:00+14:00", 1),  # before year 1 in UTC
    cursor("1", "9999-12-31T23:59:59-14:00", 1),  # after year 9999 in UTC
    cursor("1", "2025-01-01T00:00:00+00:00", 10**30),  # an id no integer column holds
    cursor("1e999999999", "2025-01-01T00:00:00+00:00", 1),  # wider than any numeric
    cursor("-1e-999999", "2025-01-01T00:00:00+00:00", 1),
    cursor("0.001", "2025-01-01T00:00:00+00:00", 1),  # finer than a cent
]


@pytest.mark.parametrize("after", BAD_CURSORS)
def test_a_forged_page_link_of_who_to_call_is_a_400(agent_client, after):
    reply = agent_client.get("/at-risk", query_string={"after": after})

    assert reply.status_code == 400
    assert "This page link is broken" in reply.get_data(as_text=True)


@pytest.mark.parametrize("after", BAD_CURSORS)
def test_a_forged_at_risk_cursor_of_the_api_is_a_422(client, api_key, after):
    reply = client.get(
        "/api/v1/at-risk",
        query_string={"cursor": after},
        headers={"Authorization": f"Bearer {api_key}"},
    )

    assert reply.status_code == 422
    assert "cursor" in reply.get_json()["error"]["fields"]


def test_the_customer_page_value_of_12_months_is_rfm_monetary(app, agent_client):
    """One rule for "value in the last 12 months": the customer page, RFM and the at-risk
    list count the same purchases (a purchase dated tomorrow is in none of them yet)."""
    now = utcnow()
    purchase("c-val", now - timedelta(days=10), "100.00")
    purchase("c-val", now + timedelta(days=2), "50.00")  # sent ahead of time
    purchase("c-val", now - timedelta(days=400), "70.00")  # older than 12 months
    rfm.compute([customer_id("c-val")], now)
    db.session.commit()

    page = agent_client.get(f"/customers/{customer_id('c-val')}").get_data(as_text=True)

    assert db.session.get(CustomerRfm, customer_id("c-val")).monetary == Decimal("100.00")
    value = re.search(r"Value in the last 12 months</dt><dd>([^<]*)</dd>", page).group(1)
    assert value == "CN¥100.00"


@pytest.mark.parametrize(
    ("command", "header"),
    [
        (["responses", "import"], "external_id,customer_external_id,survey,score,answered_at"),
        (["touchpoints", "import"], "external_id,touchpoint,occurred_at,customer_external_id"),
    ],
)
def test_a_csv_line_the_csv_module_cannot_read_is_a_clear_error(
    app, runner, tmp_path, command, header
):
    """A quote left open swallows the rest of the file into one field, past the csv
    module's limit: the command says which line and that nothing was imported."""
    path = tmp_path / "rows.csv"
    good = "a-1,c-1,NPS after purchase,9,2025-01-01T00:00:00Z"
    path.write_text(f'{header}\n{good}\na-2,"c-2,{"x" * 200_000}\n', encoding="utf-8")

    result = runner.invoke(args=[*command, str(path)])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "line 3" in result.output
    assert "nothing was imported" in result.output


@pytest.mark.parametrize(("locale", "name"), [("en", "VIP"), ("zh", "贵宾")])
def test_the_customer_page_names_the_computed_tier_and_shows_the_tier_sent(
    surveys, manager_client, make_user, client, locale, name
):
    """With computed tiers, customers.tier is the computed one: "Tier (as sent)" shows
    what the API sent, and the computed tier by its name in the viewer's language."""
    vip = {
        **DEFAULT_FORM,
        "tiers-0-key": "vip",
        "tiers-0-name_en": "VIP",
        "tiers-0-name_zh": "贵宾",
        "tiers-0-min_value": "1000",
        "tiers-0-min_frequency": "1",
        "tier_source": "computed",
    }
    assert manager_client.submit("/loyalty/rfm", vip).status_code == 302
    buy("c-1", utcnow() - timedelta(days=3), "2000", tier="bronze")
    work()  # the purchase's reaction computes the tier
    sign_in(client, make_user(Role.AGENT, locale=locale))

    page = client.get(f"/customers/{customer_id('c-1')}").get_data(as_text=True)

    sent = "Tier (as sent)" if locale == "en" else "等级（来源系统提供）"
    facts = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))
    assert facts[sent] == "bronze"
    computed = "Computed tier" if locale == "en" else "计算等级"
    assert facts[computed] == name


@pytest.mark.parametrize(
    "extra",
    [
        {"m_1": "sNaN"},
        {
            "tiers-0-key": "gold",
            "tiers-0-name_en": "Gold",
            "tiers-0-min_value": "sNaN",
            "tiers-0-min_frequency": "1",
        },
    ],
)
def test_a_signalling_nan_on_the_rfm_page_is_a_form_error(manager_client, extra):
    reply = manager_client.submit("/loyalty/rfm", {**DEFAULT_FORM, **extra})

    assert reply.status_code == 400
    assert "Enter a number." in reply.get_data(as_text=True)
