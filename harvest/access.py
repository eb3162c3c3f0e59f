"""Who may do what: the one access policy of Brobyg, a table of role x action x scope x status.

Services consult it themselves (`require`), so the web pages, the API, the CLI and
the import cannot disagree; pages ask `allowed` only to show or hide a button.
Anything the table does not grant is refused. A write service called with
`by=None` acts as the system (the CLI operator, the demo loader) and is not checked;
the web layer never passes None for a write.
Must not import `app` or Flask.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from harvest.errors import N_, PermissionDenied
from harvest.models import (
    GroupMembership,
    ImplementationGroup,
    InitiativeStatus,
    OutcomeStatus,
    Role,
    User,
)


class Action(StrEnum):
    """Something a person may be allowed to do."""

    READ_OUTCOME = "outcome.read"
    WRITE_OUTCOME = "outcome.write"  # record, edit, move up to ready, chains, evidenced ties
    CODE_OUTCOME = "outcome.code"
    COMMENT_OUTCOME = "outcome.comment"
    CONCLUDE_OUTCOME = "outcome.conclude"  # move to or from substantiated and final
    IMPORT_OUTCOMES = "outcome.import"
    JUDGE_DUPLICATES = "outcome.duplicates"  # mark two outcomes "not a duplicate" or merge them
    READ_INTERNAL = "internal.read"  # information needs, history, non-public lists
    WRITE_ACTOR = "actor.write"  # actors and ties
    MERGE_ACTORS = "actor.merge"
    WRITE_NEED = "need.write"
    WRITE_GROUP_ACTORS = "group.actors"  # who was invited to, joined and left a group
    DESIGN_HARVEST = "harvest.design"
    READ_INITIATIVE = "initiative.read"
    WRITE_INITIATIVE = "initiative.write"  # record, edit, publish, evaluation rounds
    ANALYSE = "harvest.analyse"  # coding table, schemes, initiative kinds, analysis, drafts
    SUBSTANTIATE = "harvest.substantiate"  # ask substantiators, see their names
    ADMINISTER = "admin"  # municipalities, groups, accounts
    USE_API = "api.use"


class Scope(StrEnum):
    """Which records a rule covers, seen from the person acting."""

    ANY = "any"
    OWN_GROUP = "own_group"  # records of an implementation group the person belongs to
    OWN_MUNICIPALITY = "own_municipality"  # records in a municipality of one of their groups


ANONYMOUS = "anonymous"
# Outcomes' and initiatives' statuses: a rule names the ones it covers.
ALL_STATUSES = frozenset(s.value for s in (*OutcomeStatus, *InitiativeStatus))
PUBLIC = frozenset({OutcomeStatus.FINAL.value})
PUBLISHED = frozenset({InitiativeStatus.PUBLISHED.value})
LOCKED = frozenset({OutcomeStatus.SUBSTANTIATED.value, OutcomeStatus.FINAL.value})
OPEN = ALL_STATUSES - LOCKED
DRAFTS = frozenset({OutcomeStatus.LEAD.value, OutcomeStatus.DRAFT.value})


@dataclass(frozen=True)
class Rule:
    """A grant: the action on records in `scope`, for outcomes and initiatives only in
    `statuses`."""

    scope: Scope
    statuses: frozenset[str] = ALL_STATUSES


ANY = (Rule(Scope.ANY),)
EVERYTHING: dict[Action, tuple[Rule, ...]] = {action: ANY for action in Action}

POLICY: dict[str, dict[Action, tuple[Rule, ...]]] = {
    ANONYMOUS: {
        Action.READ_OUTCOME: (Rule(Scope.ANY, PUBLIC),),
        Action.READ_INITIATIVE: (Rule(Scope.ANY, PUBLISHED),),
    },
    Role.STAFF: {
        Action.READ_OUTCOME: (Rule(Scope.ANY, PUBLIC),),
        Action.READ_INITIATIVE: (Rule(Scope.ANY, PUBLISHED),),
        Action.READ_INTERNAL: ANY,
        Action.USE_API: ANY,
    },
    Role.MEMBER: {
        Action.READ_OUTCOME: (Rule(Scope.ANY, PUBLIC), Rule(Scope.OWN_GROUP)),
        Action.WRITE_OUTCOME: (Rule(Scope.OWN_GROUP, OPEN),),
        Action.CODE_OUTCOME: (Rule(Scope.OWN_GROUP, OPEN),),
        Action.COMMENT_OUTCOME: (Rule(Scope.OWN_GROUP),),
        Action.JUDGE_DUPLICATES: (Rule(Scope.OWN_GROUP, DRAFTS),),
        Action.READ_INTERNAL: ANY,
        Action.WRITE_ACTOR: (Rule(Scope.OWN_MUNICIPALITY),),
        Action.WRITE_NEED: (Rule(Scope.OWN_GROUP), Rule(Scope.OWN_MUNICIPALITY)),
        Action.WRITE_GROUP_ACTORS: (Rule(Scope.OWN_GROUP),),
        Action.READ_INITIATIVE: (Rule(Scope.ANY, PUBLISHED), Rule(Scope.OWN_GROUP)),
        Action.WRITE_INITIATIVE: (Rule(Scope.OWN_GROUP),),
        Action.USE_API: ANY,
    },
    Role.EVALUATOR: {a: r for a, r in EVERYTHING.items() if a != Action.ADMINISTER},
    Role.ADMIN: EVERYTHING,
}


@dataclass(frozen=True)
class Target:
    """What an action is done to, as the policy sees it.

    `group_id`: the implementation group the record belongs to (an outcome through its
    harvest, a need recorded by a group, an initiative); `municipalities`: the
    municipalities it is in (an actor's, both ends of a tie); `status`: an outcome's or an
    initiative's status."""

    group_id: int | None = None
    municipalities: frozenset[int] = frozenset()
    status: str | None = None


NOWHERE = Target()


@dataclass(frozen=True)
class Viewer:
    """A person as the policy sees them: their role, groups and those groups' municipalities."""

    user: User | None
    groups: frozenset[int] = frozenset()
    municipalities: frozenset[int] = frozenset()

    @property
    def role(self) -> str:
        if self.user is None or not self.user.active:
            return ANONYMOUS
        return self.user.role


_CACHE = "brobyg_viewers"


def viewer(session: Session, user: User | None) -> Viewer:
    """Return `user` as the policy sees them (kept for the rest of the session)."""
    if user is None:
        return Viewer(None)
    cache: dict[int, Viewer] = session.info.setdefault(_CACHE, {})
    if user.id in cache:
        return cache[user.id or 0]
    rows = session.execute(
        select(GroupMembership.group_id, ImplementationGroup.municipality_id)
        .join(ImplementationGroup, col(ImplementationGroup.id) == GroupMembership.group_id)
        .where(col(GroupMembership.user_id) == user.id)
    ).all()
    found = Viewer(
        user,
        frozenset(g for g, _m in rows),
        frozenset(m for _g, m in rows if m is not None),
    )
    cache[user.id or 0] = found
    return found


def forget_viewers(session: Session) -> None:
    """Forget the viewers kept in `session` (after a role, group or activity change)."""
    session.info.pop(_CACHE, None)


def _covers(rule: Rule, who: Viewer, target: Target) -> bool:
    if target.status is not None and target.status not in rule.statuses:
        return False
    if rule.scope == Scope.ANY:
        return True
    if rule.scope == Scope.OWN_GROUP:
        return target.group_id is not None and target.group_id in who.groups
    return bool(target.municipalities & who.municipalities)


def allowed(who: Viewer, action: Action, target: Target = NOWHERE) -> bool:
    """Tell whether `who` may do `action` to `target`; what the table does not grant is refused."""
    rules = POLICY.get(who.role, {}).get(action, ())
    return any(_covers(rule, who, target) for rule in rules)


def may(session: Session, user: User | None, action: Action, target: Target = NOWHERE) -> bool:
    """Tell whether `user` (None: nobody signed in) may do `action` to `target`."""
    return allowed(viewer(session, user), action, target)


def may_somewhere(session: Session, user: User | None, action: Action) -> bool:
    """Tell whether `user` may do `action` to some record (to offer the page that does it)."""
    who = viewer(session, user)
    for rule in grants(who.role, action):
        if rule.scope == Scope.ANY:
            return True
        if rule.scope == Scope.OWN_GROUP and who.groups:
            return True
        if rule.scope == Scope.OWN_MUNICIPALITY and who.municipalities:
            return True
    return False


def require(session: Session, by: User | None, action: Action, target: Target = NOWHERE) -> None:
    """Raise `PermissionDenied` unless `by` may do `action` to `target` (None: the system)."""
    if by is None:
        return
    if not allowed(viewer(session, by), action, target):
        raise PermissionDenied(N_("You do not have permission to do that."))


def grants(role: str, action: Action) -> tuple[Rule, ...]:
    """Return the rules of the table that grant `role` the `action` (for tests and docs)."""
    return POLICY.get(role, {}).get(action, ())


ROLES_SHOWN = (ANONYMOUS, Role.STAFF, Role.MEMBER, Role.EVALUATOR, Role.ADMIN)
_SCOPE_WORDS = {
    Scope.ANY: "any",
    Scope.OWN_GROUP: "own group",
    Scope.OWN_MUNICIPALITY: "own municipality",
}


def policy_table() -> list[tuple[str, list[str]]]:
    """Return the table in words, one row per action and a cell per role (the README's table)."""
    rows = []
    for action in Action:
        cells = []
        for role in ROLES_SHOWN:
            words = []
            for rule in grants(role, action):
                text = _SCOPE_WORDS[rule.scope]
                if rule.statuses == PUBLIC:
                    text += " (final)"
                elif rule.statuses == PUBLISHED:
                    text += " (published)"
                elif rule.statuses == OPEN:
                    text += " (not substantiated/final)"
                elif rule.statuses == DRAFTS:
                    text += " (lead/draft)"
                words.append(text)
            cells.append(", ".join(words) or "–")
        rows.append((action.value, cells))
    return rows


def municipalities(*ids: int | None) -> frozenset[int]:
    """Return the municipality ids given, without the unknown ones."""
    return frozenset(i for i in ids if i is not None)


# --- shorthands kept for the pages that show or hide a button ---------------------

EDITORS = frozenset({Role.ADMIN, Role.EVALUATOR})


def is_admin(user: User | None) -> bool:
    """Tell whether `user` administers Brobyg."""
    return user is not None and user.active and user.role == Role.ADMIN


def can_read_internal(user: User | None) -> bool:
    """Tell whether `user` may read what is not public (any signed-in account)."""
    return user is not None and user.active


def can_see_outcome(
    user: User | None, status: str, group_id: int | None, member_of: set[int]
) -> bool:
    """Tell whether `user` may see an outcome of `group_id` in `status`."""
    who = Viewer(user, frozenset(member_of))
    return allowed(who, Action.READ_OUTCOME, Target(group_id=group_id, status=status))
