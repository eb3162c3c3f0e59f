"""The access policy: one table of role x action x scope x status, deny by default."""

from pathlib import Path

import pytest

from harvest import access
from harvest.access import Action, Target, Viewer
from harvest.models import User

GROUP_A, GROUP_B = 1, 2
HELSINGOR, GLADSAXE = 10, 20


def _who(role: str | None, groups: set[int] = frozenset(), towns: set[int] = frozenset()):
    user = None if role is None else User(id=1, email="x@example.dk", role=role, active=True)
    return Viewer(user, frozenset(groups), frozenset(towns))


MEMBER_A = _who("member", {GROUP_A}, {HELSINGOR})


@pytest.mark.parametrize(
    ("who", "action", "target", "allowed"),
    [
        # drafts: their group and evaluators; final outcomes: everyone
        (_who(None), Action.READ_OUTCOME, Target(GROUP_A, status="draft"), False),
        (_who(None), Action.READ_OUTCOME, Target(GROUP_A, status="final"), True),
        (_who("staff"), Action.READ_OUTCOME, Target(GROUP_A, status="ready"), False),
        (MEMBER_A, Action.READ_OUTCOME, Target(GROUP_A, status="draft"), True),
        (MEMBER_A, Action.READ_OUTCOME, Target(GROUP_B, status="draft"), False),
        (_who("evaluator"), Action.READ_OUTCOME, Target(GROUP_B, status="lead"), True),
        # members write for their own groups, and not once substantiated or final
        (MEMBER_A, Action.WRITE_OUTCOME, Target(GROUP_A, status="ready"), True),
        (MEMBER_A, Action.WRITE_OUTCOME, Target(GROUP_B, status="draft"), False),
        (MEMBER_A, Action.WRITE_OUTCOME, Target(GROUP_A, status="substantiated"), False),
        (MEMBER_A, Action.WRITE_OUTCOME, Target(GROUP_A, status="final"), False),
        (MEMBER_A, Action.CODE_OUTCOME, Target(GROUP_A, status="draft"), True),
        (MEMBER_A, Action.CODE_OUTCOME, Target(GROUP_A, status="final"), False),
        (MEMBER_A, Action.CONCLUDE_OUTCOME, Target(GROUP_A, status="ready"), False),
        (_who("evaluator"), Action.WRITE_OUTCOME, Target(GROUP_A, status="final"), True),
        (_who("staff"), Action.WRITE_OUTCOME, Target(GROUP_A, status="draft"), False),
        # actors, ties and needs: the members' groups' municipalities
        (MEMBER_A, Action.WRITE_ACTOR, Target(municipalities=frozenset({HELSINGOR})), True),
        (MEMBER_A, Action.WRITE_ACTOR, Target(municipalities=frozenset({GLADSAXE})), False),
        (MEMBER_A, Action.WRITE_ACTOR, Target(), False),  # national actors: evaluators
        (MEMBER_A, Action.MERGE_ACTORS, Target(municipalities=frozenset({HELSINGOR})), False),
        (_who("evaluator"), Action.MERGE_ACTORS, Target(), True),
        (MEMBER_A, Action.WRITE_NEED, Target(GROUP_A), True),
        (MEMBER_A, Action.WRITE_NEED, Target(GROUP_B), False),
        (_who("staff"), Action.WRITE_NEED, Target(municipalities=frozenset({HELSINGOR})), False),
        # evaluation and administration
        (MEMBER_A, Action.ANALYSE, Target(), False),
        (_who("evaluator"), Action.ADMINISTER, Target(), False),
        (_who("admin"), Action.ADMINISTER, Target(), True),
        (_who(None), Action.USE_API, Target(), False),
    ],
)
def test_the_table_grants_what_the_rules_say(who, action, target, allowed):
    assert access.allowed(who, action, target) is allowed


def test_an_unknown_role_or_an_inactive_account_gets_nothing():
    ghost = Viewer(User(id=2, email="g@example.dk", role="superuser", active=True))
    former = Viewer(User(id=3, email="f@example.dk", role="admin", active=False))
    for action in Action:
        assert not access.allowed(ghost, action, Target())
        assert access.allowed(former, action, Target(status="final")) is (
            action == Action.READ_OUTCOME
        )


def test_the_readme_shows_the_table_as_it_is():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for action, cells in access.policy_table():
        assert f"| `{action}` | " + " | ".join(cells) + " |" in readme, action
