"""Gentle checks on an outcome statement: advice shown on save, never a reason to refuse it.

Owns the rules that tell a writer how their statement falls short of a good Outcome
Harvesting statement (a change in a social actor that is specific, verifiable, achieved,
relevant and timely), and the mapping of those findings to the five SMART criteria.
Every finding is a `Flag` whose message is an English msgid marked with `N_`; the web,
API and CLI layers translate it. Validation that *refuses* input lives in
`harvest.schemas`. Pure functions: no database, no request. Must not import `app` or Flask.
"""

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from harvest.errors import N_
from harvest.models import Harvest, OutcomeStatus
from harvest.schemas import OutcomeCreate

MIN_CHANGE_WORDS = 8
"""A change described in fewer words than this is flagged as possibly vague."""

MESSAGES: dict[str, str] = {
    "no_actor": N_("Who changed? Choose the actor that now does something differently."),
    "no_change": N_("What does the actor now do differently? Describe the change itself."),
    "changed_actor_is_group": N_(
        "The changed actor is the implementation group itself. An outcome is a change in "
        "another actor: who does something differently because of the group's work?"
    ),
    "group_activity": N_(
        'This reads like the group\'s own activity ("%(phrase)s"). Describe what another '
        "actor now does differently, and move the group's activity to the contribution."
    ),
    "vague_change": N_(
        "Could the change be more specific? Say who does what differently, when and where, "
        "so that someone else could confirm it."
    ),
    "no_date": N_("When did the change happen? Give a date or a period, even an approximate one."),
    "before_period": N_(
        "The change is dated %(date)s, before the harvest period starts on %(start)s. "
        "Does it belong to this harvest?"
    ),
    "after_period": N_(
        "The change is dated %(date)s, after the harvest period ends on %(end)s. "
        "Does it belong to this harvest?"
    ),
    "future_date": N_(
        "The date %(date)s lies in the future. An outcome is a change that has already "
        "happened: keep it as a lead until it has."
    ),
    "no_significance": N_(
        "Why does this change matter? Add its significance for the harvest's questions."
    ),
    "no_contribution": N_(
        "How did the group or its partners contribute? Describe how they plausibly "
        "influenced the change, and name them."
    ),
    "no_contributors": N_(
        "Which actors contributed? Link them so that the contribution can be checked."
    ),
}

LEAD_CODES = frozenset({"no_actor", "no_change", "changed_actor_is_group", "group_activity"})
"""The only flags a lead gets: what would stop it from ever becoming a verifiable outcome."""

SMART_CRITERIA: dict[str, frozenset[str]] = {
    # Specific: who changed what. A statement about the group itself is not about a change
    # in a social actor, however precise it is.
    "specific": frozenset(
        {"no_actor", "no_change", "vague_change", "group_activity", "changed_actor_is_group"}
    ),
    # Measurable means verifiable: an independent person needs an actor, a change and a date.
    "measurable": frozenset({"no_actor", "no_change", "vague_change", "no_date"}),
    # Achieved: the change has happened and a plausible contribution is described.
    "achieved": frozenset({"no_contribution", "no_contributors", "future_date"}),
    # Relevant: the significance ties the change to the harvest's questions.
    "relevant": frozenset({"no_significance"}),
    # Timely: dated, and within the harvest period.
    "timely": frozenset({"no_date", "before_period", "after_period", "future_date"}),
}
"""Which flag codes make a statement fail each SMART criterion (Outcome Harvesting sense)."""


@dataclass(frozen=True)
class Flag:
    """A piece of advice on one field of an outcome statement."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False)


# --- the group-activity heuristic ------------------------------------------


def _words(text: str) -> frozenset[str]:
    """Return the words of a whitespace-separated list."""
    return frozenset(text.split())


_TOKEN = re.compile(r"[\wæøåÆØÅéü'’§-]+")
_SENTENCE_END = re.compile(r"[.!?;:\n]+")

# Words that name the implementation group as a grammatical subject. Danish "vi" and
# English "we" are always subjects (the objects are "os" and "us").
_GROUP_WORDS_DA = _words(
    """
    implementeringsgruppen gruppen projektgruppen arbejdsgruppen styregruppen projektet
    """
)
_GROUP_NOUNS_EN = frozenset({"group", "team", "project"})
_GROUP_MODIFIERS_EN = frozenset({"implementation", "project", "working", "steering", "core"})

# Auxiliaries and adverbs allowed between the subject and its activity verb.
_FILLERS = _words(
    """
    har havde også så nu igen sammen først derefter allerede endelig ikke selv løbende have
    has had also then again together first already finally just recently jointly
    successfully all alle
    """
)
_AUXILIARIES_DA = frozenset({"har", "havde"})

# A group word after a preposition is not the subject: "Borgerne i gruppen holdt oplæg",
# "members of the group ran a walk" tell what citizens or members did.
_PREPOSITIONS = _words(
    """
    i med fra til af på for om hos blandt uden in with from to of at by about among without
    """
)

# Conjunctions and pronouns that open a subordinate clause: "efter at vi holdt et møde,
# begyndte jobcentret ..." describes the contribution, not the statement's main claim.
_SUBORDINATORS = _words(
    """
    at da når fordi efter før inden som hvor siden mens hvis hvilket idet that after before
    when because since as once where which who while if until
    """
)

# Verbs of the group's own activities: meetings, material, invitations, outreach.
# Verbs of noticing ("vi oplever", "we noticed") are deliberately absent: they report
# a change seen in someone else.
_ACTIVITY_VERBS_DA = _words(
    """
    holdt holder afholdt afholder afholdte lavede lavet laver inviterede inviteret inviterer
    arrangerede arrangeret arrangerer organiserede organiseret organiserer planlagde
    planlagt planlægger mødtes mødes sendte sendt sender udsendte udsendt uddelte uddelt
    delte udarbejdede udarbejdet skrev skrevet besøgte besøgt præsenterede præsenteret
    fortalte fortalt informerede informeret kontaktede kontaktet ringede gennemførte
    gennemført startede startet oprettede oprettet udviklede udviklet kortlagde kortlagt
    deltog deltaget drøftede drøftet diskuterede diskuteret lancerede lanceret producerede
    produceret trykte trykt indkaldte indkaldt underviste undervist bød
    """
)
_ACTIVITY_VERBS_EN = _words(
    """
    held hold hosted host organised organized organise organize arranged invited made
    created produced wrote written sent distributed handed visited presented met meet called
    contacted ran launched started developed mapped attended discussed planned designed
    printed convened trained gave
    """
)
_ACTIVITY_VERBS = _ACTIVITY_VERBS_DA | _ACTIVITY_VERBS_EN

# Verb forms that make a text describe someone doing something (used by the vagueness check).
_OTHER_VERBS_DA = _words(
    """
    er var har havde blev bliver blevet kan kunne vil ville skal skulle får fik fået går gik
    kommer kom tager tog giver gav henviser henviste henvist låner lånte udlåner tilbyder
    tilbød bruger brugte deltager samarbejder begynder begyndte starter åbner åbnede stiller
    stillede melder meldte anbefaler anbefalede fortæller viser viste arbejder søger søgte
    modtager hjælper hjalp følger fulgte spørger spurgte ringer henvender inddrager inddrog
    oplever oplevede ændrer ændrede ændret foreslår foreslog foreslået står stod føler følte
    sætter satte lægger lagde nævner nævnte peger pegede skriver driver drev byder
    introducerer anvender benytter optager rekrutterer rekrutterede tilmelder tilmeldte
    """
)
_OTHER_VERBS_EN = _words(
    """
    is are was were has have had became become becomes can could will refer refers referred
    lend lends lent offer offers use uses join joins began begin begins opened open opens
    takes took gives runs invites asks asked suggests suggest provides provide welcomes
    welcome hosts holds meets sends writes mentions recruits
    """
)
_COMMON_VERBS = _ACTIVITY_VERBS | _OTHER_VERBS_DA | _OTHER_VERBS_EN
_PAST_TENSE = re.compile(r"^\w{3,}(?:ede|ed)$")


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text or "") if s.strip()]


def _group_subject_span(words: list[str], i: int) -> int:
    """Return how many words at `i` name the group as subject (0 when none do)."""
    word = words[i]
    if word in {"vi", "we"} or word in _GROUP_WORDS_DA:
        return 1
    if word in {"the", "our"}:
        following = words[i + 1 : i + 3]
        if following[:1] and following[0] in _GROUP_NOUNS_EN:
            if len(following) == 2 and following[1] in _GROUP_NOUNS_EN:
                return 3  # "the project group", "our project team"
            return 2
        if len(following) == 2 and following[0] in _GROUP_MODIFIERS_EN:
            return 3 if following[1] in _GROUP_NOUNS_EN else 0
    return 0


def _activity_after(words: list[str], start: int) -> int | None:
    """Return the index of an activity verb at `start`, after at most three fillers."""
    for j in range(start, min(start + 4, len(words))):
        if words[j] in _ACTIVITY_VERBS:
            return j
        if words[j] not in _FILLERS:
            return None
    return None


def _group_activity_in(sentence: str) -> str | None:
    """Return the words where the group is the main-clause subject of an activity verb."""
    words = _tokens(sentence)
    for i in range(len(words)):
        span = _group_subject_span(words, i)
        if not span:
            continue
        before = words[i - 1] if i else ""
        if before in _PREPOSITIONS:
            continue
        # Danish inversion after a fronted phrase: "I marts holdt vi", "Derfor har vi lavet".
        if before in _ACTIVITY_VERBS:
            return f"{before} {words[i]}"
        verb = _activity_after(words, i + span)
        if verb is None:
            continue
        if before in _AUXILIARIES_DA:
            return " ".join(words[i - 1 : verb + 1])
        if before not in _SUBORDINATORS:
            return " ".join(words[i : verb + 1])
    return None


def group_activity(text: str) -> str | None:
    """Return the phrase that makes the lead sentence of `text` read as group activity."""
    sentences = _sentences(text)
    if not sentences:
        return None
    return _group_activity_in(sentences[0])


def _any_group_activity(text: str) -> str | None:
    for sentence in _sentences(text):
        phrase = _group_activity_in(sentence)
        if phrase:
            return phrase
    return None


def is_vague(change: str) -> bool:
    """Tell whether `change` is too short or names nothing anyone does."""
    words = _tokens(change)
    if len(words) < MIN_CHANGE_WORDS:
        return True
    return not any(w in _COMMON_VERBS or _PAST_TENSE.match(w) for w in words)


# --- the review ------------------------------------------------------------


def _dates(values: OutcomeCreate, harvest: Harvest, today: date) -> list[Flag]:
    first = values.when_start or values.when_end
    last = values.when_end or values.when_start
    if first is None or last is None:
        return [_flag("when_start", "no_date")]
    flags = []
    if harvest.period_start and first < harvest.period_start:
        flags.append(
            _flag(
                "when_start",
                "before_period",
                date=first.isoformat(),
                start=harvest.period_start.isoformat(),
            )
        )
    if harvest.period_end and last > harvest.period_end:
        flags.append(
            _flag(
                "when_start",
                "after_period",
                date=last.isoformat(),
                end=harvest.period_end.isoformat(),
            )
        )
    if last > today:
        flags.append(_flag("when_start", "future_date", date=last.isoformat()))
    return flags


def _flag(field_name: str, code: str, **params: Any) -> Flag:
    return Flag(field=field_name, code=code, message=MESSAGES[code], params=params)


def review_statement(
    values: OutcomeCreate,
    harvest: Harvest,
    *,
    group_actor_id: int | None = None,
    today: date | None = None,
) -> list[Flag]:
    """Return advice on how `values` falls short of a good outcome statement.

    The flags never block a save. A lead gets only the flags in `LEAD_CODES`; a
    withdrawn statement gets none. `group_actor_id` is the actor that stands for the
    harvest's implementation group; `today` defaults to the current date.

    Group activity. A sentence reads as the group's own activity when its subject is
    the group ("vi", "we", "implementeringsgruppen", "gruppen", "the group", "our
    project group") and that subject does an activity verb (holdt, afholdt, lavet,
    inviterede, held, organised, ...), directly or after at most three auxiliaries or
    adverbs ("vi har også afholdt"), or in Danish inverted order after a fronted phrase
    ("I marts holdt vi", "Derfor har vi lavet"). A subject inside a subordinate clause
    ("efter at vi holdt et møde, begyndte jobcentret ...", "after we met, the library
    ...") does not count, nor does a group word after a preposition ("Borgerne i gruppen
    holdt oplæg"), nor do verbs of noticing ("Vi oplever, at biblioteket nu låner lokaler
    ud"): those sentences report someone else's change. The change is
    flagged when its first sentence reads as group activity, or when any sentence
    does and the changed actor is missing or is the group itself; the title is
    flagged when it reads as group activity.
    """
    if values.status == OutcomeStatus.WITHDRAWN:
        return []
    today = today or date.today()
    actor_is_group = group_actor_id is not None and values.changed_actor_id == group_actor_id
    change = values.change.strip()
    flags: list[Flag] = []

    title_phrase = group_activity(values.title)
    if title_phrase:
        flags.append(_flag("title", "group_activity", phrase=title_phrase))

    if values.changed_actor_id is None:
        flags.append(_flag("changed_actor_id", "no_actor"))
    elif actor_is_group:
        flags.append(_flag("changed_actor_id", "changed_actor_is_group"))

    if not change:
        flags.append(_flag("change", "no_change"))
    else:
        if values.changed_actor_id is None or actor_is_group:
            phrase = _any_group_activity(change)
        else:
            phrase = group_activity(change)
        if phrase:
            flags.append(_flag("change", "group_activity", phrase=phrase))
        if is_vague(change):
            flags.append(_flag("change", "vague_change"))

    flags.extend(_dates(values, harvest, today))

    if not values.significance.strip():
        flags.append(_flag("significance", "no_significance"))
    if not values.contribution.strip():
        flags.append(_flag("contribution", "no_contribution"))
    elif not values.contributor_ids:
        flags.append(_flag("contribution", "no_contributors"))

    if values.status == OutcomeStatus.LEAD:
        return [f for f in flags if f.code in LEAD_CODES]
    return flags


def smart_summary(flags: Iterable[Flag]) -> dict[str, bool]:
    """Return, for each SMART criterion, whether a statement with `flags` passes it."""
    codes = {f.code for f in flags}
    return {criterion: not (codes & failing) for criterion, failing in SMART_CRITERIA.items()}
