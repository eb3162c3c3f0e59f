"""An implementation group over time: actors invited, joined and left, each with its part;
citizens only as anonymous citizen groups; kept with history, edits version-checked."""

import pytest
from sqlmodel import select

from harvest import demo, groups
from harvest.errors import PermissionDenied, PrivacyViolation, StaleVersion, ValidationFailed
from harvest.models import ChangeRecord, GroupActor


@pytest.fixture
def group(session, create_municipality):
    create_municipality()
    return groups.create_group(
        session, {"slug": "nord", "name": "Nord", "municipality": "helsingor"}, by=None
    )


def test_an_actor_invited_then_joined_then_left_is_a_timeline(session, group, create_actor):
    sind = create_actor(name="SIND Helsingør")
    cafe = create_actor(name="Caféen", kind="municipal_service", sector="municipal")
    groups.add_group_actor(
        session,
        group,
        {
            "actor_id": sind.id,
            "invited": "2020-01-06",
            "joined": "2020-01-20",
            "left": "2023-06-30",
        },
        by=None,
    )
    groups.add_group_actor(
        session,
        group,
        {"actor_id": cafe.id, "role": "municipal", "invited": "2020-01-06"},
        by=None,
    )
    events = groups.timeline(groups.group_actors(session, group))
    assert [(str(e.day), e.step, e.actor.name) for e in events] == [
        ("2020-01-06", "invited", "Caféen"),
        ("2020-01-06", "invited", "SIND Helsingør"),
        ("2020-01-20", "joined", "SIND Helsingør"),
        ("2023-06-30", "left", "SIND Helsingør"),
    ]


def test_citizens_take_part_only_as_an_anonymous_citizen_group(session, group, create_actor):
    association = create_actor(name="Foreningen")
    with pytest.raises(ValidationFailed) as refused:
        groups.add_group_actor(
            session,
            group,
            {"actor_id": association.id, "role": "citizen_representative", "joined": "2024-09-01"},
            by=None,
        )
    assert "actor_id" in refused.value.errors
    peers = create_actor(name="Deltagere i peer-gruppen", kind="citizen_group", sector="citizens")
    place = groups.add_group_actor(
        session,
        group,
        {"actor_id": peers.id, "role": "citizen_representative", "joined": "2024-09-01"},
        by=None,
    )
    assert place.role == "citizen_representative"


def test_a_cpr_number_in_the_note_is_refused(session, group, create_actor):
    actor = create_actor()
    with pytest.raises(PrivacyViolation):
        groups.add_group_actor(
            session,
            group,
            {"actor_id": actor.id, "invited": "2020-01-01", "note": "Kontakt 211062-5629"},
            by=None,
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "invited"),
        ({"invited": "2020-02-01", "joined": "2020-01-01"}, "joined"),
        ({"joined": "2020-02-01", "left": "2020-01-01"}, "left"),
        ({"invited": "1. januar"}, "invited"),
        ({"invited": "2020-01-01", "role": "mayor"}, "role"),
    ],
)
def test_bad_dates_and_parts_are_refused_by_field(session, group, create_actor, data, field):
    actor = create_actor()
    with pytest.raises(ValidationFailed) as refused:
        groups.add_group_actor(session, group, {"actor_id": actor.id, **data}, by=None)
    assert field in refused.value.errors


def test_an_actor_is_listed_once_and_never_as_the_group_itself(session, group, create_actor):
    actor = create_actor()
    groups.add_group_actor(session, group, {"actor_id": actor.id, "invited": "2020-01-01"}, by=None)
    with pytest.raises(ValidationFailed):
        groups.add_group_actor(
            session, group, {"actor_id": actor.id, "invited": "2021-01-01"}, by=None
        )
    own = create_actor(name="Nord (gruppen)", kind="implementation_group")
    group.actor_id = own.id
    with pytest.raises(ValidationFailed):
        groups.add_group_actor(
            session, group, {"actor_id": own.id, "invited": "2020-01-01"}, by=None
        )


def test_members_keep_their_own_group_only(session, group, create_actor, create_user):
    groups.create_group(session, {"slug": "syd", "name": "Syd"}, by=None)
    actor = create_actor()
    data = {"actor_id": actor.id, "invited": "2020-01-01"}
    with pytest.raises(PermissionDenied):
        groups.add_group_actor(
            session, group, data, by=create_user("syd@example.dk", "member", groups=["syd"])
        )
    with pytest.raises(PermissionDenied):
        groups.add_group_actor(session, group, data, by=create_user("staff@example.dk", "staff"))
    member = create_user("nord@example.dk", "member", groups=["nord"])
    assert groups.add_group_actor(session, group, data, by=member).actor_id == actor.id


def test_an_edit_is_kept_in_history_and_a_stale_one_raises(session, group, create_actor):
    actor = create_actor()
    place = groups.add_group_actor(
        session, group, {"actor_id": actor.id, "invited": "2020-01-01"}, by=None
    )
    read = place.version
    data = {"actor_id": actor.id, "invited": "2020-01-01", "joined": "2020-02-01"}
    groups.update_group_actor(session, place, data, read, by=None)
    assert str(place.joined) == "2020-02-01" and place.version == read + 1
    entries = session.exec(
        select(ChangeRecord).where(
            ChangeRecord.entity == "groupactor", ChangeRecord.entity_id == str(place.id)
        )
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["joined"] is None and entries[1].after["joined"] == "2020-02-01"
    with pytest.raises(StaleVersion):
        groups.update_group_actor(session, place, {**data, "left": "2021-01-01"}, read, by=None)


def test_the_demo_groups_have_their_history(session, demo_data):
    places = session.exec(select(GroupActor)).all()
    assert len(places) >= 15
    assert {p.role for p in places} >= {"municipal", "association", "citizen_representative"}
    assert any(p.left for p in places) and any(p.joined is None for p in places)
    again = demo.load_demo(session)
    assert again.created.get("group_actor", 0) == 0
