"""Review of the hooks' address guard: cloud metadata in shared address space, 6to4, and a
name that resolves to a public address when checked but to a private one when posted to
(DNS rebinding)."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.addresses import RefusedAddress, check_url
from feedback.notify.webhook_models import DeliveryStatus, Hook, HookKind
from tests.complaints_helpers import answer
from tests.hooks_helpers import deliveries, send, serve

pytestmark = pytest.mark.usefixtures("surveys")


@pytest.fixture
def receiver(app):
    yield from serve(app)


@pytest.mark.parametrize(
    "url",
    [
        # Alibaba Cloud's metadata service, in 100.64.0.0/10
        "http://100.100.100.200/latest/meta-data/",
        "http://100.64.0.1/hook",
        # 6to4 for 127.0.0.1
        "http://[2002:7f00:1::]/hook",
    ],
)
def test_shared_and_tunnelled_private_addresses_are_refused(app, url):
    with pytest.raises(RefusedAddress):
        check_url(url, allow_private=False)


def test_a_public_address_is_still_allowed(app):
    check_url("http://[2606:4700::1]/hook", allow_private=False)
    check_url("http://[2002:5db8:d822::]/hook", allow_private=False)  # 6to4 for a public one


def test_a_name_that_rebinds_to_loopback_after_the_check_is_not_posted_to(
    app, receiver, monkeypatch
):
    """A DNS server of the attacker's answers a public address to the check and 127.0.0.1
    to the connection (no such server runs here, so the resolver is stood in for)."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/", 1)[0])
    real = socket.getaddrinfo
    calls = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return real(host, *args, **kwargs)
        calls.append(host)
        address = "93.184.216.34" if len(calls) % 2 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    webhooks.create_hook(HookKind.WEBHOOK, f"http://rebind.example:{port}/hook", ["case.opened"])
    db.session.commit()
    answer("csat", 1)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    send()
    (delivery,) = deliveries()
    assert receiver.received == []
    assert delivery.status is DeliveryStatus.FAILED and "refused" in delivery.last_error
    assert len(calls) >= 2  # checked, then connected


@pytest.mark.parametrize(
    "args",
    [
        ["http://127.0.0.1:9/" + "x" * 2000],
        ["http://127.0.0.1:9/x", "--kind", "dingtalk", "--secret", "s" * 201],
    ],
)
def test_the_command_refuses_a_url_or_secret_too_long_to_keep(app, runner, args):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    result = runner.invoke(args=["webhooks", "create", *args, "--events", "case.opened"])
    assert result.exit_code == 1 and "too long" in result.output
    assert db.session.scalar(select(db.func.count()).select_from(Hook)) == 0


def test_a_url_with_credentials_is_refused_by_the_command(app, runner):
    """urllib would not send them: every delivery would fail with a misleading error."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    result = runner.invoke(
        args=["webhooks", "create", "http://user:pw@127.0.0.1:9/x", "--events", "case.opened"]
    )
    assert result.exit_code == 1 and "user name or password" in result.output
    assert db.session.scalar(select(db.func.count()).select_from(Hook)) == 0


def test_through_an_egress_proxy_on_a_private_address_hooks_still_post(app, receiver, monkeypatch):
    """A company's outbound proxy (HTTP_PROXY) often has a private address: the peer check
    is for direct connections; the target's own address is still checked."""
    monkeypatch.setenv("HTTP_PROXY", receiver.url.rsplit("/", 1)[0])
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    webhooks.create_hook(HookKind.WEBHOOK, "http://93.184.216.34/hook", ["case.opened"])
    db.session.commit()
    answer("csat", 1)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    send()
    (delivery,) = deliveries()
    assert delivery.status is DeliveryStatus.SENT, delivery.last_error
    (received,) = receiver.received
    assert received.path == "http://93.184.216.34/hook"  # as a proxy is asked
