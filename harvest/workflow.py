"""The status workflow of an outcome: lead -> draft -> reviewed -> ready -> substantiated
-> final, or withdrawn; who may move it where. Every move is kept in the history.

Must not import `app` or Flask.
"""

from sqlalchemy import select
from sqlmodel import Session, col

from harvest import access
from harvest.access import Action, Target
from harvest.errors import N_, PermissionDenied, ValidationFailed
from harvest.models import GroupMembership, Harvest, Outcome, OutcomeStatus, User, utcnow
from harvest.records import editing

ORDER = [
    OutcomeStatus.LEAD,
    OutcomeStatus.DRAFT,
    OutcomeStatus.REVIEWED,
    OutcomeStatus.READY,
    OutcomeStatus.SUBSTANTIATED,
    OutcomeStatus.FINAL,
]


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
    session: Session, user: User | None, outcome: Outcome, harvest: Harvest
) -> list[OutcomeStatus]:
    """Return the moves `user` may make on `outcome` now (None: the system, any move)."""
    who = access.viewer(session, user) if user is not None else None

    def may(action: Action, status: str) -> bool:
        target = Target(group_id=harvest.group_id, status=status)
        return who is None or access.allowed(who, action, target)

    moves = []
    for status in next_statuses(outcome.status):
        concluding = status in access.LOCKED or outcome.status in access.LOCKED
        if may(Action.CONCLUDE_OUTCOME if concluding else Action.WRITE_OUTCOME, outcome.status):
            moves.append(status)
    return moves


def move_outcome(
    session: Session,
    outcome: Outcome,
    harvest: Harvest,
    to: str,
    version: int,
    *,
    by: User | None,
) -> Outcome:
    """Move `outcome` to status `to`, if `by` may; a stale version raises `StaleVersion`."""
    if not allowed_moves(session, by, outcome, harvest):
        raise PermissionDenied(N_("You cannot move this outcome to that status."))
    with editing(session, outcome, version, by=by, submitted={"status": to}):
        try:
            target = OutcomeStatus(to)
        except ValueError:
            raise ValidationFailed({"status": (N_("Unknown status."), {})}) from None
        if target not in allowed_moves(session, by, outcome, harvest):
            raise PermissionDenied(N_("You cannot move this outcome to that status."))
        needs_statement = target not in (OutcomeStatus.LEAD, OutcomeStatus.WITHDRAWN)
        if needs_statement and not (outcome.changed_actor_id and outcome.change.strip()):
            message = N_("Name the actor that changed and what changed, or keep it as a lead.")
            raise ValidationFailed({"status": (message, {})})
        outcome.status = target.value
        outcome.updated_at = utcnow()
        outcome.updated_by_id = by.id if by else None
    return outcome


def returned_for_review(before: str, after: str) -> bool:
    """Tell whether a move from `before` to `after` sends an outcome back to its group."""
    if before not in ORDER or after not in ORDER:
        return False
    return ORDER.index(OutcomeStatus(after)) < ORDER.index(OutcomeStatus(before))


def group_members(session: Session, harvest: Harvest, *, besides: User | None = None) -> list[User]:
    """Return the active members of the harvest's group (not `besides`), to tell of a return."""
    if harvest.group_id is None:
        return []
    query = (
        select(User)
        .join(GroupMembership, col(GroupMembership.user_id) == User.id)
        .where(col(GroupMembership.group_id) == harvest.group_id, col(User.active).is_(True))
        .order_by(col(User.id))
    )
    return [u for u in session.scalars(query) if besides is None or u.id != besides.id]
