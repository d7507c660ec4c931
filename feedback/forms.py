"""What every staff form shares."""

from __future__ import annotations


def strip_nul(value):
    """NUL cannot be stored in PostgreSQL text; nobody types it on purpose."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class NoNulMeta:
    """A form's Meta (or a base of it) that adds ``strip_nul`` to every field's filters."""

    def bind_field(self, form, unbound_field, options):
        filters = unbound_field.kwargs.get("filters", ())
        options["filters"] = (*filters, strip_nul)
        return unbound_field.bind(form=form, **options)
