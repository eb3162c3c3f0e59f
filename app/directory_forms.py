"""The forms of the directory, ties, merging and information needs (rules live in harvest)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from app.forms import (
    KIND_LABELS,
    SECTOR_LABELS,
    TIE_KIND_LABELS,
    TIER_LABELS,
    CheckboxesField,
    options,
)
from app.i18n import FORM_LABELS
from app.pickers import ActorField
from harvest.actors import PRACTICAL_FIELDS

FREQUENCY_LABELS = {
    "once": _l("Once"),
    "sometimes": _l("Sometimes"),
    "often": _l("Often"),
    "very_often": _l("Very often"),
}


FIRST_VISIT_LABELS = {
    "companion_welcome": _l("Someone may come along"),
    "no_sign_up": _l("No sign-up needed"),
    "met_on_arrival": _l("Someone meets you when you arrive"),
    "come_alone": _l("Fine to come alone"),
}
# An actor's fields as the form, the history and the short list name them.
ACTOR_LABELS = {
    "name": _l("Name"),
    "slug": _l("Short name"),
    "kind": _l("Kind of actor"),
    "sector": _l("Sector"),
    "tier": _l("Authority"),
    "municipality": _l("Municipality"),
    "municipality_id": _l("Municipality"),
    "tags": _l("Activities"),
    "target_groups": _l("Target groups"),
    "accessibility": _l("Accessibility notes"),
    "address": _l("Address"),
    "website": _l("Website"),
    "email": _l("Public e-mail"),
    "phone": _l("Public phone"),
    "profile": _l("Profile"),
    "opening_hours": _l("Opening hours"),
    "contact_person": _l("Contact person"),
    "first_visit": _l("The first visit"),
    "first_visit_facts": _l("At the first visit"),
    "cost": _l("Cost"),
    "free_of_charge": _l("Free of charge"),
    "last_checked": _l("Last checked"),
}


class ActorForm(FlaskForm):
    name = StringField(ACTOR_LABELS["name"])
    kind = SelectField(ACTOR_LABELS["kind"], choices=options(KIND_LABELS.items()))
    sector = SelectField(ACTOR_LABELS["sector"], choices=options(SECTOR_LABELS.items()))
    tier = SelectField(ACTOR_LABELS["tier"], choices=options(TIER_LABELS.items()), default="2")
    municipality = SelectField(ACTOR_LABELS["municipality"], coerce=str, validate_choice=False)
    tags = StringField(
        ACTOR_LABELS["tags"], description=_l("Separate with semicolons, e.g. music; choir; walks")
    )
    target_groups = StringField(
        ACTOR_LABELS["target_groups"], description=_l("Separate with semicolons")
    )
    accessibility = StringField(
        ACTOR_LABELS["accessibility"],
        description=_l("Separate with semicolons, e.g. free; no sign-up; newcomers welcome"),
    )
    address = StringField(ACTOR_LABELS["address"])
    website = StringField(ACTOR_LABELS["website"])
    email = StringField(ACTOR_LABELS["email"])
    phone = StringField(ACTOR_LABELS["phone"])
    opening_hours = StringField(
        ACTOR_LABELS["opening_hours"], description=_l("E.g. Monday to Thursday 10–15")
    )
    contact_person = StringField(
        ACTOR_LABELS["contact_person"],
        description=_l("A role or a named contact at the place, e.g. the volunteer coordinator"),
    )
    first_visit = TextAreaField(
        ACTOR_LABELS["first_visit"],
        description=_l(
            "In plain words: can one come alone, may someone come along, "
            "what happens the first time"
        ),
    )
    first_visit_facts = CheckboxesField(
        ACTOR_LABELS["first_visit_facts"],
        choices=options(FIRST_VISIT_LABELS.items()),
        validate_choice=False,  # the schema refuses unknown facts, with a translated message
    )
    cost = StringField(ACTOR_LABELS["cost"], description=_l("E.g. coffee 5 kr., a trip 50 kr."))
    free_of_charge = BooleanField(_l("Free of charge to take part"))
    last_checked = StringField(
        ACTOR_LABELS["last_checked"],
        description=_l("YYYY-MM-DD: the day you checked the entry with the place"),
    )
    profile = TextAreaField(ACTOR_LABELS["profile"], description=_l("Markdown is allowed."))
    version = HiddenField()


ACTOR_FIELDS = (
    "name",
    "kind",
    "sector",
    "tier",
    "municipality",
    "tags",
    "target_groups",
    "accessibility",
    "address",
    "website",
    "email",
    "phone",
    *PRACTICAL_FIELDS,
    "profile",
)


class TieEditForm(FlaskForm):
    source_id = ActorField(_l("From actor"))
    target_id = ActorField(_l("To actor"))
    kind = SelectField(_l("Kind of tie"), choices=options(TIE_KIND_LABELS.items()))
    start = StringField(_l("Since (date)"), description=_l("YYYY-MM-DD"))
    end = StringField(_l("Until (date)"), description=_l("YYYY-MM-DD, if the tie has ended"))
    strength = SelectField(
        _l("Strength"),
        choices=options([("1", _l("1: weak")), ("2", _l("2: medium")), ("3", _l("3: strong"))]),
        default="2",
    )
    form_override = SelectField(
        _l("Override the form of social capital"),
        choices=options([("", _l("No: use the derived form")), *FORM_LABELS.items()]),
        default="",
    )
    override_reason = StringField(_l("Why the form is overridden"))
    note = StringField(_l("Note"))
    version = HiddenField()


TIE_FIELDS = ("kind", "start", "end", "strength", "form_override", "override_reason", "note")


class MergeForm(FlaskForm):
    keep_id = ActorField(_l("Keep this actor"))
    confirm = BooleanField(_l("Yes, they are the same actor"))


class NeedForm(FlaskForm):
    question = TextAreaField(
        _l("What do citizens ask for?"),
        description=_l("In general terms; never a citizen's name or personal details."),
    )
    municipality = SelectField(_l("Municipality"), coerce=str, validate_choice=False)
    group = SelectField(_l("Implementation group"), coerce=str, validate_choice=False)
    frequency = SelectField(
        _l("How often do you hear it?"), choices=options(FREQUENCY_LABELS.items())
    )
    answer_actor_id = ActorField(_l("Actor that answers it"))
    answer_page = SelectField(
        _l("Knowledge page that answers it"), coerce=str, validate_choice=False
    )
    answer_note = TextAreaField(_l("Note on the answer"))
    version = HiddenField()


NEED_FIELDS = (
    "question",
    "municipality",
    "group",
    "frequency",
    "answer_actor_id",
    "answer_page",
    "answer_note",
)
