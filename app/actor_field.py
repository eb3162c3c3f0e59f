"""Form fields that pick one actor or several without listing them all.

Each renders a text input that `static/js/combobox.js` turns into an ARIA combobox fed by
`/aktoerer/forslag`; the chosen ids travel in inputs named like the old `<select>`s, so
the views read `field.data` as before. Without JavaScript the person types a name (several
separated by ";") and `harvest.actor_names` resolves it, or says which names come close.
"""

from typing import Any

from flask import g, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import ValidationError

from app.database import db
from app.i18n import translate
from app.params import int_value
from harvest import actor_names, actors
from harvest.errors import N_, ValidationFailed

SEPARATOR = ";"
TEXT_SUFFIX = "_name"
HOW_ONE = N_("Type part of the name and choose from the suggestions, or type the whole name.")
HOW_MANY = N_("Type part of a name and choose from the suggestions; separate whole names with “;”.")


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


class ActorField(Field):
    """One actor (`data`: its id as text, "" for none), or with `multiple` a list of ids."""

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        multiple: bool = False,
        municipality: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.multiple = multiple
        self.municipality = municipality
        self.typed: str | None = None

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
        """Return the chosen actor ids."""
        values = self.data if self.multiple else [self.data]
        return [i for v in values or [] if (i := int_value(str(v))) is not None]

    def resolve(self) -> list[str]:
        """Resolve typed names to ids; return the translated problems (nothing then changes)."""
        if self.typed is None:
            return []
        session = db()
        if not self.multiple:
            typed = self.typed
            chosen = self.ids()
            if not actor_names.name_key(typed):
                self.data = ""
                return []
            if chosen:
                names = actors.actor_names(session, set(chosen))
                if actor_names.name_key(names.get(chosen[0], "")) == actor_names.name_key(typed):
                    return []
            try:
                found = actor_names.resolve_actor(session, typed, field_name=self.name)
            except ValidationFailed as error:
                return [translate(msg, params) for msg, params in error.errors.values()]
            self.data = str(found.id) if found else ""
            return []
        problems: list[str] = []
        ids = list(self.data or [])
        for part in self.typed.split(SEPARATOR):
            if not actor_names.name_key(part):
                continue
            match = actor_names.match_actor(session, part)
            if match.actor is not None:
                ids.append(str(match.actor.id))
            elif match.problem is not None:
                problems.append(translate(*match.problem))
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
        names = actors.actor_names(db(), set(ids))
        return "; ".join(names.get(i, str(i)) for i in ids)

    # --- rendering ----------------------------------------------------------------

    def __call__(self, **kwargs: Any) -> Markup:
        g.combobox = True  # base.html then loads the script
        ids = self.ids()
        names = actors.actor_names(db(), set(ids)) if ids else {}
        params = {"municipality": self.municipality} if self.municipality else {}
        text_id = kwargs.pop("id", self.id)
        wrapper = {
            "class": "combobox",
            "data_combobox": True,
            "data_multiple": self.multiple or None,
            "data_name": self.name,
            "data_source": url_for("suggestions.actors", **params),
            "data_none": _("No actor matches. Check the spelling."),
            "data_one": _("1 actor found. Use the up and down arrow keys to choose."),
            "data_many": _(
                "%(num)s actors found. Use the up and down arrow keys to choose.", num="{n}"
            ),
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
        how = _(HOW_MANY) if self.multiple else _(HOW_ONE)
        parts: list[Markup] = [Markup('<p class="hint" id="{}-how">{}</p>').format(text_id, how)]
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
