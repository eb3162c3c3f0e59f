"""Who may do what: every access decision of Brobyg is made here.

Views, the API and the CLI ask these functions; none decides on its own.
Must not import `app` or Flask.
"""

from harvest.models import OutcomeStatus, Role, User

EDITORS = frozenset({Role.ADMIN, Role.EVALUATOR})


def is_admin(user: User | None) -> bool:
    """Tell whether `user` administers Brobyg."""
    return user is not None and user.active and user.role == Role.ADMIN


def can_read_internal(user: User | None) -> bool:
    """Tell whether `user` may read what is not public (any signed-in account)."""
    return user is not None and user.active


def can_write_for_group(user: User | None, group_id: int | None, member_of: set[int]) -> bool:
    """Tell whether `user` may record and edit outcomes for the group `group_id`."""
    if user is None or not user.active:
        return False
    if user.role in EDITORS:
        return True
    return user.role == Role.MEMBER and group_id is not None and group_id in member_of


def can_see_outcome(
    user: User | None, status: str, group_id: int | None, member_of: set[int]
) -> bool:
    """Tell whether `user` may see an outcome: final ones are public, others need the group."""
    if status == OutcomeStatus.FINAL:
        return True
    if user is None or not user.active:
        return False
    return user.role in EDITORS or (group_id is not None and group_id in member_of)


def can_edit_actors(user: User | None) -> bool:
    """Tell whether `user` may create and edit actors and ties."""
    return (
        user is not None and user.active and user.role in (Role.ADMIN, Role.EVALUATOR, Role.MEMBER)
    )


def can_use_api(user: User | None) -> bool:
    """Tell whether `user` may call the API at all."""
    return user is not None and user.active


def can_substantiate(user: User | None) -> bool:
    """Tell whether `user` may ask for substantiation and see substantiators' names and contacts."""
    return user is not None and user.active and user.role in EDITORS


def can_record_needs(user: User | None) -> bool:
    """Tell whether `user` may record and edit what citizens ask for (members, evaluators,
    administrators; staff only read)."""
    return can_edit_actors(user)


def can_analyse(user: User | None) -> bool:
    """Tell whether `user` may code outcomes, edit coding schemes and see a harvest's analysis.

    Analysis counts every outcome that is not withdrawn, drafts too, so it is for
    evaluators and admins only."""
    return user is not None and user.active and user.role in EDITORS
