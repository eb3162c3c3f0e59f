"""The web forms (Flask-WTF): they collect input; the rules live in harvest.schemas."""

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.i18n import FORM_LABELS
from app.pickers import ActorField, OutcomeField

KIND_LABELS = {
    "municipal_service": _l("Municipal service"),
    "municipal_management": _l("Municipal management"),
    "council": _l("Council or committee"),
    "association": _l("Association"),
    "volunteer_group": _l("Volunteer or peer group"),
    "citizen_group": _l("Anonymous citizen group"),
    "region_health": _l("Region or health service"),
    "education_job": _l("Education or job service"),
    "business": _l("Business"),
    "implementation_group": _l("Implementation group"),
    "funder": _l("Funder"),
}
SECTOR_LABELS = {
    "municipal": _l("Municipal"),
    "civil_society": _l("Civil society"),
    "region": _l("Region"),
    "private": _l("Private"),
    "citizens": _l("Citizens"),
}
TIER_LABELS = {
    "1": _l("1: citizens' group"),
    "2": _l("2: organisation on equal footing"),
    "3": _l("3: management, committee, council or funder"),
}
TIE_KIND_LABELS = {
    "referral": _l("Referral"),
    "collaboration": _l("Collaboration"),
    "shared_activity": _l("Shared activity"),
    "membership": _l("Membership"),
    "funding": _l("Funding"),
    "information_exchange": _l("Information exchange"),
    "volunteer_flow": _l("Volunteer flow"),
    "hosting": _l("Hosting"),
}
STATUS_LABELS = {
    "lead": _l("Lead"),
    "draft": _l("Draft"),
    "reviewed": _l("Reviewed"),
    "ready": _l("Ready"),
    "substantiated": _l("Substantiated"),
    "final": _l("Final"),
    "withdrawn": _l("Withdrawn"),
}
PART_LABELS = {
    "outcome": _l("Outcome"),
    "significance": _l("Significance"),
    "contribution": _l("Contribution"),
    "general": _l("The whole statement"),
}
CHANGE_TYPES = {
    "practice": _l("Practice"),
    "relationship": _l("Relationship or collaboration"),
    "policy": _l("Policy or procedure"),
    "discourse": _l("Discourse or understanding"),
    "resources": _l("Resources"),
    "participation": _l("Participation: from receiver to participant"),
}


def options(pairs: Iterable[tuple[object, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into choices for a select field."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _choices(labels: dict[str, Any], blank: str | None = None) -> list[SelectChoice]:
    pairs = [("", blank)] if blank is not None else []
    return options([*pairs, *labels.items()])


class OutcomeForm(FlaskForm):
    title = StringField(
        _l("Headline"), description=_l("A short headline: who does what differently.")
    )
    changed_actor_id = ActorField(
        _l("Social actor that changed"),
        description=_l("The service, association or group that now does something different."),
    )
    new_actor_name = StringField(_l("Or add a missing actor: name"))
    new_actor_kind = SelectField(
        _l("Kind of actor"), choices=_choices(KIND_LABELS), default="association"
    )
    new_actor_sector = SelectField(
        _l("Sector"), choices=_choices(SECTOR_LABELS), default="civil_society"
    )
    new_actor_tier = SelectField(_l("Authority"), choices=_choices(TIER_LABELS), default="2")
    change = TextAreaField(
        _l("What changed"), description=_l("Who changed what, when and where. Markdown is allowed.")
    )
    when_start = StringField(_l("When (date)"), description=_l("YYYY-MM-DD"))
    when_end = StringField(
        _l("Until (optional)"), description=_l("YYYY-MM-DD, if the change spans a period")
    )
    where = StringField(_l("Where"))
    significance = TextAreaField(
        _l("Significance"), description=_l("Why does the change matter for the harvest's aims?")
    )
    contribution = TextAreaField(
        _l("Contribution"),
        description=_l("How did the implementation group or its partners plausibly influence it?"),
    )
    contributor_ids = ActorField(_l("Contributing actors"), multiple=True)
    sources = TextAreaField(
        _l("Sources"),
        description=_l("Who told us, which documents (roles, not names of citizens)."),
    )
    evidence = TextAreaField(
        _l("Evidence links"),
        description=_l("Links to minutes, reports or web pages, one per line."),
    )
    status = SelectField(
        _l("Status"),
        choices=options([("lead", _l("Lead")), ("draft", _l("Draft"))]),
        default="draft",
    )
    question_id = SelectField(_l("Harvest question it answers"), coerce=str, validate_choice=False)
    type_of_change = SelectField(
        _l("Type of change"), choices=_choices(CHANGE_TYPES, ""), validate_choice=False
    )
    social_capital_form = SelectField(
        _l("Form of social capital"), choices=_choices(FORM_LABELS, ""), validate_choice=False
    )
    confirm_warnings = BooleanField(
        _l("Yes, the contact details are an organisation's public ones")
    )
    version = HiddenField()


class StatusForm(FlaskForm):
    status = HiddenField()
    version = HiddenField()


class CommentForm(FlaskForm):
    part = SelectField(_l("About"), choices=_choices(PART_LABELS), default="general")
    body = TextAreaField(_l("Comment"))
    parent_id = HiddenField()


class LinkForm(FlaskForm):
    other_id = OutcomeField(_l("Outcome"))
    direction = SelectField(
        _l("Direction"),
        choices=options(
            [
                ("to", _l("this outcome led to the chosen one")),
                ("from", _l("the chosen outcome led to this one")),
            ]
        ),
    )
    version = HiddenField()


class TieForm(FlaskForm):
    source_id = ActorField(_l("From actor"))
    target_id = ActorField(_l("To actor"))
    kind = SelectField(_l("Kind of tie"), choices=_choices(TIE_KIND_LABELS))
    start = StringField(_l("Since (date)"), description=_l("YYYY-MM-DD"))
    strength = IntegerField(_l("Strength (1-3)"), default=2, validators=[Optional()])
    version = HiddenField()


class OutcomeFilterForm(FlaskForm):
    """The outcome list's actor filter (the other filters are plain inputs in the template)."""

    class Meta:
        csrf = False

    actor = ActorField(_l("Actor"))
