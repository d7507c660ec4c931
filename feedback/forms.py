"""What every staff form shares."""

from __future__ import annotations

import wtforms
from markupsafe import Markup, escape
from wtforms import widgets


def strip_nul(value):
    """NUL cannot be stored in PostgreSQL text; nobody types it on purpose."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class NoNulMeta:
    """A form's Meta (or a base of it) that adds ``strip_nul`` to every field's filters."""

    def bind_field(self, form, unbound_field, options):
        filters = unbound_field.kwargs.get("filters", ())
        options["filters"] = (*filters, strip_nul)
        return unbound_field.bind(form=form, **options)


class Select(widgets.Select):
    """WTForms' select with its options written out directly: the same markup for plain
    choices, in a fifth of the time (WTForms builds and sorts an attribute list for each
    option and inspects a signature for each select). Groups, multiple choice and options
    with attributes of their own go to WTForms."""

    def __call__(self, field, **kwargs):
        choices = list(field.iter_choices())
        if self.multiple or field.has_groups() or any(c.render_kw for c in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", None)
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        html = [f"<select {widgets.html_params(name=field.name, **kwargs)}>"]
        for choice in choices:
            value = str(choice.value) if isinstance(choice.value, bool) else choice.value
            selected = "selected " if choice.selected else ""
            label = escape(choice.label or choice.value)
            html.append(f'<option {selected}value="{escape(value)}">{label}</option>')
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 - every value and label escaped above


class SelectField(wtforms.SelectField):
    """A select list written by the quicker widget above."""

    widget = Select()
