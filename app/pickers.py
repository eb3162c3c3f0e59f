"""Form fields that pick actors (or an outcome) by name, without listing them all.

Each renders a text input that `static/js/combobox.js` turns into an ARIA combobox fed by a
suggestion route (`app/suggestions.py`); the chosen ids travel in inputs named like the old
`<select>`s, so the views read `field.data` as before. Without JavaScript the person types a
name (several separated by ";") and the domain (`harvest.actor_names`,
`harvest.outcome_titles`) resolves it, or says which come close; nothing changes then.
"""

from abc import ABCMeta, abstractmethod
from typing import Any

from flask import g, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import ValidationError

from app.auth import signed_in_user
from app.database import db
from app.i18n import translate
from app.params import int_value
from harvest import accounts, actor_names, actors, outcome_titles
from harvest.errors import N_

SEPARATOR = ";"
TEXT_SUFFIX = "_name"
HOW_ONE = N_("Type part of the name and choose from the suggestions, or type the whole name.")
HOW_MANY = N_("Type part of a name and choose from the suggestions; separate whole names with “;”.")
HOW_OUTCOME = N_("Type words of its headline, or its number, and choose from the suggestions.")
Problem = tuple[str, dict[str, Any]]


def _attributes(values: dict[str, Any]) -> Markup:
    parts = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(
            Markup(" {}").format(name) if value is True else Markup(' {}="{}"').format(name, value)
        )
    return Markup("").join(parts)


class PickerField(Field, metaclass=ABCMeta):
    """Records picked by name: one (`data`: its id as text, "" for none) or, with `multiple`,
    a list of ids. Subclasses say how records are named, matched and suggested."""

    def __init__(
        self, label: Any = None, validators: Any = None, *, multiple: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.multiple = multiple
        self.typed: str | None = None

    # --- what a kind of record supplies -------------------------------------------

    @abstractmethod
    def names(self, ids: set[int]) -> dict[int, str]:
        """Return the names of the records with `ids`."""

    def key(self, text: str) -> str:
        """Return `text` folded the way names are compared."""
        return actor_names.name_key(text)

    @abstractmethod
    def match(self, typed: str) -> tuple[int | None, Problem | None]:
        """Return the id of the record called `typed`, or the problem to show."""

    @abstractmethod
    def source(self) -> str:
        """Return the URL of the suggestions."""

    @abstractmethod
    def texts(self) -> dict[str, str]:
        """Return what the combobox says: how to use it and how many it found."""

    # --- reading what was posted -------------------------------------------------

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Read the chosen ids and, beside them, the name typed into the text input."""
        text_name = self.name + TEXT_SUFFIX
        self.typed = (
            formdata.get(text_name) if formdata is not None and text_name in formdata else None
        )
        super().process(formdata, data, extra_filters)

    def process_data(self, value: Any) -> None:
        if self.multiple:
            self.data = [str(v) for v in value or [] if str(v)]
        else:
            self.data = str(value or "")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if self.multiple:
            self.data = list(dict.fromkeys(str(v) for v in valuelist if int_value(str(v))))
        else:
            self.data = next((str(v) for v in valuelist if int_value(str(v))), "")

    def ids(self) -> list[int]:
        """Return the chosen ids."""
        values = self.data if self.multiple else [self.data]
        return [i for v in values or [] if (i := int_value(str(v))) is not None]

    def resolve(self) -> list[str]:
        """Resolve typed names to ids; return the translated problems (nothing then changes)."""
        if self.typed is None:
            return []
        if not self.multiple:
            chosen = self.ids()
            if not self.key(self.typed):
                self.data = ""
                return []
            if chosen and self.key(self.names({chosen[0]}).get(chosen[0], "")) == self.key(
                self.typed
            ):
                return []
            found, problem = self.match(self.typed)
            if problem is not None:
                return [translate(*problem)]
            self.data = str(found) if found else ""
            return []
        problems: list[str] = []
        ids = list(self.data or [])
        for part in self.typed.split(SEPARATOR):
            if not self.key(part):
                continue
            found, problem = self.match(part)
            if found is not None:
                ids.append(str(found))
            elif problem is not None:
                problems.append(translate(*problem))
        if not problems:
            self.data = list(dict.fromkeys(ids))
            self.typed = ""
        return problems

    def pre_validate(self, form: Any) -> None:
        problems = self.resolve()
        if problems:
            raise ValidationError(" ".join(problems))

    def shown(self, values: Any) -> str:
        """Return chosen ids as names (for the conflict page)."""
        values = values if isinstance(values, list | tuple) else [values]
        ids = [i for v in values if (i := int_value(str(v))) is not None]
        names = self.names(set(ids))
        return "; ".join(names.get(i, str(i)) for i in ids)

    # --- rendering ----------------------------------------------------------------

    def __call__(self, **kwargs: Any) -> Markup:
        g.combobox = True  # base.html then loads the script
        ids = self.ids()
        names = self.names(set(ids)) if ids else {}
        text_id = kwargs.pop("id", self.id)
        texts = self.texts()
        wrapper = {
            "class": "combobox",
            "data_combobox": True,
            "data_multiple": self.multiple or None,
            "data_name": self.name,
            "data_source": self.source(),
            "data_none": texts["none"],
            "data_one": texts["one"],
            "data_many": texts["many"],
            "data_chosen": _("Chosen: %(name)s", name="{name}"),
            "data_removed": _("Removed: %(name)s", name="{name}"),
            "data_remove": _("Remove %(name)s", name="{name}"),
            "data_failed": _("The suggestions could not be loaded. Type the whole name."),
        }
        text = {
            "type": "text",
            "id": text_id,
            "name": self.name + TEXT_SUFFIX,
            "value": "",
            "autocomplete": "off",
            "spellcheck": "false",
            "aria_describedby": " ".join(
                filter(None, [f"{text_id}-how", kwargs.get("aria_describedby")])
            ),
            "aria_invalid": kwargs.get("aria_invalid"),
            "class": kwargs.get("class_"),
        }
        parts: list[Markup] = [
            Markup('<p class="hint" id="{}-how">{}</p>').format(text_id, texts["how"])
        ]
        if self.multiple:
            chosen_label = _("Chosen: %(name)s", name=self.label.text)
            items = [
                Markup(
                    '<li><input type="checkbox" name="{n}" value="{v}" id="{i}" checked>'
                    ' <label for="{i}">{label}</label></li>'
                ).format(n=self.name, v=i, i=f"{text_id}-{i}", label=names.get(i, str(i)))
                for i in ids
            ]
            parts.append(
                Markup('<ul class="combobox-chosen" aria-label="{}">{}</ul>').format(
                    chosen_label, Markup("").join(items)
                )
            )
            text["value"] = self.typed or ""
        else:
            parts.append(
                Markup('<input type="hidden" name="{}" value="{}" data-combobox-value>').format(
                    self.name, ids[0] if ids else ""
                )
            )
            text["value"] = (
                self.typed if self.typed is not None else names.get(ids[0], "") if ids else ""
            )
            text["data_chosen_name"] = names.get(ids[0], "") if ids else ""
        parts.append(Markup("<input{}>").format(_attributes(text)))
        return Markup("<div{}>{}</div>").format(_attributes(wrapper), Markup("").join(parts))


class ActorField(PickerField):
    """One actor, or with `multiple` several, picked by name; `municipality` narrows suggestions."""

    def __init__(self, *args: Any, municipality: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def names(self, ids: set[int]) -> dict[int, str]:
        return actors.actor_names(db(), ids)

    def match(self, typed: str) -> tuple[int | None, Problem | None]:
        found = actor_names.match_actor(db(), typed)
        return (found.actor.id if found.actor else None), found.problem

    def source(self) -> str:
        params = {"municipality": self.municipality} if self.municipality else {}
        return url_for("suggestions.actors", **params)

    def texts(self) -> dict[str, str]:
        return {
            "how": _(HOW_MANY) if self.multiple else _(HOW_ONE),
            "none": _("No actor matches. Check the spelling."),
            "one": _("1 actor found. Use the up and down arrow keys to choose."),
            "many": _("%(num)s actors found. Use the up and down arrow keys to choose.", num="{n}"),
        }


class OutcomeField(PickerField):
    """One outcome of `harvest_id` (set by the view), other than `exclude`, picked by headline."""

    harvest_id: int | None = None
    exclude: int | None = None

    def _viewer(self) -> tuple[Any, set[int]]:
        user = signed_in_user()
        return user, accounts.group_ids_of(db(), user) if user else set()

    def names(self, ids: set[int]) -> dict[int, str]:
        return outcome_titles.outcome_titles(db(), ids)

    def key(self, text: str) -> str:
        return outcome_titles.title_key(text)

    def match(self, typed: str) -> tuple[int | None, Problem | None]:
        user, member_of = self._viewer()
        found = outcome_titles.match_outcome(
            db(),
            self.harvest_id or 0,
            typed,
            viewer=user,
            member_of=member_of,
            exclude=self.exclude,
        )
        return (found.outcome.id if found.outcome else None), found.problem

    def source(self) -> str:
        return url_for("suggestions.outcomes", harvest=self.harvest_id, exclude=self.exclude)

    def texts(self) -> dict[str, str]:
        return {
            "how": _(HOW_OUTCOME),
            "none": _("No outcome matches. Try other words or its number."),
            "one": _("1 outcome found. Use the up and down arrow keys to choose."),
            "many": _(
                "%(num)s outcomes found. Use the up and down arrow keys to choose.", num="{n}"
            ),
        }
