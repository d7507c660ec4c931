"""The tabs of the managers' Loyalty pages, each its own blueprint (see
templates/loyalty/_tabs.html, which shows those that are registered)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

TABS = [
    ("loyalty.index", _l("Outcomes")),
    ("loyalty_heatmap.index", _l("Heat map")),
    ("loyalty_drivers.index", _l("Drivers")),
    ("loyalty_complaints.index", _l("Complaints")),
    ("loyalty_rfm.index", _l("RFM and tiers")),
]


def loyalty_tabs() -> list:
    """The tabs whose page this installation has (endpoint, label)."""
    return [(endpoint, label) for endpoint, label in TABS if endpoint in current_app.view_functions]
