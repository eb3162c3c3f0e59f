"""Opening hours: rows of day, from and to, read from what people type, and when they
make an actor open (weekdays, evenings, weekends)."""

import pytest

from harvest import actors, opening_hours
from harvest.errors import StaleVersion, ValidationFailed
from harvest.opening_hours import OpenWhen
from harvest.records import state_of


def _row(day="wednesday", opens="19:00", closes="21:00"):
    return {"day": day, "opens": opens, "closes": closes}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (_row(opens="19", closes="21.30"), _row(opens="19:00", closes="21:30")),
        (_row(opens=" 9:05 ", closes="24:00"), _row(opens="09:05", closes="24:00")),
    ],
)
def test_times_are_read_as_people_write_them(typed, stored):
    assert opening_hours.parse_rows([typed]) == [stored]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_row(closes="25:00"), "is not a time of day"),
        (_row(opens="19:60"), "is not a time of day"),
        (_row(opens="19\u201321", closes=""), "looks like a span of time"),
        (_row(opens="19-21", closes="22"), "looks like a span of time"),
        (_row(opens="21:00", closes="19:00"), "is not after the opening time"),
        (_row(opens="19:00", closes="19:00"), "is not after the opening time"),
        (_row(day="someday"), "choose a day of the week"),
        (_row(closes=""), "give both a from and a to time"),
    ],
)
def test_bad_rows_get_a_message_naming_the_row(row, message):
    with pytest.raises(opening_hours.HoursProblem) as caught:
        opening_hours.parse_rows([_row(day="monday"), row])
    assert message in caught.value.message and caught.value.params["row"] == 2


def test_blank_rows_are_dropped_and_rows_sorted_by_day_and_time():
    rows = [
        _row("friday"),
        {"day": "", "opens": "", "closes": ""},
        _row("monday", "09:00", "12:00"),
    ]
    assert [r["day"] for r in opening_hours.parse_rows(rows)] == ["monday", "friday"]


@pytest.mark.parametrize(
    ("row", "when"),
    [
        (_row("wednesday", "19:00", "21:00"), [OpenWhen.EVENINGS]),
        (_row("monday", "17:00", "19:00"), [OpenWhen.EVENINGS]),  # starts at the evening
        (_row("monday", "10:00", "16:00"), [OpenWhen.WEEKDAYS]),
        (_row("tuesday", "10:00", "19:00"), [OpenWhen.WEEKDAYS, OpenWhen.EVENINGS]),
        (_row("saturday", "10:00", "12:00"), [OpenWhen.WEEKENDS]),
        (_row("sunday", "18:00", "20:00"), [OpenWhen.EVENINGS, OpenWhen.WEEKENDS]),
    ],
)
def test_when_an_actor_is_open_follows_from_its_rows(row, when):
    assert opening_hours.open_when([row]) == when


def test_hours_are_part_of_the_versioned_actor_record(session, create_actor):
    actor = create_actor(name="Syngeglad")
    data = {"name": "Syngeglad", "kind": "association", "sector": "civil_society", "tier": 2}
    actors.update_actor(session, actor, {**data, "version": 1, "opening_hours": [_row()]}, by=None)
    assert state_of(session, actor)["opening_hours"] == [_row()]
    assert actor.version == 2
    with pytest.raises(StaleVersion):
        actors.update_actor(session, actor, {**data, "version": 1, "opening_hours": []}, by=None)


def test_bad_hours_are_refused_by_the_actor_schema(session, create_actor):
    with pytest.raises(ValidationFailed) as caught:
        create_actor(opening_hours=[_row(closes="25:00")])
    assert "opening_hours" in caught.value.errors
