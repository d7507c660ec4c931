"""invitation_tier_days: deliveries by tier and language; invitations keep their tier

Revision ID: d5a2c8e41f07
Revises: c41f7a9e2d58
Create Date: 2026-12-05 22:00:00

The response rate with a tier or language filter read the invitations themselves (at 5M
answers, "this year" for one tier took 7.6 s). Now invitation_tier_days counts deliveries
and their answers by the customer's tier and the email's language when each was sent
(invitation_days stays, for the views without those filters: an eighth of the rows). The
tier is kept on the invitation (set when it is sent, or by the trigger that counts it),
and a language changed after delivery moves its counts. Invitations sent before count in
their customer's tier now (not written to them: at 5M answers that UPDATE of 12.5M rows
took minutes). Writes to invitations and answers wait while invitation_tier_days fills
(~1 min at 5M answers on PostgreSQL).

The SQL is written out below as feedback.dashboard.rebuild made it on 2026-12-06 (commit
55e3d0d); the migration imports nothing from the app.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd5a2c8e41f07'
down_revision = 'c41f7a9e2d58'
branch_labels = None
depends_on = None

# The statements the triggers run (the same in both dialects).
#: a new answer (NEW) counted in score_days
SCORE_UPSERT = (
    "INSERT INTO score_days (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
    " score_sum, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, comments, comments_unhappy,"
    " comments_neutral, comments_happy, positive, neutral, negative) VALUES (NEW.report_day,"
    " NEW.survey_id, NEW.touchpoint_type_id, NEW.tier, NEW.locale, NEW.kind, 1, NEW.score,"
    " CASE WHEN NEW.score = 0 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 1 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 2 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 3 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 4 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 5 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 6 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 7 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 8 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 9 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 10 THEN 1 ELSE 0 END, CASE WHEN NEW.comment IS NOT NULL THEN 1"
    " ELSE 0 END, CASE WHEN NEW.comment IS NOT NULL AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN"
    " NEW.score >= 9 THEN 1 WHEN NEW.score >= 7 THEN 0 ELSE -1 END"
    " WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4 THEN 1 WHEN NEW.score = 3 THEN 0"
    " ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1 WHEN NEW.score = 4 THEN 0"
    " ELSE -1 END END = -1 THEN 1 ELSE 0 END, CASE WHEN NEW.comment IS NOT NULL"
    " AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >= 9 THEN 1"
    " WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4"
    " THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1"
    " WHEN NEW.score = 4 THEN 0 ELSE -1 END END = 0 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.comment IS NOT NULL AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >="
    " 9 THEN 1 WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN"
    " NEW.score >= 4 THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN NEW.score >= 5 THEN 1 WHEN NEW.score = 4 THEN 0 ELSE -1 END END = 1 THEN 1"
    " ELSE 0 END, CASE WHEN NEW.sentiment = 'positive' THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.sentiment = 'neutral' THEN 1 ELSE 0 END, CASE WHEN NEW.sentiment = 'negative'"
    " THEN 1 ELSE 0 END) ON CONFLICT (day, survey_id, touchpoint_type_id, tier,"
    " locale) DO UPDATE SET answers = score_days.answers + excluded.answers,"
    " score_sum = score_days.score_sum + excluded.score_sum, s0 = score_days.s0 + excluded.s0,"
    " s1 = score_days.s1 + excluded.s1, s2 = score_days.s2 + excluded.s2,"
    " s3 = score_days.s3 + excluded.s3, s4 = score_days.s4 + excluded.s4,"
    " s5 = score_days.s5 + excluded.s5, s6 = score_days.s6 + excluded.s6,"
    " s7 = score_days.s7 + excluded.s7, s8 = score_days.s8 + excluded.s8,"
    " s9 = score_days.s9 + excluded.s9, s10 = score_days.s10 + excluded.s10,"
    " comments = score_days.comments + excluded.comments, comments_unhappy ="
    " score_days.comments_unhappy + excluded.comments_unhappy,"
    " comments_neutral = score_days.comments_neutral + excluded.comments_neutral,"
    " comments_happy = score_days.comments_happy + excluded.comments_happy,"
    " positive = score_days.positive + excluded.positive, neutral = score_days.neutral +"
    " excluded.neutral, negative = score_days.negative + excluded.negative"
)

#: ... and as an answer to its delivery in invitation_days
ANSWERED_BY_DAY = (
    "UPDATE invitation_days SET answered = answered + 1 WHERE survey_id = NEW.survey_id"
    " AND touchpoint_type_id = NEW.touchpoint_type_id AND day = (SELECT sent_day FROM invitations"
    " WHERE id = NEW.invitation_id)"
)

#: ... and in invitation_tier_days, in the tier and language it was sent with
ANSWERED_BY_TIER = (
    "UPDATE invitation_tier_days SET answered = answered + 1 WHERE survey_id = NEW.survey_id"
    " AND touchpoint_type_id = NEW.touchpoint_type_id AND (day, tier,"
    " locale) = (SELECT i.sent_day, COALESCE(i.tier, c.tier, ''), COALESCE(i.locale,"
    " '') FROM invitations i JOIN customers c ON c.id = i.customer_id"
    " WHERE i.id = NEW.invitation_id)"
)

#: an invitation delivered (NEW) counted in invitation_days, with any answer it has already
DELIVERED_BY_DAY = (
    "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, delivered,"
    " answered) SELECT NEW.sent_day, NEW.survey_id, e.touchpoint_type_id, 1,"
    " (SELECT COUNT(*) FROM responses WHERE invitation_id = NEW.id) FROM touchpoint_events e"
    " WHERE e.id = NEW.event_id ON CONFLICT (day, survey_id, touchpoint_type_id)"
    " DO UPDATE SET delivered = invitation_days.delivered + 1,"
    " answered = invitation_days.answered + excluded.answered"
)

#: ... and in invitation_tier_days, by its tier (else its customer's) and language
DELIVERED_BY_TIER = (
    "INSERT INTO invitation_tier_days (day, survey_id, touchpoint_type_id, tier, locale,"
    " delivered, answered) SELECT NEW.sent_day, NEW.survey_id, e.touchpoint_type_id,"
    " COALESCE(NEW.tier, (SELECT tier FROM customers WHERE id = NEW.customer_id), ''),"
    " COALESCE(NEW.locale, ''), 1, (SELECT COUNT(*) FROM responses"
    " WHERE invitation_id = NEW.id) * 1 FROM touchpoint_events e WHERE e.id = NEW.event_id"
    " ON CONFLICT (day, survey_id, touchpoint_type_id, tier, locale)"
    " DO UPDATE SET delivered = invitation_tier_days.delivered + excluded.delivered,"
    " answered = invitation_tier_days.answered + excluded.answered"
)

#: ... and the tier it was counted in kept on the invitation
KEEP_TIER = (
    "UPDATE invitations SET tier = COALESCE((SELECT tier FROM customers"
    " WHERE id = NEW.customer_id), '') WHERE id = NEW.id AND tier IS NULL"
)

#: a delivered invitation's language changed: taken from its old language (OLD), then
#: counted in the new one (NEW) by DELIVERED_BY_TIER
UNCOUNT_OLD_LANGUAGE = (
    "INSERT INTO invitation_tier_days (day, survey_id, touchpoint_type_id, tier, locale,"
    " delivered, answered) SELECT OLD.sent_day, OLD.survey_id, e.touchpoint_type_id,"
    " COALESCE(OLD.tier, (SELECT tier FROM customers WHERE id = OLD.customer_id), ''),"
    " COALESCE(OLD.locale, ''), -1, (SELECT COUNT(*) FROM responses"
    " WHERE invitation_id = OLD.id) * -1 FROM touchpoint_events e WHERE e.id = OLD.event_id"
    " ON CONFLICT (day, survey_id, touchpoint_type_id, tier, locale)"
    " DO UPDATE SET delivered = invitation_tier_days.delivered + excluded.delivered,"
    " answered = invitation_tier_days.answered + excluded.answered"
)

#: invitation_tier_days counted from the stored deliveries
INVITATION_TIER_DAYS_FROM_INVITATIONS = (
    "INSERT INTO invitation_tier_days (day, survey_id, touchpoint_type_id, tier, locale,"
    " delivered, answered) SELECT i.sent_day, i.survey_id, e.touchpoint_type_id, COALESCE(i.tier,"
    " c.tier, ''), COALESCE(i.locale, ''), COUNT(*), SUM(CASE WHEN r.id IS NOT NULL THEN 1"
    " ELSE 0 END) FROM invitations i JOIN touchpoint_events e ON e.id = i.event_id"
    " JOIN customers c ON c.id = i.customer_id LEFT JOIN responses r ON r.invitation_id = i.id"
    " WHERE i.sent_day IS NOT NULL GROUP BY i.sent_day, i.survey_id, e.touchpoint_type_id,"
    " COALESCE(i.tier, c.tier, ''), COALESCE(i.locale, '') ORDER BY 1, 2, 3, 4, 5"
)

# responses_count_answer, invitations_count_delivered and invitations_count_delivered_new
# replace the triggers of the same names from "dashboard summary tables" (each dropped,
# then made again); invitations_recount_language is new.
NEW_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS responses_count_answer",
        "CREATE TRIGGER responses_count_answer AFTER INSERT ON responses FOR EACH ROW BEGIN "
        + SCORE_UPSERT + "; " + ANSWERED_BY_DAY + "; " + ANSWERED_BY_TIER + "; END",
        "DROP TRIGGER IF EXISTS invitations_count_delivered",
        "CREATE TRIGGER invitations_count_delivered AFTER UPDATE OF sent_day"
        " ON invitations FOR EACH ROW WHEN OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL"
        " BEGIN "
        + DELIVERED_BY_DAY + "; " + DELIVERED_BY_TIER + "; " + KEEP_TIER + "; END",
        "DROP TRIGGER IF EXISTS invitations_count_delivered_new",
        "CREATE TRIGGER invitations_count_delivered_new AFTER INSERT ON invitations FOR EACH ROW"
        " WHEN NEW.sent_day IS NOT NULL BEGIN "
        + DELIVERED_BY_DAY + "; " + DELIVERED_BY_TIER + "; " + KEEP_TIER + "; END",
        "DROP TRIGGER IF EXISTS invitations_recount_language",
        "CREATE TRIGGER invitations_recount_language AFTER UPDATE OF locale"
        " ON invitations FOR EACH ROW WHEN OLD.sent_day IS NOT NULL AND NEW.sent_day IS NOT NULL"
        " AND COALESCE(OLD.locale, '') <> COALESCE(NEW.locale, '') BEGIN "
        + UNCOUNT_OLD_LANGUAGE + "; " + DELIVERED_BY_TIER + "; END",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS responses_count_answer ON responses",
        "DROP FUNCTION IF EXISTS responses_count_answer()",
        "CREATE FUNCTION responses_count_answer() RETURNS trigger AS $$ BEGIN "
        + SCORE_UPSERT + "; " + ANSWERED_BY_DAY + "; " + ANSWERED_BY_TIER
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER responses_count_answer AFTER INSERT ON responses FOR EACH ROW"
        " EXECUTE FUNCTION responses_count_answer()",
        "DROP TRIGGER IF EXISTS invitations_count_delivered ON invitations",
        "DROP FUNCTION IF EXISTS invitations_count_delivered()",
        "CREATE FUNCTION invitations_count_delivered() RETURNS trigger AS $$ BEGIN "
        + DELIVERED_BY_DAY + "; " + DELIVERED_BY_TIER + "; " + KEEP_TIER
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_count_delivered AFTER UPDATE OF sent_day"
        " ON invitations FOR EACH ROW WHEN (OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL)"
        " EXECUTE FUNCTION invitations_count_delivered()",
        "DROP TRIGGER IF EXISTS invitations_count_delivered_new ON invitations",
        "DROP FUNCTION IF EXISTS invitations_count_delivered_new()",
        "CREATE FUNCTION invitations_count_delivered_new() RETURNS trigger AS $$ BEGIN "
        + DELIVERED_BY_DAY + "; " + DELIVERED_BY_TIER + "; " + KEEP_TIER
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_count_delivered_new AFTER INSERT ON invitations FOR EACH ROW"
        " WHEN (NEW.sent_day IS NOT NULL) EXECUTE FUNCTION invitations_count_delivered_new()",
        "DROP TRIGGER IF EXISTS invitations_recount_language ON invitations",
        "DROP FUNCTION IF EXISTS invitations_recount_language()",
        "CREATE FUNCTION invitations_recount_language() RETURNS trigger AS $$ BEGIN "
        + UNCOUNT_OLD_LANGUAGE + "; " + DELIVERED_BY_TIER
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_recount_language AFTER UPDATE OF locale"
        " ON invitations FOR EACH ROW WHEN (OLD.sent_day IS NOT NULL AND NEW.sent_day IS NOT NULL"
        " AND COALESCE(OLD.locale, '') <> COALESCE(NEW.locale, ''))"
        " EXECUTE FUNCTION invitations_recount_language()",
    ],
}

# ... and back: the three as they were counted before (invitation_days alone), the new one
# dropped.
OLD_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS responses_count_answer",
        "CREATE TRIGGER responses_count_answer AFTER INSERT ON responses FOR EACH ROW BEGIN "
        + SCORE_UPSERT + "; " + ANSWERED_BY_DAY + "; END",
        "DROP TRIGGER IF EXISTS invitations_count_delivered",
        "CREATE TRIGGER invitations_count_delivered AFTER UPDATE OF sent_day"
        " ON invitations FOR EACH ROW WHEN OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL"
        " BEGIN "
        + DELIVERED_BY_DAY + "; END",
        "DROP TRIGGER IF EXISTS invitations_count_delivered_new",
        "CREATE TRIGGER invitations_count_delivered_new AFTER INSERT ON invitations FOR EACH ROW"
        " WHEN NEW.sent_day IS NOT NULL BEGIN "
        + DELIVERED_BY_DAY + "; END",
        "DROP TRIGGER IF EXISTS invitations_recount_language",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS responses_count_answer ON responses",
        "DROP FUNCTION IF EXISTS responses_count_answer()",
        "CREATE FUNCTION responses_count_answer() RETURNS trigger AS $$ BEGIN "
        + SCORE_UPSERT + "; " + ANSWERED_BY_DAY + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER responses_count_answer AFTER INSERT ON responses FOR EACH ROW"
        " EXECUTE FUNCTION responses_count_answer()",
        "DROP TRIGGER IF EXISTS invitations_count_delivered ON invitations",
        "DROP FUNCTION IF EXISTS invitations_count_delivered()",
        "CREATE FUNCTION invitations_count_delivered() RETURNS trigger AS $$ BEGIN "
        + DELIVERED_BY_DAY + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_count_delivered AFTER UPDATE OF sent_day"
        " ON invitations FOR EACH ROW WHEN (OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL)"
        " EXECUTE FUNCTION invitations_count_delivered()",
        "DROP TRIGGER IF EXISTS invitations_count_delivered_new ON invitations",
        "DROP FUNCTION IF EXISTS invitations_count_delivered_new()",
        "CREATE FUNCTION invitations_count_delivered_new() RETURNS trigger AS $$ BEGIN "
        + DELIVERED_BY_DAY + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_count_delivered_new AFTER INSERT ON invitations FOR EACH ROW"
        " WHEN (NEW.sent_day IS NOT NULL) EXECUTE FUNCTION invitations_count_delivered_new()",
        "DROP TRIGGER IF EXISTS invitations_recount_language ON invitations",
        "DROP FUNCTION IF EXISTS invitations_recount_language()",
    ],
}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":  # nothing may be counted between the fill and the new triggers
        op.execute("LOCK TABLE invitations, responses IN SHARE ROW EXCLUSIVE MODE")
    # the old triggers name no invitations.tier, so SQLite adds it in place
    op.add_column('invitations', sa.Column('tier', sa.String(length=40), nullable=True))
    op.create_table('invitation_tier_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_type_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('delivered', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_tier_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'touchpoint_type_id', 'tier', 'locale', name=op.f('pk_invitation_tier_days')),
    sqlite_with_rowid=False
    )
    op.execute(INVITATION_TIER_DAYS_FROM_INVITATIONS)
    if dialect == "postgresql":
        op.execute("ANALYZE invitation_tier_days")
    for sql in NEW_TRIGGERS[dialect]:
        op.execute(sql)


def downgrade():
    for sql in OLD_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(sql)
    op.drop_table('invitation_tier_days')
    # SQLite drops the column in place once no trigger names it (3.35 and later).
    op.execute("ALTER TABLE invitations DROP COLUMN tier")
