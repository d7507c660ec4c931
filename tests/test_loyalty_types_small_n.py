"""Loyalty types with few customers: the counts show (and link), their shares do not, as
the Loyalty page's other figures under scoring.TOO_FEW."""

from __future__ import annotations

from datetime import timedelta

from tests import types_helpers

loyalty_world = types_helpers.loyalty_world  # the fixture, used here


def _period_args(world) -> str:
    start = (world.long_ago - timedelta(days=30)).date().isoformat()
    return f"range=custom&start={start}&end={world.now.date().isoformat()}&window=90"


def test_shares_of_fewer_than_ten_customers_are_not_shown(loyalty_world, manager_client):
    html = manager_client.get(f"/loyalty?{_period_args(loyalty_world)}").get_data(as_text=True)
    types = html[html.index('id="h-types"') :]
    # 6 customers in all, 3 gold and 3 without a tier: 1 of 6 would read 17%, 1 of 3
    # 33%, 2 of 3 67%, 3 of 6 50%: figures from too few customers to say
    for share in ("17%", "33%", "67%", "50%"):
        assert share not in types, share
    assert 'href="/loyalty/customers?' in types
