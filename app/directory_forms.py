"""The forms of the directory, ties, merging and information needs (rules live in harvest)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from app.forms import KIND_LABELS, SECTOR_LABELS, TIE_KIND_LABELS, TIER_LABELS, options
from app.i18n import FORM_LABELS
from app.pickers import ActorField

ASKER_LABELS = {
    "citizens": _l("Citizens"),
    "municipality": _l("The municipality"),
    "civil_society": _l("Civil society"),
}
FREQUENCY_LABELS = {
    "once": _l("Once"),
    "sometimes": _l("Sometimes"),
    "often": _l("Often"),
    "very_often": _l("Very often"),
}


class ActorForm(FlaskForm):
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind of actor"), choices=options(KIND_LABELS.items()))
    sector = SelectField(_l("Sector"), choices=options(SECTOR_LABELS.items()))
    tier = SelectField(_l("Authority"), choices=options(TIER_LABELS.items()), default="2")
    municipality = SelectField(_l("Municipality"), coerce=str, validate_choice=False)
    tags = StringField(
        _l("Activities"), description=_l("Separate with semicolons, e.g. music; choir; walks")
    )
    target_groups = StringField(_l("Target groups"), description=_l("Separate with semicolons"))
    accessibility = StringField(
        _l("Accessibility notes"),
        description=_l("Separate with semicolons, e.g. free; no sign-up; newcomers welcome"),
    )
    address = StringField(_l("Address"))
    website = StringField(_l("Website"))
    email = StringField(_l("Public e-mail"))
    phone = StringField(_l("Public phone"))
    profile = TextAreaField(_l("Profile"), description=_l("Markdown is allowed."))
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
    asker = SelectField(_l("Who asks?"), choices=options(ASKER_LABELS.items()), default="citizens")
    question = TextAreaField(
        _l("What do they want to know?"),
        description=_l("In general terms; never a citizen's name or personal details."),
    )
    about_actor_id = ActorField(_l("About which actor"))
    about_kind = SelectField(
        _l("About which kind of actor"),
        choices=options([("", _l("— any kind —")), *KIND_LABELS.items()]),
        default="",
    )
    about_sector = SelectField(
        _l("About which sector"),
        choices=options([("", _l("— any sector —")), *SECTOR_LABELS.items()]),
        default="",
    )
    about = StringField(
        _l("Or what it is about, in a few words"),
        description=_l("E.g. volunteers' training and supervision; how referrals work"),
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
    note_answers = BooleanField(_l("The note is the answer"))
    version = HiddenField()


NEED_FIELDS = (
    "asker",
    "question",
    "about_actor_id",
    "about_kind",
    "about_sector",
    "about",
    "municipality",
    "group",
    "frequency",
    "answer_actor_id",
    "answer_page",
    "answer_note",
    "note_answers",
)
