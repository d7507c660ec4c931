"""The company's brand: the admin's page, the logo and colour served, and the brand on
mail (From, invitation, reply) and on the customer's pages, in both languages."""

from __future__ import annotations

import base64
import io
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from feedback.accounts.models import Role
from feedback.brand.models import BrandSettings
from feedback.brand.services import save_brand
from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.surveys import invitations
from tests.surveys_helpers import captured, event, html_links, local

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GOOD = {
    "company_name": "Acme Shoes",
    "company_name_zh": "艾克米鞋业",
    "sender_name": "Acme Care",
    "sender_address": "care@acme.example",
    "support_address": "help@acme.example",
    "colour": "#AA3300",
}


def _row() -> BrandSettings | None:
    db.session.expire_all()
    return db.session.get(BrandSettings, 1)


def _save(client, logo: bytes | None = None, filename: str = "logo.png", **fields):
    """POST the brand form as a browser does, multipart (encoded in memory: the test
    client's own encoding leaves a large upload's temporary file open)."""
    data = {**GOOD, **fields, "csrf_token": client.csrf_token()}
    if logo is not None:
        data["logo"] = FileStorage(io.BytesIO(logo), filename)
    boundary, body = encode_multipart(data)
    return client.post(
        "/admin/brand", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _brand(**fields) -> None:
    save_brand({**GOOD, **fields}, PNG)
    db.session.commit()


def test_an_admin_saves_every_field_and_sees_the_preview(admin_client):
    saved = _save(admin_client, PNG, promise_email="y")
    assert saved.status_code == 302
    text = admin_client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "The brand settings are saved." in text
    assert "Acme Shoes" in text and "艾克米鞋业" in text
    assert "Acme Care &lt;care@acme.example&gt;" in text  # the From, previewed
    row = _row()
    assert (row.company_name, row.company_name_zh) == ("Acme Shoes", "艾克米鞋业")
    assert (row.sender_name, row.sender_address) == ("Acme Care", "care@acme.example")
    assert row.support_address == "help@acme.example"
    assert row.colour == "#aa3300"
    assert row.logo == PNG and row.logo_type == "image/png"
    assert row.promise_email is True
    # saving again without a file keeps the logo; emptying a field clears it
    _save(admin_client, company_name_zh="")
    assert _row().logo == PNG and _row().company_name_zh is None
    _save(admin_client, remove_logo="y")
    assert _row().logo is None


@pytest.mark.parametrize(
    ("fields", "logo", "filename", "message"),
    [
        ({"colour": "red"}, None, None, "like #1d4ed8"),
        ({"colour": "#12345g"}, None, None, "like #1d4ed8"),
        ({"sender_address": "not an address"}, None, None, "Enter a valid email address."),
        ({"support_address": "help@"}, None, None, "Enter a valid email address."),
        ({}, SVG, "logo.png", "must be a PNG, JPEG, WebP or GIF"),
        ({}, b"GIF89a" + b"\0" * (512 * 1024), "big.gif", "at most 512 KB"),
        ({}, b"%PDF-1.4 not an image", "logo.png", "must be a PNG, JPEG, WebP or GIF"),
    ],
)
def test_bad_values_are_refused_and_nothing_saved_is_lost(
    admin_client, fields, logo, filename, message
):
    _save(admin_client, PNG)
    kept = _row()
    kept_values = (kept.colour, kept.sender_address, kept.support_address, kept.logo)
    page = _save(admin_client, logo, filename or "logo.png", company_name="Changed", **fields)
    assert page.status_code == 400
    assert message in page.get_data(as_text=True)
    row = _row()
    assert row.company_name == "Acme Shoes"
    assert (row.colour, row.sender_address, row.support_address, row.logo) == kept_values


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER])
def test_only_admins_edit_the_brand(client, make_user, role):
    from tests.conftest import sign_in

    sign_in(client, make_user(role))
    assert client.get("/admin/brand").status_code == 403
    assert client.submit("/admin/brand", GOOD).status_code == 403
    assert _row() is None


def test_the_logo_is_served_with_its_type_and_a_long_cache(app, client):
    assert client.get("/brand/logo").status_code == 404
    _brand()
    stamp = str(int(_row().updated_at.timestamp()))
    logo = client.get(f"/brand/logo?v={stamp}")
    assert logo.status_code == 200 and logo.data == PNG
    assert logo.headers["Content-Type"] == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in logo.headers["Cache-Control"]
    again = client.get(f"/brand/logo?v={stamp}", headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304
    # an old stamp is not cached for long: the next save changes the URL
    assert "no-cache" in client.get("/brand/logo?v=1").headers["Cache-Control"]


def test_the_colour_is_a_served_stylesheet(app, client):
    assert client.get("/brand.css").get_data(as_text=True) == ""
    _brand()
    css = client.get("/brand.css")
    assert css.headers["Content-Type"].startswith("text/css")
    assert "background: #aa3300" in css.get_data(as_text=True)


def test_delivered_mail_is_from_the_brands_sender(app, smtp_server):
    from feedback.outbox.services import queue_email

    queue_email("ann@example.com", "Hello", "Body")
    db.session.commit()
    deliver_due("test")
    _brand()
    queue_email("ann@example.com", "Hello again", "Body")
    db.session.commit()
    deliver_due("test")
    first, second = (
        message_from_bytes(raw, policy=policy.default) for raw in smtp_server.handler_obj.raw
    )
    assert first["From"] == "Feedback <feedback@localhost>"
    assert second["From"] == "Acme Care <care@acme.example>"


def _invitation(app, api, locale: str, n: int):
    api("/api/v1/touchpoints", event(f"order-{n}", locale=locale, customer_id=f"c-{n}"))
    invitations.send_due_invitations()
    deliver_due("test")
    return captured(app)[-1]


@pytest.mark.parametrize(
    ("locale", "name", "words"),
    [("en", "Acme Shoes", "Questions? Write to us:"), ("zh", "艾克米鞋业", "")],
)
def test_the_invitation_carries_the_brand(app, surveys, api, locale, name, words):
    plain = _invitation(app, api, locale, 1)
    assert "Acme" not in plain.get_body(("html",)).get_content()
    _brand()
    mail = _invitation(app, api, locale, 2)
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    stamp = str(int(_row().updated_at.timestamp()))
    assert f'src="{app.config["BASE_URL"]}/brand/logo?v={stamp}"' in html
    assert name in html and name in text
    assert "help@acme.example" in html and "help@acme.example" in text
    assert words in text
    assert "background:#aa3300" in html and "background:#1d4ed8" not in html
    assert mail["From"] == "Acme Care <care@acme.example>"


def test_the_chinese_name_falls_back_to_the_english_one(app, surveys, api):
    _brand(company_name_zh="")
    html = _invitation(app, api, "zh", 3).get_body(("html",)).get_content()
    assert "Acme Shoes" in html


def test_the_customers_pages_show_the_brand(app, client, link):
    plain = client.get(link).get_data(as_text=True)
    assert "brand-head" not in plain and "brand.css" not in plain
    _brand()
    for lang, name in (("en", "Acme Shoes"), ("zh", "艾克米鞋业")):
        page = client.get(f"{link}?lang={lang}").get_data(as_text=True)
        assert name in page
        assert "/brand/logo?v=" in page and "/brand.css?v=" in page
        assert 'href="mailto:help@acme.example"' in page
    thanks = client.post(link, data={"score": "5"}, follow_redirects=True).get_data(as_text=True)
    assert "Thank you!" in thanks and "Acme Shoes" in thanks and "help@acme.example" in thanks
    unsubscribe = client.get(f"{link}/unsubscribe").get_data(as_text=True)
    assert "Acme Shoes" in unsubscribe and "help@acme.example" in unsubscribe


def test_a_reply_from_a_case_is_signed_with_the_company(app, surveys, make_user):
    from feedback.complaints import cases as case_actions
    from feedback.outbox.models import OutboxMessage
    from tests.complaints_helpers import answer, cases

    _brand()
    answer("csat", 1, locale="zh")
    [case] = cases()
    case_actions.reply(case, make_user(), "About your order", "We are sorry.", "zh")
    db.session.commit()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "case_reply")
    ).one()
    assert "艾克米鞋业" in message.body_text and "help@acme.example" in message.body_text
    assert "艾克米鞋业" in message.body_html


def test_links_in_the_invitation_still_work(app, surveys, api, client):
    _brand()
    mail = _invitation(app, api, "en", 4)
    answer_link = local(html_links(mail)[0])
    assert client.get(answer_link).status_code == 200


def test_the_branded_answer_page_keeps_the_policy_in_chromium(
    app, link, live_server, browser, tmp_path
):
    from tests.test_security_headers import Watched

    _brand()
    watched = Watched(browser, viewport={"width": 390, "height": 844})
    watched.visit(f"{live_server}{link}?lang=zh")
    page = watched.page
    logo = page.get_by_role("img", name="艾克米鞋业")
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 1
    button = page.get_by_role("button")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(170, 51, 0)"
    assert page.get_by_role("link", name="help@acme.example").is_visible()
    page.screenshot(path=str(tmp_path / "answer-branded-zh.png"), full_page=True)
    assert watched.messages == []
    watched.context.close()
