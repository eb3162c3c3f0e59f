"""The forms of the initiative pages: they collect input; the rules live in harvest.initiatives."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from app.forms import CheckboxesField, options
from app.pickers import ActorField
from app.translated_forms import Form

STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published")}
FIELD_LABELS = {
    "title": _l("Title"),
    "group": _l("Implementation group"),
    "municipality": _l("Municipality"),
    "kind": _l("Kind of initiative"),
    "purpose": _l("Purpose"),
    "need_ids": _l("Information needs it answers"),
    "actor_ids": _l("Actors involved"),
    "start": _l("Start"),
    "end": _l("End"),
    "done": _l("What was done"),
    "status": _l("Status"),
    "rounds": _l("Evaluation rounds"),
    "ref": _l("Reference"),
    "group_id": _l("Implementation group"),
    "municipality_id": _l("Municipality"),
    "kind_id": _l("Kind of initiative"),
}


class InitiativeForm(Form):
    title = StringField(
        FIELD_LABELS["title"], description=_l("A short name: what you try, with whom.")
    )
    group = SelectField(FIELD_LABELS["group"], coerce=str, validate_choice=False)
    municipality = SelectField(FIELD_LABELS["municipality"], coerce=str, validate_choice=False)
    kind = SelectField(FIELD_LABELS["kind"], coerce=str, validate_choice=False)
    purpose = TextAreaField(
        FIELD_LABELS["purpose"], description=_l("What should the initiative find out or change?")
    )
    need_ids = CheckboxesField(FIELD_LABELS["need_ids"], validate_choice=False)
    actor_ids = ActorField(FIELD_LABELS["actor_ids"], multiple=True)
    start = StringField(FIELD_LABELS["start"], description=_l("YYYY-MM-DD"))
    end = StringField(FIELD_LABELS["end"], description=_l("YYYY-MM-DD, if it has ended"))
    done = TextAreaField(
        FIELD_LABELS["done"],
        description=_l(
            "What the group did. Markdown is allowed; never a citizen's name or personal details."
        ),
    )
    status = SelectField(
        FIELD_LABELS["status"], choices=options(STATUS_LABELS.items()), default="draft"
    )
    version = HiddenField()


INITIATIVE_FIELDS = (
    "title",
    "group",
    "municipality",
    "kind",
    "purpose",
    "need_ids",
    "actor_ids",
    "start",
    "end",
    "done",
    "status",
)


class RoundForm(Form):
    held_on = StringField(_l("Date of the evaluation"), description=_l("YYYY-MM-DD"))
    worked = TextAreaField(_l("What worked"))
    did_not_work = TextAreaField(_l("What did not work"))
    adjust = TextAreaField(_l("What we adjust"))
    version = HiddenField()


class KindForm(Form):
    key = StringField(
        _l("Key"), description=_l("Lowercase letters, digits and underscores, e.g. joint_activity.")
    )
    label_da = StringField(_l("Name in Danish"))
    label_en = StringField(_l("Name in English"))
