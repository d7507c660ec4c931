"""Helpers for the complaint analysis tests: tables of a page read as a person reads them,
and cases given a resolution at a known time."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

from feedback.complaints import cases as actions
from feedback.complaints.models import CallOutcome, Case, ResolutionCode
from feedback.extensions import db
from tests.complaints_helpers import case_of


class _Tables(HTMLParser):
    """Every table of a page: its caption, its header row and its body rows as text."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._caption: list[str] | None = None
        self._cell: list[str] | None = None
        self._name = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._name = [], ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self._name, self._caption = " ".join("".join(self._caption).split()), None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = self._rows
            self._rows = None

    def handle_data(self, data):
        for part in (self._caption, self._cell):
            if part is not None:
                part.append(data)


def table(page: str, caption: str) -> dict[str, dict[str, str]]:
    """The table whose caption starts with ``caption``: {row header: {column: cell}}; a
    row of one cell (such as "No case") is {its text: {}}."""
    parser = _Tables()
    parser.feed(page)
    [rows] = [rows for name, rows in parser.tables.items() if name.startswith(caption)]
    head, *body = rows
    return {row[0]: dict(zip(head[1:], row[1:], strict=len(row) > 1)) for row in body}


def resolve(response, agent, code: ResolutionCode, after: timedelta) -> Case:
    """Answer the case the response opened with a call, resolve it with ``code``, and say
    it was resolved ``after`` its opening; committed."""
    case = case_of(response)
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, code)
    case.resolved_at = case.opened_at + after
    db.session.commit()
    return case
