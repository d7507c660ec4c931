"""The admin's brand page, and the logo and colour served to customers' pages and mail."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.brand import services
from feedback.brand.forms import BrandForm
from feedback.extensions import db

bp = Blueprint("brand", __name__)

#: a year: the URLs carry the settings' stamp, so a new logo or colour has a new URL
LONG_CACHE = "public, max-age=31536000, immutable"


@bp.route("/admin/brand", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings():
    """The admin's brand page: the form and a preview of what customers see."""
    brand = services.current_brand()
    form = BrandForm(data=vars(brand) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            _save(form)
        except IntegrityError:
            # Another admin's first save made the row a moment ago: save over it.
            db.session.rollback()
            _save(form)
        flash(_("The brand settings are saved."), "success")
        return redirect(url_for("brand.settings"))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "brand/settings.html", form=form, brand=brand, sender=services.sender(brand)
        ),
        status,
    )


def _save(form: BrandForm) -> None:
    services.save_brand(form.values(), form.logo.logo_bytes, remove_logo=form.remove_logo.data)
    db.session.commit()


def _cached(response: Response, stamp: str) -> Response:
    """Cache for a year when the URL names the current version, else revalidate."""
    response.set_etag(stamp)
    if request.args.get("v") == stamp:
        response.headers["Cache-Control"] = LONG_CACHE
    else:
        response.headers["Cache-Control"] = "public, no-cache"
    return response.make_conditional(request)


@bp.get("/brand/logo")
def logo():
    """The uploaded logo, for customer pages and mail (public: mail clients fetch it)."""
    found = services.logo()
    if found is None:
        abort(404)
    data, content_type, updated_at = found
    stamp = services.Brand(updated_at=updated_at).stamp
    response = Response(data, mimetype=content_type)
    return _cached(response, stamp)


@bp.get("/brand.css")
def stylesheet():
    """The brand's colour as CSS: the pages' policy allows no inline style."""
    brand = services.current_brand()
    css = render_template("brand/brand.css", colour=brand.colour) if brand.colour else ""
    return _cached(Response(css, mimetype="text/css"), brand.stamp)
