"""Every Flask extension, created unbound; the factory binds them to an app."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from feedback.api.errors import ErrorOut

# Named constraints so that Alembic can alter them later, on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class JsonApi(Api):
    """flask-smorest builds the OpenAPI document from the code; our own handlers in
    feedback.errors shape every error (HTML pages, and the JSON of DESIGN.md under /api/).
    The document describes that shape, not flask-smorest's own."""

    ERROR_SCHEMA = ErrorOut

    def _register_error_handlers(self):
        pass


api = JsonApi()
