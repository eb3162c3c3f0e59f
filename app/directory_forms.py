"""The forms of the directory, ties, merging and information needs (rules live in harvest)."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import BooleanField, Field, HiddenField, SelectField, StringField, TextAreaField

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
from app.translated_forms import Form
from harvest.actors import PRACTICAL_FIELDS
from harvest.opening_hours import Weekday

WEEKDAY_LABELS = {
    Weekday.MONDAY.value: _l("Monday"),
    Weekday.TUESDAY.value: _l("Tuesday"),
    Weekday.WEDNESDAY.value: _l("Wednesday"),
    Weekday.THURSDAY.value: _l("Thursday"),
    Weekday.FRIDAY.value: _l("Friday"),
    Weekday.SATURDAY.value: _l("Saturday"),
    Weekday.SUNDAY.value: _l("Sunday"),
}
BLANK_HOURS_ROWS = 2
"""Empty rows offered below the filled ones, so hours can be added without JavaScript."""


def hours_line(row: dict[str, str]) -> str:
    """Return one row of opening hours in plain words: "mandag 19:00–21:00"."""
    day = str(WEEKDAY_LABELS.get(row.get("day", ""), row.get("day", "")))
    return f"{day} {row.get('opens', '')}\u2013{row.get('closes', '')}"


class OpeningHoursField(Field):
    """Rows of weekday, from and to; its data is a list of {"day", "opens", "closes"}.

    Reads `name-N-day`, `name-N-opens` and `name-N-closes` and keeps every row that has
    anything in it, as typed, so a bad row comes back to be mended; the rules are in
    `harvest.opening_hours`. Shows the rows it holds and `BLANK_HOURS_ROWS` empty ones."""

    data: list[dict[str, str]]

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the rows from the submitted form (not from `valuelist`: a row is three keys)."""

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        """Take the rows from the submitted form, or else from `data`."""
        self.process_errors = []
        self.raw_data = []
        if formdata is not None and any(k.startswith(f"{self.name}-") for k in formdata):
            rows = []
            for n in range(_MAX_FORM_ROWS):
                row = {
                    key: (formdata.get(f"{self.name}-{n}-{key}") or "").strip()[:20]
                    for key in ("day", "opens", "closes")
                }
                if any(row.values()):
                    rows.append(row)
            self.data = rows
            return
        self.data = [
            dict(r) for r in (data if isinstance(data, list) else []) if isinstance(r, dict)
        ]

    def shown(self, value: Any) -> str:
        """Return rows as the conflict page shows them."""
        rows = value if isinstance(value, list) else []
        return "; ".join(hours_line(r) for r in rows if isinstance(r, dict))

    def __call__(self, **kwargs: Any) -> Markup:
        rows = [*self.data, *({} for _ in range(BLANK_HOURS_ROWS))]
        items = Markup("").join(self._row(n, row) for n, row in enumerate(rows))
        return Markup('<ol class="hours-rows" id="{}">{}</ol>').format(self.id, items)

    def _row(self, n: int, row: dict[str, str]) -> Markup:
        base = f"{self.name}-{n}"
        number = escape(_("row %(n)s", n=n + 1))
        chosen = row.get("day", "")
        options = Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                value, Markup(" selected") if value == chosen else "", label
            )
            for value, label in [("", _("— day —")), *WEEKDAY_LABELS.items()]
        )
        cell = Markup(
            '<div class="hours-cell"><label for="{id}">{label}'
            '<span class="visually-hidden">, {number}</span></label>{control}</div>'
        )
        day = cell.format(
            id=f"{base}-day",
            label=_("Day"),
            number=number,
            control=Markup('<select id="{0}" name="{0}">{1}</select>').format(
                f"{base}-day", options
            ),
        )
        times = [
            cell.format(
                id=f"{base}-{key}",
                label=label,
                number=number,
                control=Markup(
                    '<input type="text" id="{0}" name="{0}" value="{1}" size="5" maxlength="20" '
                    'autocomplete="off">'
                ).format(f"{base}-{key}", row.get(key, "")),
            )
            for key, label in (("opens", _("From")), ("closes", _("To")))
        ]
        return Markup('<li class="hours-row">{}{}{}</li>').format(day, *times)


_MAX_FORM_ROWS = 40

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


class ActorForm(Form):
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
    opening_hours = OpeningHoursField(
        ACTOR_LABELS["opening_hours"],
        description=_l(
            "One row per day and time, e.g. Wednesday from 19:00 to 21:00. "
            "Leave rows you do not need empty."
        ),
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


class TieEditForm(Form):
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


class MergeForm(Form):
    keep_id = ActorField(_l("Keep this actor"))
    confirm = BooleanField(_l("Yes, they are the same actor"))


class NeedForm(Form):
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
