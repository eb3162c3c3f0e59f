"""The forms of the harvest design pages: a harvest's design and one useable question."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from app.translated_forms import Form


class HarvestForm(Form):
    """A harvest's design; the short name, questions and scheme are given only on creation."""

    title = StringField(_l("Title"))
    slug = StringField(
        _l("Short name"),
        description=_l(
            "Used in the address: small letters, digits and hyphens, e.g. rodovre-2025."
        ),
    )
    group = SelectField(_l("Implementation group"), coerce=str, validate_choice=False)
    municipality = SelectField(_l("Municipality"), coerce=str, validate_choice=False)
    period_start = StringField(_l("Period starts"), description=_l("YYYY-MM-DD"))
    period_end = StringField(_l("Period ends"), description=_l("YYYY-MM-DD"))
    users_and_uses = TextAreaField(
        _l("Harvest users and uses"),
        description=_l("Who will use the findings, and for what. Markdown."),
    )
    step = SelectField(_l("Step"), coerce=str, validate_choice=False)
    questions = TextAreaField(
        _l("Useable questions"), description=_l("One question a line; you can change them later.")
    )
    coding_scheme = SelectField(_l("Coding scheme"), coerce=str, validate_choice=False)
    version = HiddenField()


class QuestionForm(Form):
    """One useable question: its text, and what to do with it."""

    text = TextAreaField(_l("Question"))
    version = HiddenField()
