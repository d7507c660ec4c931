"""What every staff form shares."""

from __future__ import annotations

from feedback import text


def strip_nul(value):
    """Drop NUL and the other characters of ``feedback.text.FORBIDDEN``: PostgreSQL text
    cannot hold NUL, and nobody types the others on purpose."""
    return text.FORBIDDEN.sub("", value) if isinstance(value, str) else value


class NoNulMeta:
    """A form's Meta (or a base of it) that adds ``strip_nul`` to every field's filters."""

    def bind_field(self, form, unbound_field, options):
        filters = unbound_field.kwargs.get("filters", ())
        options["filters"] = (*filters, strip_nul)
        return unbound_field.bind(form=form, **options)
