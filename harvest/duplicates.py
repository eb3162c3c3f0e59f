"""Possible duplicates: outcomes of one harvest that name the same changed actor in close
words, the pairs judged "not a duplicate", and merging two outcomes into one.

Bounded: candidates come from one indexed filter (harvest and changed actor, at most
`MAX_LOOKED_AT` rows); the text is compared in Python. A hint never shows an outcome the
viewer may not read (`harvest.access`). Must not import `app` or Flask.
"""

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action, Target
from harvest.actor_names import name_key
from harvest.errors import N_, ValidationFailed
from harvest.history import USER_KEY
from harvest.models import (
    ChangeAction,
    ChangeRecord,
    Code,
    CodeDimension,
    DuplicateDismissal,
    Harvest,
    Outcome,
    OutcomeCode,
    OutcomeContributor,
    OutcomeLink,
    OutcomeQuestion,
    OutcomeStatus,
    TieEvidence,
    User,
    utcnow,
)
from harvest.records import editing

MAX_LOOKED_AT = 200  # outcomes of one actor in one harvest compared per save
MAX_POOL = 2000  # outcomes read for one page of a list or one imported sheet
THRESHOLD = 0.6
MERGE_ENTITY = "outcome_merge"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """An outcome that looks like the one being saved, with how alike they are (0 to 1)."""

    id: int
    title: str
    score: float


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(name_key(text)))


def words(text: str) -> list[str]:
    """Return the words of `text` folded for comparing (case, dashes, no-break spaces, æøå)."""
    return list(_words(text))


def similarity(title: str, change: str, other_title: str, other_change: str) -> float:
    """Tell how alike two statements are: the better of headline likeness and word overlap."""
    mine, theirs = _bag(title, change), _bag(other_title, other_change)
    overlap = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
    first, second = _words(title), _words(other_title)  # word by word: fast, order-aware
    if not (first and second):
        return overlap
    matcher = difflib.SequenceMatcher(None, first, second)
    if matcher.real_quick_ratio() <= overlap or matcher.quick_ratio() <= overlap:
        return overlap  # the headlines cannot beat the word overlap: skip the dear ratio
    return max(matcher.ratio(), overlap)


@functools.lru_cache(maxsize=4096)
def _bag(title: str, change: str) -> frozenset[str]:
    return frozenset(_words(title)) | frozenset(_words(change))


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _dismissed(session: Session, ids: Iterable[int]) -> set[tuple[int, int]]:
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    rows = session.execute(
        select(DuplicateDismissal.outcome_id, DuplicateDismissal.other_id).where(
            or_(
                col(DuplicateDismissal.outcome_id).in_(wanted),
                col(DuplicateDismissal.other_id).in_(wanted),
            )
        )
    )
    return {(a, b) for a, b in rows}


def _readable(
    session: Session, harvest: Harvest, outcome: Outcome, viewer: User | None, system: bool
) -> bool:
    if system:
        return True
    target = Target(group_id=harvest.group_id, status=outcome.status)
    return access.may(session, viewer, Action.READ_OUTCOME, target)


def _same_actor(session: Session, harvest: Harvest, actor_ids: set[int]) -> list[Outcome]:
    """Return the harvest's live outcomes naming one of `actor_ids` (one indexed filter)."""
    if not actor_ids:
        return []
    return list(
        session.scalars(
            select(Outcome)
            .where(
                col(Outcome.harvest_id) == harvest.id,
                col(Outcome.changed_actor_id).in_(sorted(actor_ids)),
                col(Outcome.status) != OutcomeStatus.WITHDRAWN.value,
            )
            .order_by(col(Outcome.id).desc())
            .limit(min(MAX_LOOKED_AT * len(actor_ids), MAX_POOL))
        )
    )


def _by_actor(pool: Sequence[Outcome]) -> dict[int | None, list[Outcome]]:
    grouped: dict[int | None, list[Outcome]] = {}
    for outcome in pool:
        grouped.setdefault(outcome.changed_actor_id, []).append(outcome)
    return grouped


def _rank(
    session: Session,
    harvest: Harvest,
    pool: Sequence[Outcome],
    values: Mapping[str, Any],
    exclude: int | None,
    dismissed: set[tuple[int, int]],
    viewer: User | None,
    system: bool,
    first_only: bool = False,
) -> list[Candidate]:
    found = []
    actor_id = values.get("changed_actor_id")
    for other in pool:
        if other.id == exclude or other.changed_actor_id != actor_id:
            continue
        if exclude is not None and _pair(exclude, other.id or 0) in dismissed:
            continue
        score = similarity(
            values.get("title") or "", values.get("change") or "", other.title, other.change
        )
        if score >= THRESHOLD and _readable(session, harvest, other, viewer, system):
            found.append(Candidate(other.id or 0, other.title, round(score, 2)))
            if first_only:
                break
    return sorted(found, key=lambda c: (-c.score, c.id))[:5]


def find_duplicates(
    session: Session,
    harvest: Harvest,
    values: Mapping[str, Any],
    *,
    viewer: User | None,
    exclude: int | None = None,
    system: bool = False,
) -> list[Candidate]:
    """Return the outcomes of `harvest` that look like `values` (changed_actor_id, title,
    change), best first, only those `viewer` may read (`system`: the CLI, sees all).

    `exclude` is the outcome being edited: itself and the pairs judged "not a duplicate"
    with it are left out."""
    actor_id = values.get("changed_actor_id")
    if not actor_id:
        return []
    pool = _same_actor(session, harvest, {int(actor_id)})
    dismissed = _dismissed(session, [exclude] if exclude is not None else [])
    return _rank(session, harvest, pool, values, exclude, dismissed, viewer, system)


def duplicates_of(session: Session, outcome: Outcome, *, viewer: User | None) -> list[Candidate]:
    """Return the outcomes that look like the stored `outcome`, for its page."""
    if outcome.status == OutcomeStatus.WITHDRAWN.value:
        return []
    harvest = session.get_one(Harvest, outcome.harvest_id)
    values = {
        "changed_actor_id": outcome.changed_actor_id,
        "title": outcome.title,
        "change": outcome.change,
    }
    return find_duplicates(session, harvest, values, viewer=viewer, exclude=outcome.id)


def flagged_ids(session: Session, shown: Sequence[Outcome], *, viewer: User | None) -> set[int]:
    """Return the ids among `shown` (one page of a list) that have a possible duplicate."""
    by_harvest: dict[int, list[Outcome]] = {}
    for outcome in shown:
        if outcome.changed_actor_id and outcome.status != OutcomeStatus.WITHDRAWN.value:
            by_harvest.setdefault(outcome.harvest_id, []).append(outcome)
    flagged: set[int] = set()
    dismissed = _dismissed(session, [o.id or 0 for o in shown])
    for harvest_id, outcomes in by_harvest.items():
        harvest = session.get_one(Harvest, harvest_id)
        by_actor = _by_actor(
            _same_actor(session, harvest, {o.changed_actor_id or 0 for o in outcomes})
        )
        for outcome in outcomes:
            pool = by_actor.get(outcome.changed_actor_id, [])
            values = {
                "changed_actor_id": outcome.changed_actor_id,
                "title": outcome.title,
                "change": outcome.change,
            }
            if _rank(session, harvest, pool, values, outcome.id, dismissed, viewer, False, True):
                flagged.add(outcome.id or 0)
    return flagged


def possible_duplicates_of_rows(
    session: Session,
    harvest: Harvest,
    rows: Sequence[Mapping[str, Any]],
    *,
    viewer: User | None,
    system: bool = False,
) -> dict[int, list[Candidate]]:
    """Return, per index into `rows`, the outcomes of `harvest` each import row looks like.

    A row is a mapping with `changed_actor_id` (an id, or None when not yet resolved),
    `title` and `change`, and optionally `outcome_id`: the outcome the row updates, which
    is never its own duplicate. Rows without possible duplicates are left out. One query
    for all rows (their actors in the harvest), so a sheet of hundreds of rows is cheap.
    Only outcomes `viewer` may read are named (`system`: the CLI, sees all)."""
    actor_ids = {int(r["changed_actor_id"]) for r in rows if r.get("changed_actor_id")}
    by_actor = _by_actor(_same_actor(session, harvest, actor_ids))
    updated = [int(r["outcome_id"]) for r in rows if r.get("outcome_id")]
    dismissed = _dismissed(session, updated)
    found: dict[int, list[Candidate]] = {}
    for index, row in enumerate(rows):
        if not row.get("changed_actor_id"):
            continue
        exclude = int(row["outcome_id"]) if row.get("outcome_id") else None
        pool = by_actor.get(int(row["changed_actor_id"]), [])
        candidates = _rank(session, harvest, pool, row, exclude, dismissed, viewer, system)
        if candidates:
            found[index] = candidates
    return found


# --- judging a pair ------------------------------------------------------------------


def _require_both(session: Session, by: User | None, first: Outcome, second: Outcome) -> Harvest:
    """Ask the policy about both outcomes, then check they can be a pair at all."""
    harvest = session.get_one(Harvest, first.harvest_id)
    other_harvest = session.get_one(Harvest, second.harvest_id)
    for outcome, its_harvest in ((first, harvest), (second, other_harvest)):
        target = Target(group_id=its_harvest.group_id, status=outcome.status)
        access.require(session, by, Action.JUDGE_DUPLICATES, target)
    if first.id == second.id:
        raise ValidationFailed({"other": (N_("An outcome cannot be its own duplicate."), {})})
    if first.harvest_id != second.harvest_id:
        raise ValidationFailed(
            {"other": (N_("Only outcomes of the same harvest can be duplicates."), {})}
        )
    return harvest


def may_judge(session: Session, user: User | None, first: Outcome, second: Outcome) -> bool:
    """Tell whether `user` may mark the pair "not a duplicate" or merge it (for a button)."""
    harvest = session.get_one(Harvest, first.harvest_id)
    return all(
        access.may(
            session,
            user,
            Action.JUDGE_DUPLICATES,
            Target(group_id=harvest.group_id, status=o.status),
        )
        for o in (first, second)
    )


def dismissal(session: Session, first: Outcome, second: Outcome) -> DuplicateDismissal | None:
    """Return the judgement that the two are not duplicates, if someone made it."""
    a, b = _pair(first.id or 0, second.id or 0)
    return session.scalars(
        select(DuplicateDismissal).where(
            col(DuplicateDismissal.outcome_id) == a, col(DuplicateDismissal.other_id) == b
        )
    ).first()


def mark_not_duplicate(
    session: Session, first: Outcome, second: Outcome, *, by: User | None
) -> DuplicateDismissal:
    """Remember that the two outcomes are not duplicates (who, when), so they are not flagged."""
    _require_both(session, by, first, second)
    existing = dismissal(session, first, second)
    if existing is not None:
        return existing
    a, b = _pair(first.id or 0, second.id or 0)
    judged = DuplicateDismissal(outcome_id=a, other_id=b, by_id=by.id if by else None)
    session.add(judged)
    session.flush()
    session.execute(
        insert(ChangeRecord).values(
            entity="duplicatedismissal",
            entity_id=str(judged.id),
            action=ChangeAction.CREATE.value,
            user_id=by.id if by else None,
            at=utcnow(),
            before=None,
            after={"outcome_id": a, "other_id": b},
        )
    )
    return judged


# --- merging ---------------------------------------------------------------------------


def _codes(session: Session, outcome_id: int) -> dict[int, tuple[int, bool]]:
    """Return the outcome's codes: code id -> (dimension id, dimension takes several)."""
    rows = session.execute(
        select(OutcomeCode.code_id, CodeDimension.id, CodeDimension.multiple)
        .join(Code, col(Code.id) == OutcomeCode.code_id)
        .join(CodeDimension, col(CodeDimension.id) == Code.dimension_id)
        .where(col(OutcomeCode.outcome_id) == outcome_id)
    )
    return {code: (dimension or 0, multiple) for code, dimension, multiple in rows}


def _fold_codes(session: Session, keep: Outcome, other: Outcome, by: User | None) -> None:
    kept = _codes(session, keep.id or 0)
    dimensions = {d for d, _m in kept.values()}
    for code, (dimension, multiple) in _codes(session, other.id or 0).items():
        if code not in kept and (multiple or dimension not in dimensions):
            session.add(
                OutcomeCode(
                    outcome_id=keep.id or 0, code_id=code, coded_by_id=by.id if by else None
                )
            )
            dimensions.add(dimension)


def _fold_links(session: Session, keep: Outcome, other: Outcome, by: User | None) -> None:
    """Re-point the other's chain links at the kept one, each an edit of the third outcome."""
    links = session.scalars(
        select(OutcomeLink).where(
            or_(col(OutcomeLink.source_id) == other.id, col(OutcomeLink.target_id) == other.id)
        )
    ).all()
    for link in links:
        source = keep.id if link.source_id == other.id else link.source_id
        target = keep.id if link.target_id == other.id else link.target_id
        third_id = link.target_id if link.source_id == other.id else link.source_id
        third = session.get(Outcome, third_id) if third_id != keep.id else None
        exists = session.scalars(
            select(OutcomeLink.id).where(
                col(OutcomeLink.source_id) == source, col(OutcomeLink.target_id) == target
            )
        ).first()
        if third is None or exists is not None:
            continue  # a link between the two, or one the kept outcome has already
        with editing(session, third, None, by=by):
            session.add(OutcomeLink(source_id=source or 0, target_id=target or 0, note=link.note))
            session.flush()


def _append(kept: str, other: str) -> str:
    if not other.strip() or other.strip() in kept:
        return kept
    return f"{kept}\n{other}".strip()


def merge_outcomes(
    session: Session,
    keep: Outcome,
    other: Outcome,
    *,
    keep_version: int,
    other_version: int,
    by: User | None,
) -> Outcome:
    """Fold `other` into `keep` and withdraw it with the note "merged into #N".

    Its contributors, sources, evidence, codes, question, chain links and tie evidence
    join the kept outcome; both are edited under the versions the person read (stale:
    `StaleVersion`), each written to the history, and nothing is deleted."""
    harvest = _require_both(session, by, keep, other)
    if other.status == OutcomeStatus.WITHDRAWN.value:
        raise ValidationFailed({"other": (N_("That outcome has been withdrawn already."), {})})
    first, second = sorted(
        ((keep, keep_version), (other, other_version)), key=lambda pair: pair[0].id or 0
    )
    with (
        editing(session, first[0], first[1], by=by),
        editing(session, second[0], second[1], by=by),
    ):
        _require_both(session, by, keep, other)  # read afresh under the lock
        for actor_id in session.scalars(
            select(OutcomeContributor.actor_id).where(
                col(OutcomeContributor.outcome_id) == other.id
            )
        ):
            if session.get(OutcomeContributor, (keep.id, actor_id)) is None:
                session.add(OutcomeContributor(outcome_id=keep.id or 0, actor_id=actor_id))
        keep.sources = _append(keep.sources, other.sources)
        keep.evidence = _append(keep.evidence, other.evidence)
        _fold_codes(session, keep, other, by)
        if (
            session.scalars(
                select(OutcomeQuestion).where(col(OutcomeQuestion.outcome_id) == keep.id)
            ).first()
            is None
        ):
            for question_id in session.scalars(
                select(OutcomeQuestion.question_id).where(
                    col(OutcomeQuestion.outcome_id) == other.id
                )
            ):
                session.add(OutcomeQuestion(outcome_id=keep.id or 0, question_id=question_id))
        for tie_id in session.scalars(
            select(TieEvidence.tie_id).where(col(TieEvidence.outcome_id) == other.id)
        ):
            if session.get(TieEvidence, (tie_id, keep.id)) is None:
                session.add(TieEvidence(tie_id=tie_id, outcome_id=keep.id or 0))
        session.flush()
        _fold_links(session, keep, other, by)
        other.status = OutcomeStatus.WITHDRAWN.value
        for outcome in (keep, other):
            outcome.updated_at = utcnow()
            outcome.updated_by_id = by.id if by else None
        session.flush()
    session.execute(
        insert(ChangeRecord).values(
            entity=MERGE_ENTITY,
            entity_id=str(other.id),
            action=ChangeAction.UPDATE.value,
            user_id=session.info.get(USER_KEY),
            at=utcnow(),
            before={"id": other.id, "harvest": harvest.slug},
            after={"merged_into": keep.id},
        )
    )
    return keep


def merged_into(session: Session, outcome: Outcome) -> int | None:
    """Return the id of the outcome `outcome` was merged into, if it was."""
    after = session.scalars(
        select(ChangeRecord.after)
        .where(
            col(ChangeRecord.entity) == MERGE_ENTITY, col(ChangeRecord.entity_id) == str(outcome.id)
        )
        .order_by(col(ChangeRecord.id).desc())
    ).first()
    return int(after["merged_into"]) if after else None
