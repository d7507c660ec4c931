"""Every model module, imported so that Alembic and the tests see all tables."""

from feedback.accounts.models import ApiKey, SignInFailure, User, UserSession  # noqa: F401
from feedback.brand.models import BrandSettings  # noqa: F401
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage  # noqa: F401
from feedback.complaints.models import (  # noqa: F401
    Case,
    CaseEvent,
    CaseResponse,
    ClosedDate,
    QueueSettings,
    ReplyTemplate,
    RoutingRule,
    SlaPolicy,
)
from feedback.customers.models import Customer  # noqa: F401
from feedback.dashboard.models import CaseDay, InvitationDay, ScoreDay, TopicDay  # noqa: F401
from feedback.events import DomainEvent  # noqa: F401
from feedback.loyalty.models import CustomerRfm  # noqa: F401
from feedback.loyalty.rfm_settings import LoyaltySettings  # noqa: F401
from feedback.notify.staff_models import NotifyPreference, StaffNotice  # noqa: F401
from feedback.notify.webhook_models import Hook, HookDelivery  # noqa: F401
from feedback.outbox.models import OutboxMessage  # noqa: F401
from feedback.surveys.models import (  # noqa: F401
    Invitation,
    InvitationToken,
    PropertyKey,
    Response,
    Survey,
    SurveyTrigger,
    TouchpointEvent,
    TouchpointType,
)
from feedback.tagging.models import AnalysisState, ResponseTopic, Topic  # noqa: F401
