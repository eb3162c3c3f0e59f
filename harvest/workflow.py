"""The status workflow of an outcome: lead -> draft -> reviewed -> ready -> substantiated
-> final, or withdrawn; who may move it where. Every move is kept in the history.

Must not import `app` or Flask.
"""

from sqlmodel import Session

from harvest import access
from harvest.errors import N_, PermissionDenied, ValidationFailed
from harvest.history import act_as
from harvest.models import Harvest, Outcome, OutcomeStatus, User, utcnow
from harvest.records import check_version, flush_or_stale

ORDER = [
    OutcomeStatus.LEAD,
    OutcomeStatus.DRAFT,
    OutcomeStatus.REVIEWED,
    OutcomeStatus.READY,
    OutcomeStatus.SUBSTANTIATED,
    OutcomeStatus.FINAL,
]
EVALUATOR_ONLY = frozenset({OutcomeStatus.SUBSTANTIATED, OutcomeStatus.FINAL})


def next_statuses(current: str) -> list[OutcomeStatus]:
    """Return where an outcome in `current` may move: one step on or back, or withdrawn."""
    if current == OutcomeStatus.WITHDRAWN:
        return [OutcomeStatus.DRAFT]
    index = ORDER.index(OutcomeStatus(current))
    moves = []
    if index + 1 < len(ORDER):
        moves.append(ORDER[index + 1])
    if index > 0:
        moves.append(ORDER[index - 1])
    moves.append(OutcomeStatus.WITHDRAWN)
    return moves


def allowed_moves(
    user: User | None, outcome: Outcome, harvest: Harvest, member_of: set[int]
) -> list[OutcomeStatus]:
    """Return the moves `user` may make on `outcome` now."""
    if not access.can_write_for_group(user, harvest.group_id, member_of):
        return []
    evaluator = user is not None and user.role in access.EDITORS
    return [
        status
        for status in next_statuses(outcome.status)
        if evaluator or (status not in EVALUATOR_ONLY and outcome.status not in EVALUATOR_ONLY)
    ]


def move_outcome(
    session: Session,
    outcome: Outcome,
    harvest: Harvest,
    to: str,
    version: int,
    *,
    by: User | None,
    member_of: set[int],
) -> Outcome:
    """Move `outcome` to status `to`, if `by` may; a stale version raises `StaleVersion`."""
    act_as(session, by)
    check_version(outcome, version, {"status": to})
    try:
        target = OutcomeStatus(to)
    except ValueError:
        raise ValidationFailed({"status": (N_("Unknown status."), {})}) from None
    if target not in allowed_moves(by, outcome, harvest, member_of):
        raise PermissionDenied(N_("You cannot move this outcome to that status."))
    needs_statement = target not in (OutcomeStatus.LEAD, OutcomeStatus.WITHDRAWN)
    if needs_statement and not (outcome.changed_actor_id and outcome.change.strip()):
        message = N_("Name the actor that changed and what changed, or keep it as a lead.")
        raise ValidationFailed({"status": (message, {})})
    outcome.status = target.value
    outcome.updated_at = utcnow()
    outcome.updated_by_id = by.id if by else None
    flush_or_stale(session, outcome, {"status": to})
    return outcome
