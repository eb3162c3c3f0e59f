"""Substantiation: asking independent people whether they agree with an outcome.

Owns the personal links (only a SHA-256 of each token is stored, as for API tokens),
picking outcomes by rule, the substantiator's answer, re-issuing and revoking links,
the one summary every page and export counts with (`summarize`: states by
`state_of`; roles, and names only for evaluators) and the demo substantiations.
Must not import `app` or Flask.
"""

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, field_validator, model_validator
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session, col

from harvest import access, coding, harvests
from harvest.access import Action
from harvest.errors import N_, BrobygError, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.listing import MAX_ID, ListQuery
from harvest.models import (
    Actor,
    GroupMembership,
    Harvest,
    ImplementationGroup,
    Outcome,
    OutcomeContributor,
    OutcomeStatus,
    Substantiation,
    SubstantiationStatus,
    User,
    Verdict,
    utcnow,
)
from harvest.records import editing
from harvest.schemas import EMAIL_PATTERN, Checked, validate
from harvest.search import Page

DEFAULT_EXPIRY_DAYS = 30
MAX_EXPIRY_DAYS = 365
PARTS = ("outcome", "significance", "contribution")
SUBSTANTIABLE = (
    OutcomeStatus.REVIEWED.value,
    OutcomeStatus.READY.value,
    OutcomeStatus.SUBSTANTIATED.value,
    OutcomeStatus.FINAL.value,
)


class Language(StrEnum):
    """The language of the messages sent to a substantiator (Danish unless they ask)."""

    DA = "da"
    EN = "en"


class SampleRule(StrEnum):
    """How the evaluator picks the outcomes to substantiate."""

    ALL = "all"
    READY = "ready"
    SIGNIFICANT = "significant"
    RANDOM = "random"


class LinkState(StrEnum):
    """Where a request stands, as the evaluator sees it (`expired` is derived from the date)."""

    PENDING = "pending"
    ANSWERED = "answered"
    EXPIRED = "expired"
    REVOKED = "revoked"


# --- refused links: one error per reason, none naming the outcome or the person ---------


class LinkRefused(BrobygError):
    """A personal link that cannot be used; the page says why, and nothing more."""

    message = N_("This link cannot be used.")
    status = 410


class LinkUnknown(LinkRefused):
    message = N_("This link is not valid. Check that you copied all of it.")
    status = 404


class LinkUsed(LinkRefused):
    message = N_("This link has already been used to answer. Thank you.")


class LinkExpired(LinkRefused):
    message = N_("This link has expired. Ask the evaluator who sent it for a new one.")


class LinkRevoked(LinkRefused):
    message = N_("This link has been withdrawn. Ask the evaluator who sent it for a new one.")


# --- input schemas -------------------------------------------------------------------

_OPTIONAL_EMAIL = r"^$|" + EMAIL_PATTERN[1:]


class SubstantiationRequest(Checked):
    """Who is asked (name and e-mail only evaluators see, a role) and how long the link lives."""

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=254, pattern=_OPTIONAL_EMAIL)
    role: str = Field(min_length=1, max_length=200)
    expires_in_days: int = Field(default=DEFAULT_EXPIRY_DAYS, ge=1, le=MAX_EXPIRY_DAYS)
    language: Language = Language.DA


class SubstantiationChange(Checked):
    """An evaluator's edit of a request: who is asked, and whether the link is withdrawn."""

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=254, pattern=_OPTIONAL_EMAIL)
    role: str = Field(min_length=1, max_length=200)
    revoked: bool = False


class SubstantiationAnswer(Checked):
    """The substantiator's verdict on each part, their comments and their consent."""

    verdict_outcome: Verdict
    verdict_significance: Verdict
    verdict_contribution: Verdict
    comment_outcome: str = Field(default="", max_length=5000)
    comment_significance: str = Field(default="", max_length=5000)
    comment_contribution: str = Field(default="", max_length=5000)
    consent_named: bool = False

    @model_validator(mode="before")
    @classmethod
    def _unanswered_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (k.startswith("verdict_") and not v)}
        return data


# --- tokens ---------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """Return `moment` as aware UTC (SQLite hands back naive UTC values)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _digest(token)


def state_of(record: Substantiation, now: datetime | None = None) -> LinkState:
    """Return where a request stands now: pending, answered, expired or revoked."""
    if record.status == SubstantiationStatus.ANSWERED:
        return LinkState.ANSWERED
    if record.status == SubstantiationStatus.REVOKED:
        return LinkState.REVOKED
    if _aware(record.expires_at) <= (now or utcnow()):
        return LinkState.EXPIRED
    return LinkState.PENDING


def find_by_token(session: Session, token: str) -> Substantiation:
    """Return the request a personal link belongs to, or raise why it cannot be used."""
    digest = _digest(token or "")
    record = session.scalars(
        select(Substantiation).where(col(Substantiation.token_hash) == digest)
    ).first()
    # The lookup is by hash; compare again in constant time so no branch depends on a prefix.
    if record is None or not hmac.compare_digest(record.token_hash, digest):
        raise LinkUnknown()
    state = state_of(record)
    if state == LinkState.ANSWERED:
        raise LinkUsed()
    if state == LinkState.REVOKED:
        raise LinkRevoked()
    if state == LinkState.EXPIRED:
        raise LinkExpired()
    return record


# --- requests -------------------------------------------------------------------------


def get_substantiation(session: Session, substantiation_id: int) -> Substantiation:
    """Return the request with `substantiation_id` or raise `NotFound`."""
    record = session.get(Substantiation, substantiation_id)
    if record is None:
        raise NotFound(N_("No substantiation request with id %(id)s."), id=substantiation_id)
    return record


def validate_request(data: dict[str, Any]) -> SubstantiationRequest:
    """Validate who is asked and for how long, before any outcome is chosen."""
    return validate(SubstantiationRequest, data)


def request_substantiation(
    session: Session,
    outcome: Outcome,
    data: dict[str, Any] | SubstantiationRequest,
    *,
    by: User | None,
) -> tuple[Substantiation, str]:
    """Ask one person to substantiate `outcome`; return the request and its token (shown once)."""
    access.require(session, by, Action.SUBSTANTIATE)
    values = (
        data if isinstance(data, SubstantiationRequest) else validate(SubstantiationRequest, data)
    )
    if outcome.status not in SUBSTANTIABLE:
        raise ValidationFailed(
            {"outcome_id": (N_("Only reviewed, ready or later outcomes can be substantiated."), {})}
        )
    act_as(session, by)
    token, digest = _new_token()
    record = Substantiation(
        outcome_id=outcome.id or 0,
        name=values.name,
        email=values.email,
        role=values.role,
        token_hash=digest,
        expires_at=utcnow() + timedelta(days=values.expires_in_days),
        requested_by_id=by.id if by else None,
        language=values.language.value,
    )
    session.add(record)
    session.flush()
    return record, token


def reissue(
    session: Session,
    record: Substantiation,
    *,
    by: User | None,
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
) -> str:
    """Give an unanswered request a new link and expiry; the old link stops working."""
    access.require(session, by, Action.SUBSTANTIATE)
    if record.status == SubstantiationStatus.ANSWERED:
        raise ValidationFailed(
            {"__all__": (N_("This request is answered; ask again with a new request."), {})}
        )
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed(
            {"expires_in_days": (N_("Must be at most %(le)s."), {"le": MAX_EXPIRY_DAYS})}
        )
    act_as(session, by)
    token, digest = _new_token()
    record.token_hash = digest
    record.expires_at = utcnow() + timedelta(days=expires_in_days)
    record.status = SubstantiationStatus.PENDING.value
    record.revoked_at = None
    record.updated_at = utcnow()
    session.flush()
    return token


def revoke(session: Session, record: Substantiation, *, by: User | None) -> Substantiation:
    """Withdraw an unanswered request's link (an answered one keeps its answer)."""
    access.require(session, by, Action.SUBSTANTIATE)
    if record.status == SubstantiationStatus.ANSWERED:
        raise ValidationFailed(
            {"__all__": (N_("This request is answered; its answer is kept."), {})}
        )
    if record.status != SubstantiationStatus.REVOKED:
        act_as(session, by)
        record.status = SubstantiationStatus.REVOKED.value
        record.revoked_at = utcnow()
        record.updated_at = utcnow()
        session.flush()
    return record


def update_substantiation(
    session: Session,
    record: Substantiation,
    data: dict[str, Any],
    version: int,
    *,
    by: User | None,
) -> Substantiation:
    """Change who is asked, or withdraw the link, as read at `version`."""
    access.require(session, by, Action.SUBSTANTIATE)
    values = validate(SubstantiationChange, data)
    submitted = values.model_dump(mode="json")
    with editing(session, record, version, by=by, submitted=submitted):
        for key in ("name", "email", "role"):
            if getattr(record, key) != getattr(values, key):
                setattr(record, key, getattr(values, key))
        if values.revoked and record.status != SubstantiationStatus.REVOKED:
            revoke(session, record, by=by)
        if session.is_modified(record):
            record.updated_at = utcnow()
    return record


def answer(session: Session, token: str, data: dict[str, Any]) -> Substantiation:
    """Record a substantiator's answer through their personal link; the link is then used."""
    record = find_by_token(session, token)
    values = validate(SubstantiationAnswer, data)
    act_as(session, None)
    for part in PARTS:
        setattr(record, f"verdict_{part}", getattr(values, f"verdict_{part}").value)
        setattr(record, f"comment_{part}", getattr(values, f"comment_{part}"))
    record.consent_named = values.consent_named
    record.outcome_version = session.get_one(Outcome, record.outcome_id).version
    record.status = SubstantiationStatus.ANSWERED.value
    record.answered_at = utcnow()
    record.updated_at = utcnow()
    session.flush()
    return record


def mark_earlier(session: Session, outcome: Outcome) -> int:
    """Mark the answers given so far on `outcome` as given on an earlier version of it."""
    now = utcnow()
    marked = 0
    for record in requests_for_outcome(session, outcome):
        if record.status == SubstantiationStatus.ANSWERED and record.superseded_at is None:
            record.superseded_at = now
            marked += 1
    session.flush()
    return marked


# --- reminders ------------------------------------------------------------------------

DEFAULT_REMINDER_DAYS = 7


def reminders_due(
    session: Session, *, days: int = DEFAULT_REMINDER_DAYS, now: datetime | None = None
) -> list[tuple[Substantiation, Outcome]]:
    """Return the pending requests with an e-mail, asked `days` ago or more and not reminded."""
    moment = now or utcnow()
    query = (
        select(Substantiation, Outcome)
        .join(Outcome, col(Outcome.id) == Substantiation.outcome_id)
        .where(
            col(Substantiation.status) == SubstantiationStatus.PENDING.value,
            col(Substantiation.expires_at) > moment,
            col(Substantiation.created_at) <= moment - timedelta(days=days),
            col(Substantiation.reminded_at).is_(None),
            col(Substantiation.email) != "",
        )
        .order_by(col(Substantiation.id))
    )
    return [(s, o) for s, o in session.execute(query)]


def remind(session: Session, record: Substantiation) -> tuple[str, str]:
    """Mark `record` reminded and give it a fresh link (only a fingerprint of the first is
    kept); return the new token and the old fingerprint, for `unremind` if sending fails."""
    act_as(session, None)
    token, digest = _new_token()
    previous = record.token_hash
    record.token_hash = digest
    record.reminded_at = utcnow()
    record.updated_at = utcnow()
    session.flush()
    return token, previous


def unremind(session: Session, record: Substantiation, previous: str) -> None:
    """Undo `remind` when its message could not be sent: the first link works again."""
    act_as(session, None)
    record.token_hash = previous
    record.reminded_at = None
    record.updated_at = utcnow()
    session.flush()


# --- independence ---------------------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def independence_concerns(
    session: Session, outcome: Outcome, *, email: str, role: str, name: str = ""
) -> list[tuple[str, dict[str, Any]]]:
    """Return why the person asked may not be independent of `outcome`: their e-mail is a
    member's of the outcome's group, or their role names one of its contributing actors."""
    concerns: list[tuple[str, dict[str, Any]]] = []
    harvest = session.get_one(Harvest, outcome.harvest_id)
    wanted = email.strip().casefold()
    if wanted and harvest.group_id is not None:
        member = session.scalars(
            select(User)
            .join(GroupMembership, col(GroupMembership.user_id) == User.id)
            .where(
                col(GroupMembership.group_id) == harvest.group_id,
                func.lower(col(User.email)) == wanted,
            )
        ).first()
        if member is not None:
            group = session.get_one(ImplementationGroup, harvest.group_id)
            concerns.append(
                (
                    N_("This person may not be independent: member of the group %(group)s."),
                    {"group": group.name},
                )
            )
    described = _folded(f"{role} {name}")
    if described.strip():
        contributors = session.scalars(
            select(Actor)
            .join(OutcomeContributor, col(OutcomeContributor.actor_id) == Actor.id)
            .where(col(OutcomeContributor.outcome_id) == outcome.id)
        )
        for actor in contributors:
            if len(actor.name) >= 4 and _folded(actor.name) in described:
                concerns.append(
                    (
                        N_(
                            "This person may not be independent: %(actor)s contributed to the "
                            "outcome."
                        ),
                        {"actor": actor.name},
                    )
                )
    return concerns


# --- picking outcomes -----------------------------------------------------------------


def _substantiable(session: Session, harvest: Harvest) -> list[Outcome]:
    query = (
        select(Outcome)
        .where(col(Outcome.harvest_id) == harvest.id, col(Outcome.status).in_(SUBSTANTIABLE))
        .order_by(col(Outcome.id))
    )
    return list(session.scalars(query))


def candidate_outcomes(session: Session, harvest: Harvest) -> list[Outcome]:
    """Return the outcomes of `harvest` that may be substantiated (reviewed or later)."""
    return _substantiable(session, harvest)


def sample_outcomes(
    session: Session,
    harvest: Harvest,
    rule: str,
    *,
    share: float | None = None,
    seed: int | None = None,
) -> list[Outcome]:
    """Pick outcomes by rule: all, ready, significant (coded high) or a random share."""
    try:
        chosen = SampleRule(rule)
    except ValueError:
        raise ValidationFailed(
            {
                "rule": (
                    N_("Choose one of: %(expected)s."),
                    {"expected": ", ".join(r.value for r in SampleRule)},
                )
            }
        ) from None
    pool = _substantiable(session, harvest)
    if chosen == SampleRule.ALL:
        return pool
    if chosen == SampleRule.READY:
        return [o for o in pool if o.status == OutcomeStatus.READY]
    if chosen == SampleRule.SIGNIFICANT:
        codes = coding.codes_by_outcome(session, harvest, [o.id or 0 for o in pool])
        return [
            o for o in pool if "high" in codes.get(o.id or 0, {}).get("significance_rating", [])
        ]
    if share is None or not 0 < share <= 1:
        raise ValidationFailed({"share": (N_("Enter a share between 1 and 100 percent."), {})})
    if not pool:
        return []
    size = max(1, round(len(pool) * share))
    picked = random.Random(seed).sample(pool, size)  # noqa: S311 - a sample, not a secret
    return sorted(picked, key=lambda o: o.id or 0)


# --- listing and summaries ------------------------------------------------------------


def requests_for_harvest(
    session: Session, harvest: Harvest | None = None, *, pending_only: bool = False
) -> list[tuple[Substantiation, Outcome]]:
    """Return the requests (with their outcomes) of one harvest or all, newest first."""
    query = select(Substantiation, Outcome).join(
        Outcome, col(Outcome.id) == Substantiation.outcome_id
    )
    if harvest is not None:
        query = query.where(col(Outcome.harvest_id) == harvest.id)
    if pending_only:
        query = query.where(
            col(Substantiation.status) == SubstantiationStatus.PENDING.value,
            col(Substantiation.expires_at) > utcnow(),
        )
    query = query.order_by(col(Substantiation.created_at).desc(), col(Substantiation.id).desc())
    return [(s, o) for s, o in session.execute(query)]


def pending_requests(
    session: Session, harvest: Harvest | None = None
) -> list[tuple[Substantiation, Outcome]]:
    """Return the requests still waiting for an answer whose link still works."""
    return requests_for_harvest(session, harvest, pending_only=True)


def requests_for_outcome(session: Session, outcome: Outcome) -> list[Substantiation]:
    """Return an outcome's requests, oldest first."""
    query = (
        select(Substantiation)
        .where(col(Substantiation.outcome_id) == outcome.id)
        .order_by(col(Substantiation.created_at), col(Substantiation.id))
    )
    return list(session.scalars(query))


class SubstantiationQuery(ListQuery):
    """Filters of the API's list: one outcome, one harvest, some states; `q` searches roles."""

    outcome_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    harvest: str | None = Field(default=None, max_length=80)
    status: list[LinkState] = Field(default_factory=list)

    @field_validator("status", mode="before")
    @classmethod
    def _statuses(cls, value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        return [p.strip() for item in items for p in str(item).split(",") if p.strip()]


def _state_condition(state: LinkState) -> ColumnElement[bool]:
    now = utcnow()
    pending = col(Substantiation.status) == SubstantiationStatus.PENDING.value
    if state == LinkState.PENDING:
        return and_(pending, col(Substantiation.expires_at) > now)
    if state == LinkState.EXPIRED:
        return and_(pending, col(Substantiation.expires_at) <= now)
    return col(Substantiation.status) == state.value


def list_substantiations(session: Session, query: SubstantiationQuery) -> Page[Substantiation]:
    """Return one page of requests narrowed by `query`, newest first."""
    statement = select(Substantiation).join(Outcome, col(Outcome.id) == Substantiation.outcome_id)
    if query.outcome_id is not None:
        statement = statement.where(col(Substantiation.outcome_id) == query.outcome_id)
    if query.harvest is not None:
        found = harvests.harvest_by_slug(session, query.harvest)
        statement = statement.where(col(Outcome.harvest_id) == found.id)
    if query.status:
        statement = statement.where(or_(*(_state_condition(s) for s in query.status)))
    if query.q:
        statement = statement.where(
            func.lower(Substantiation.role).contains(query.q.lower(), autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.order_by(col(Substantiation.id).desc())
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return Page(list(rows), total, query.page, query.per_page)


NO_ROLE = N_("Role not given")


@dataclass(frozen=True)
class Entry:
    """One request as the outcome page shows it; `name` is None unless shown to an evaluator."""

    id: int
    outcome_id: int
    role: str
    name: str | None
    state: LinkState
    verdicts: dict[str, str | None]
    comments: dict[str, str]
    consent_named: bool
    answered_at: datetime | None
    earlier: bool = False  # given on an earlier version of the outcome, before it was restated

    @property
    def disagreement(self) -> bool:
        """Tell whether this substantiator disagreed with any part."""
        return self.state == LinkState.ANSWERED and Verdict.DISAGREE.value in self.verdicts.values()


@dataclass(frozen=True)
class RoleCount:
    """How many substantiators with one role were asked (not revoked) and answered."""

    role: str
    requested: int
    answered: int


@dataclass
class Summary:
    """Substantiation at a glance, for one outcome or many: requests by state (`state_of`),
    verdicts per part from the answered ones, and each request as an `Entry`.

    Every page and export counts through this one summary: a request is answered,
    pending (waiting, its link works), expired (unanswered, its link no longer works)
    or revoked; only pending ones are waiting for an answer."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {p: {v.value: 0 for v in Verdict} for p in PARTS}
    )
    states: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in LinkState})
    entries: list[Entry] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.states[LinkState.ANSWERED]

    @property
    def pending(self) -> int:
        """Return how many requests wait for an answer with a link that still works."""
        return self.states[LinkState.PENDING]

    @property
    def expired(self) -> int:
        return self.states[LinkState.EXPIRED]

    @property
    def revoked(self) -> int:
        return self.states[LinkState.REVOKED]

    @property
    def asked(self) -> int:
        """Return how many requests were sent, whatever became of them."""
        return sum(self.states.values())

    @property
    def outcomes_substantiated(self) -> int:
        """Return how many outcomes have at least one answer."""
        return len({e.outcome_id for e in self.entries if e.state == LinkState.ANSWERED})

    @property
    def disagreed_outcomes(self) -> list[int]:
        """Return the ids of the outcomes some substantiator disagreed with, in order."""
        return sorted({e.outcome_id for e in self.entries if e.disagreement})

    @property
    def roles(self) -> list[RoleCount]:
        """Return the requests not revoked by role (names never), roles in order."""
        tally: dict[str, list[int]] = {}
        for entry in self.entries:
            if entry.state == LinkState.REVOKED:
                continue
            counts = tally.setdefault(" ".join(entry.role.split()) or NO_ROLE, [0, 0])
            counts[0] += 1
            counts[1] += entry.state == LinkState.ANSWERED
        return [RoleCount(role, n[0], n[1]) for role, n in sorted(tally.items())]

    @property
    def disagreement(self) -> bool:
        """Tell whether anyone disagreed with any part: the evaluator should revise or withdraw."""
        return any(self.counts[p][Verdict.DISAGREE] for p in PARTS)

    @property
    def partial(self) -> bool:
        """Tell whether anyone only partially agreed with some part."""
        return any(self.counts[p][Verdict.PARTIALLY_AGREE] for p in PARTS)


def summarize(records: list[Substantiation], *, with_names: bool) -> Summary:
    """Build the summary of a set of requests; names only when `with_names`."""
    summary = Summary()
    now = utcnow()
    for record in records:
        state = state_of(record, now)
        summary.states[state] += 1
        if state == LinkState.ANSWERED and record.superseded_at is None:
            for part in PARTS:
                verdict = getattr(record, f"verdict_{part}")
                if verdict in summary.counts[part]:
                    summary.counts[part][verdict] += 1
        summary.entries.append(
            Entry(
                id=record.id or 0,
                outcome_id=record.outcome_id,
                role=record.role,
                name=record.name if with_names else None,
                state=state,
                verdicts={p: getattr(record, f"verdict_{p}") for p in PARTS},
                comments={p: getattr(record, f"comment_{p}") for p in PARTS},
                consent_named=record.consent_named,
                answered_at=record.answered_at,
                earlier=record.superseded_at is not None,
            )
        )
    return summary


def summary_for_outcome(session: Session, outcome: Outcome, *, with_names: bool) -> Summary:
    """Return an outcome's substantiation summary; names only when `with_names` (evaluators)."""
    return summarize(requests_for_outcome(session, outcome), with_names=with_names)


def summary_for_outcomes(
    session: Session, outcomes: list[Outcome], *, with_names: bool = False
) -> Summary:
    """Return one summary of all requests for `outcomes` (the analysis and report figures)."""
    ids = [o.id for o in outcomes]
    if not ids:
        return Summary()
    query = (
        select(Substantiation)
        .where(col(Substantiation.outcome_id).in_(ids))
        .order_by(col(Substantiation.outcome_id), col(Substantiation.id))
    )
    return summarize(list(session.scalars(query)), with_names=with_names)


def summaries_for_harvest(
    session: Session, harvest: Harvest, *, with_names: bool
) -> dict[int, Summary]:
    """Return the substantiation summary of every outcome of `harvest` that has requests."""
    grouped: dict[int, list[Substantiation]] = {}
    for record, outcome in reversed(requests_for_harvest(session, harvest)):
        grouped.setdefault(outcome.id or 0, []).append(record)
    return {oid: summarize(records, with_names=with_names) for oid, records in grouped.items()}


# --- demo data ------------------------------------------------------------------------


def load_demo_substantiations(session: Session, root: Path) -> int:
    """Load content/demo/substantiations.yaml idempotently (keyed on outcome ref and role).

    Return how many requests were created."""
    path = root / "substantiations.yaml"
    if not path.is_file():
        return 0
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    created = 0
    for row in rows:
        outcome = session.scalars(select(Outcome).where(Outcome.ref == row["outcome"])).first()
        if outcome is None:
            raise NotFound(N_("No outcome with id %(id)s."), id=row["outcome"])
        exists = session.scalars(
            select(col(Substantiation.id)).where(
                col(Substantiation.outcome_id) == outcome.id,
                col(Substantiation.role) == row["role"],
            )
        ).first()
        if exists is not None:
            continue
        request = {
            "name": row["name"],
            "email": row.get("email", ""),
            "role": row["role"],
            "expires_in_days": row.get("expires_in_days", DEFAULT_EXPIRY_DAYS),
        }
        record, token = request_substantiation(session, outcome, request, by=None)
        created += 1
        if row.get("answer"):
            answer(session, token, row["answer"])
    return created
