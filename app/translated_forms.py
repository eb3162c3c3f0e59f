"""The base of every web form: WTForms' and Flask-WTF's own messages ("This field is
required.") in the page's language, from Brobyg's catalogue (WTForms has no Danish one)."""

from collections.abc import Callable
from typing import Any

from flask_babel import get_translations
from flask_wtf import FlaskForm


class _CatalogueTranslations:
    """WTForms' translations interface over Flask-Babel's catalogue of this request."""

    def gettext(self, string: str) -> str:
        """Translate one of WTForms' messages (WTForms fills in its parameters itself)."""
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate one of WTForms' counted messages."""
        return str(get_translations().ungettext(singular, plural, n))


class Form(FlaskForm):
    """A Flask-WTF form whose built-in messages speak the page's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return _CatalogueTranslations()


def builtin_messages(
    _: Callable[[str], str], ngettext: Callable[[str, str, int], str]
) -> list[str]:
    """Return the built-in messages Brobyg's fields and validators can show, through `_`
    and `ngettext` (naming them here keeps them in the catalogue: `make translations`)."""
    return [
        _("This field is required."),
        _("Invalid email address."),
        _("Invalid input."),
        _("Invalid URL."),
        _("Not a valid choice."),
        _("Invalid Choice: could not coerce."),
        _("Not a valid integer value."),
        _("Not a valid date value."),
        _("Number must be at least %(min)s."),
        _("Number must be at most %(max)s."),
        _("Number must be between %(min)s and %(max)s."),
        _("Field must be between %(min)d and %(max)d characters long."),
        _("File does not have an approved extension."),
        ngettext(
            "Field must be at least %(min)d character long.",
            "Field must be at least %(min)d characters long.",
            1,
        ),
        ngettext(
            "Field cannot be longer than %(max)d character.",
            "Field cannot be longer than %(max)d characters.",
            1,
        ),
    ]
