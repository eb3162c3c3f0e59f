"""The web forms (Flask-WTF): they collect input; the rules live in harvest.schemas."""

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.i18n import FORM_LABELS
from app.pickers import ActorField, OutcomeField
from app.translated_forms import Form
from harvest import report

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
# The statuses' words have one home, in the domain (the report uses them too).
STATUS_LABELS = {status: _l(label) for status, label in report.STATUS_LABELS.items()}
# An outcome's fields and parts as the form and the history name them.
FIELD_LABELS = {
    "title": _l("Headline"),
    "changed_actor_id": _l("Social actor that changed"),
    "change": _l("What changed"),
    "when_start": _l("When (date)"),
    "when_end": _l("Until (optional)"),
    "where": _l("Where"),
    "significance": _l("Significance"),
    "contribution": _l("Contribution"),
    "contributor_ids": _l("Contributing actors"),
    "initiative_ids": _l("Contributing initiatives"),
    "sources": _l("Sources"),
    "evidence": _l("Evidence links"),
    "status": _l("Status"),
    "ref": _l("Reference"),
    "question_id": _l("Harvest question it answers"),
    "codes": _l("Codes"),
    "leads_to": _l("Led to"),
    "comes_from": _l("Came from"),
    "tie_ids": _l("Ties this outcome evidences"),
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


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (a list of ids as text)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs: Iterable[tuple[object, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into choices for a select field."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _choices(labels: dict[str, Any], blank: str | None = None) -> list[SelectChoice]:
    pairs = [("", blank)] if blank is not None else []
    return options([*pairs, *labels.items()])


class OutcomeForm(Form):
    rates_significance = False  # whether the harvest's scheme rates significance (the view says)
    title = StringField(
        FIELD_LABELS["title"], description=_l("A short headline: who does what differently.")
    )
    changed_actor_id = ActorField(
        FIELD_LABELS["changed_actor_id"],
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
        FIELD_LABELS["change"],
        description=_l("Who changed what, when and where. Markdown is allowed."),
    )
    when_start = StringField(FIELD_LABELS["when_start"], description=_l("YYYY-MM-DD"))
    when_end = StringField(
        FIELD_LABELS["when_end"], description=_l("YYYY-MM-DD, if the change spans a period")
    )
    where = StringField(FIELD_LABELS["where"])
    significance = TextAreaField(
        FIELD_LABELS["significance"],
        description=_l("Why does the change matter for the harvest's aims?"),
    )
    contribution = TextAreaField(
        FIELD_LABELS["contribution"],
        description=_l("How did the implementation group or its partners plausibly influence it?"),
    )
    contributor_ids = ActorField(FIELD_LABELS["contributor_ids"], multiple=True)
    initiative_ids = CheckboxesField(
        FIELD_LABELS["initiative_ids"],
        description=_l("The group's initiatives that led to the change."),
        validate_choice=False,
    )
    sources = TextAreaField(
        FIELD_LABELS["sources"],
        description=_l("Who told us, which documents (roles, not names of citizens)."),
    )
    evidence = TextAreaField(
        FIELD_LABELS["evidence"],
        description=_l("Links to minutes, reports or web pages, one per line."),
    )
    status = SelectField(
        FIELD_LABELS["status"],
        choices=_choices({s: STATUS_LABELS[s] for s in ("lead", "draft")}),
        default="draft",
    )
    question_id = SelectField(FIELD_LABELS["question_id"], coerce=str, validate_choice=False)
    type_of_change = SelectField(
        _l("Type of change"), choices=_choices(CHANGE_TYPES, ""), validate_choice=False
    )
    social_capital_form = SelectField(
        _l("Form of social capital"), choices=_choices(FORM_LABELS, ""), validate_choice=False
    )
    significance_rating = RadioField(
        _l("How significant is the change?"), choices=[], default="", validate_choice=False
    )  # the choices are the harvest's coding scheme's; the view sets them
    confirm_warnings = BooleanField(
        _l("Yes, the contact details are an organisation's public ones")
    )
    version = HiddenField()


class StatusForm(Form):
    status = HiddenField()
    version = HiddenField()
    confirm = HiddenField()  # "yes" from the confirmation page a withdrawal needs


class CommentForm(Form):
    part = SelectField(_l("About"), choices=_choices(PART_LABELS), default="general")
    body = TextAreaField(_l("Comment"))
    parent_id = HiddenField()


class ResolveForm(Form):
    resolved = HiddenField()  # "yes" resolves the thread, anything else reopens it


class LinkForm(Form):
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


class TieForm(Form):
    source_id = ActorField(_l("From actor"))
    target_id = ActorField(_l("To actor"))
    kind = SelectField(_l("Kind of tie"), choices=_choices(TIE_KIND_LABELS))
    start = StringField(_l("Since (date)"), description=_l("YYYY-MM-DD"))
    strength = IntegerField(_l("Strength (1-3)"), default=2, validators=[Optional()])
    version = HiddenField()


class OutcomeFilterForm(Form):
    """The outcome list's actor filter (the other filters are plain inputs in the template)."""

    class Meta:
        csrf = False

    actor = ActorField(_l("Actor"))
