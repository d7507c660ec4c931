"""The quicker select widget writes exactly what WTForms' own writes."""

from __future__ import annotations

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.fields import SelectChoice

from feedback.forms import SelectField

CHOICES = [
    SelectChoice("", "Any"),
    SelectChoice("a&b", 'Fish & "chips" <b>'),
    SelectChoice("2", "二号店"),
    SelectChoice("x", ""),  # no label: the value shows
]


class Quick(Form):
    pick = SelectField("Pick", choices=CHOICES)


class Stock(Form):
    pick = wtforms.SelectField("Pick", choices=CHOICES)


@pytest.mark.parametrize("chosen", [None, "", "a&b", "2", "not offered"])
@pytest.mark.parametrize("attrs", [{}, {"class_": "short", "aria_describedby": "pick-help"}])
def test_the_quick_select_writes_what_wtforms_writes(chosen, attrs):
    data = MultiDict() if chosen is None else MultiDict({"pick": chosen})
    quick, stock = Quick(data), Stock(data)
    assert str(quick.pick(**attrs)) == str(stock.pick(**attrs))
    assert "&lt;b&gt;" in str(quick.pick()) and "<b>" not in str(quick.pick())


def test_options_with_attributes_of_their_own_are_left_to_wtforms():
    choices = [SelectChoice("1", "One", render_kw={"disabled": True}), SelectChoice("2", "Two")]

    class WithAttrs(Form):
        pick = SelectField("Pick", choices=choices)

    class StockWithAttrs(Form):
        pick = wtforms.SelectField("Pick", choices=choices)

    assert str(WithAttrs().pick()) == str(StockWithAttrs().pick())
    assert "disabled" in str(WithAttrs().pick())
