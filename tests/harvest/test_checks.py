"""Gentle checks on an outcome statement: flags, the group-activity heuristic, SMART summary."""

import dataclasses
from datetime import date
from typing import Any

import pytest

from harvest import checks
from harvest.checks import Flag, review_statement, smart_summary
from harvest.models import Harvest
from harvest.schemas import OutcomeCreate

TODAY = date(2025, 10, 1)
GROUP = 1
CAFE, SIND, JOBCENTRE, LIBRARY = 2, 3, 4, 5


def _harvest(start: date | None = date(2025, 1, 1), end: date | None = date(2025, 6, 30)):
    return Harvest(slug="helsingor-2025", title="Høst 2025", period_start=start, period_end=end)


GOOD_DA: dict[str, Any] = {
    "title": "Café Vinkeldammen henviser fast til SIND's samtalegruppe",
    "changed_actor_id": CAFE,
    "change": (
        "Fra marts 2025 henviser Café Vinkeldammens medarbejdere fast nye brugere "
        "til SIND's samtalegruppe i Helsingør."
    ),
    "when_start": date(2025, 3, 1),
    "where": "Helsingør",
    "significance": "Brugerne får et fællesskab uden for det kommunale tilbud.",
    "contribution": "Implementeringsgruppen inviterede SIND til et personalemøde på caféen.",
    "contributor_ids": [GROUP, SIND],
}
GOOD_EN: dict[str, Any] = {
    "title": "The job centre refers job seekers to a walking group",
    "changed_actor_id": JOBCENTRE,
    "change": (
        "Since April 2025 the job centre in Fredericia has referred job seekers "
        "to Din Indgang's walking group every week."
    ),
    "when_start": date(2025, 4, 1),
    "when_end": date(2025, 6, 30),
    "significance": "Job seekers meet peers and take part instead of only receiving help.",
    "contribution": "The implementation group introduced the two services to each other.",
    "contributor_ids": [GROUP],
}
NOTICED_DA: dict[str, Any] = GOOD_DA | {
    "title": "Biblioteket låner lokaler ud til peer-grupper",
    "changed_actor_id": LIBRARY,
    "change": "Vi oplever, at biblioteket nu låner lokaler ud til peer-grupperne om aftenen.",
}
SUBORDINATE_DA: dict[str, Any] = GOOD_DA | {
    "title": "Jobcentret henviser til gågruppen",
    "changed_actor_id": JOBCENTRE,
    "change": (
        "Efter at vi holdt et møde i maj, begyndte jobcentret at henvise ledige "
        "til gågruppen ved Kronborg."
    ),
}


def _review(data: dict[str, Any], harvest: Harvest | None = None, **kw: Any) -> list[Flag]:
    values = OutcomeCreate(**data)
    return review_statement(values, harvest or _harvest(), group_actor_id=GROUP, today=TODAY, **kw)


def _codes(flags: list[Flag]) -> list[tuple[str, str]]:
    return [(f.field, f.code) for f in flags]


# --- good statements ---------------------------------------------------------


@pytest.mark.parametrize("data", [GOOD_DA, GOOD_EN, NOTICED_DA, SUBORDINATE_DA])
def test_good_statements_get_no_flags(data):
    flags = _review(data)
    assert flags == []
    assert smart_summary(flags) == dict.fromkeys(
        ("specific", "measurable", "achieved", "relevant", "timely"), True
    )


# --- every flag code ---------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"changed_actor_id": GROUP}, ("changed_actor_id", "changed_actor_is_group")),
        (
            {"change": "Vi holdt et møde med foreningerne om samarbejde og henvisning."},
            ("change", "group_activity"),
        ),
        (
            {"change": "We held a meeting with the associations about referrals in Helsingør."},
            ("change", "group_activity"),
        ),
        ({"title": "Vi holdt et møde med foreningerne"}, ("title", "group_activity")),
        ({"title": "The group organised a walk"}, ("title", "group_activity")),
        ({"change": "Bedre samarbejde med SIND."}, ("change", "vague_change")),
        (
            {"change": "Et tættere samarbejde mellem kommunen og foreningerne i Helsingør"},
            ("change", "vague_change"),
        ),
        ({"when_start": None}, ("when_start", "no_date")),
        ({"when_start": date(2024, 11, 1)}, ("when_start", "before_period")),
        ({"when_start": date(2025, 8, 1)}, ("when_start", "after_period")),
        ({"significance": ""}, ("significance", "no_significance")),
        ({"contribution": "  "}, ("contribution", "no_contribution")),
        ({"contributor_ids": []}, ("contribution", "no_contributors")),
    ],
)
def test_each_weakness_gets_its_flag(changes, expected):
    flags = _review(GOOD_DA | changes)
    assert expected in _codes(flags)
    flag = next(f for f in flags if (f.field, f.code) == expected)
    assert flag.message == checks.MESSAGES[flag.code]
    assert flag.message % flag.params  # every placeholder has its parameter


def test_future_date_is_flagged_inside_an_open_period():
    flags = _review(GOOD_DA | {"when_start": date(2025, 11, 15)}, _harvest(end=None))
    assert _codes(flags) == [("when_start", "future_date")]
    assert flags[0].params == {"date": "2025-11-15"}


def test_no_actor_and_no_change_are_flagged_even_when_validation_was_skipped():
    values = OutcomeCreate.model_construct(**(GOOD_DA | {"changed_actor_id": None, "change": ""}))
    flags = review_statement(values, _harvest(), today=TODAY)
    assert ("changed_actor_id", "no_actor") in _codes(flags)
    assert ("change", "no_change") in _codes(flags)


def test_every_code_has_a_message_and_a_smart_criterion():
    covered = set().union(*checks.SMART_CRITERIA.values())
    assert covered == set(checks.MESSAGES)


# --- dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "codes"),
    [
        (date(2025, 1, 1), None, []),
        (date(2025, 6, 30), None, []),
        (date(2025, 2, 1), date(2025, 5, 1), []),
        (None, date(2025, 5, 1), []),
        (date(2024, 12, 31), None, ["before_period"]),
        (date(2024, 10, 1), date(2025, 2, 1), ["before_period"]),
        (date(2025, 7, 1), None, ["after_period"]),
        (date(2025, 5, 1), date(2025, 9, 1), ["after_period"]),
        (date(2024, 12, 1), date(2025, 7, 31), ["before_period", "after_period"]),
        (date(2025, 12, 1), None, ["after_period", "future_date"]),
        (None, None, ["no_date"]),
    ],
)
def test_dates_are_checked_against_the_harvest_period_and_today(start, end, codes):
    flags = _review(GOOD_DA | {"when_start": start, "when_end": end})
    assert [f.code for f in flags] == codes
    assert all(f.field == "when_start" for f in flags)


def test_period_flags_name_the_dates():
    (before,) = _review(GOOD_DA | {"when_start": date(2024, 12, 31)})
    assert before.params == {"date": "2024-12-31", "start": "2025-01-01"}
    (after,) = _review(GOOD_DA | {"when_start": date(2025, 7, 1)})
    assert after.params == {"date": "2025-07-01", "end": "2025-06-30"}


def test_a_harvest_without_a_period_checks_only_the_future():
    harvest = _harvest(start=None, end=None)
    assert _review(GOOD_DA | {"when_start": date(2019, 1, 1)}, harvest) == []


# --- leads -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"title": "Måske vil koret tage imod nye medlemmer", "status": "lead"},
            [("changed_actor_id", "no_actor"), ("change", "no_change")],
        ),
        (
            {"title": "Vi holdt et møde med foreningerne", "status": "lead"},
            [
                ("title", "group_activity"),
                ("changed_actor_id", "no_actor"),
                ("change", "no_change"),
            ],
        ),
        (
            {
                "title": "Jobcentret vil henvise",
                "status": "lead",
                "changed_actor_id": JOBCENTRE,
                "change": "Jobcentret overvejer",
                "when_start": date(2023, 1, 1),
            },
            [],
        ),
        (
            {
                "title": "Gruppen selv",
                "status": "lead",
                "changed_actor_id": GROUP,
                "change": "Implementeringsgruppen har lavet en folder om foreningerne i byen.",
            },
            [("changed_actor_id", "changed_actor_is_group"), ("change", "group_activity")],
        ),
    ],
)
def test_leads_get_only_what_stops_them_becoming_verifiable(data, expected):
    assert _codes(_review(data)) == expected


def test_a_withdrawn_statement_gets_no_flags():
    weak = {"title": "Vi holdt et møde", "change": "Vi holdt et møde", "significance": ""}
    assert _review(GOOD_DA | weak | {"status": "withdrawn"}) == []


# --- the group-activity heuristic -------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Vi holdt et møde med foreningerne.", "vi holdt"),
        ("Vi har afholdt tre cafémøder på biblioteket", "vi har afholdt"),
        ("Implementeringsgruppen har lavet en folder", "implementeringsgruppen har lavet"),
        ("Gruppen inviterede SIND og Det Sociale Netværk", "gruppen inviterede"),
        ("I marts holdt vi et åbent hus i Grib København", "holdt vi"),
        ("Derfor har vi også lavet en liste over kor", "har vi også lavet"),
        ("We held a meeting with the associations", "we held"),
        ("We have also visited the job centre", "we have also visited"),
        ("The group organised a walk", "the group organised"),
        ("Our project group has invited the library", "our project group has invited"),
        ("The implementation group wrote a leaflet", "the implementation group wrote"),
        ("The project held three meetings", "the project held"),
        # a good statement: someone else changed
        ("Fra marts 2025 henviser Café Vinkeldammens medarbejdere fast nye brugere", None),
        ("Vi oplever, at biblioteket nu låner lokaler ud", None),
        ("Vi har fået en fast aftale med koret om prøvetimer", None),
        ("Efter at vi holdt et møde, begyndte jobcentret at henvise", None),
        ("Jobcentret, som vi inviterede, henviser nu til SIND", None),
        ("After we met, the library began lending rooms", None),
        ("We noticed that the job centre now refers people to the choir", None),
        ("Peer-gruppen startede en gåtur hver tirsdag", None),
        ("The walking group started meeting on Tuesdays", None),
        ("Borgerne i gruppen holdt selv oplæg for frivillige", None),
        ("Members of the group ran a walk for volunteers", None),
        ("", None),
    ],
)
def test_group_activity_is_found_only_where_the_group_is_the_subject(text, phrase):
    assert checks.group_activity(text) == phrase


def test_a_later_group_activity_sentence_counts_only_without_another_actor():
    change = (
        "Jobcentret i Rødovre henviser nu ledige til Det Sociale Netværks café hver uge. "
        "Vi holdt også et møde med caféen i april."
    )
    assert _review(GOOD_DA | {"changed_actor_id": JOBCENTRE, "change": change}) == []
    flagged = _review(GOOD_DA | {"changed_actor_id": GROUP, "change": change})
    assert ("change", "group_activity") in _codes(flagged)
    assert next(f for f in flagged if f.code == "group_activity").params == {"phrase": "vi holdt"}


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("Bedre samarbejde.", True),
        ("Koret har fået nye medlemmer.", True),
        ("Et tættere og bedre samarbejde mellem kommunen og foreningerne i Helsingør", True),
        ("Closer and better cooperation between the municipality and the local associations", True),
        ("Fra marts 2025 henviser Café Vinkeldammens medarbejdere fast nye brugere", False),
        ("Since April the job centre has referred job seekers to the walking group", False),
        (
            "Biblioteket i Gladsaxe stillede i efteråret et mødelokale til rådighed hver torsdag",
            False,
        ),
        # the rewrites on the knowledge page "writing-outcomes"
        (
            "Fra juni 2025 foreslår jobcentret i Gladsaxe ledige, der føler sig ensomme, at prøve",
            False,
        ),
        (
            "From June 2025 the job centre in Gladsaxe suggests that lonely people try a choir",
            False,
        ),
    ],
)
def test_vague_changes_are_short_or_name_no_doing(text, vague):
    assert checks.is_vague(text) is vague


# --- SMART summary -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "failing"),
    [
        ("no_actor", {"specific", "measurable"}),
        ("no_change", {"specific", "measurable"}),
        ("vague_change", {"specific", "measurable"}),
        ("group_activity", {"specific"}),
        ("changed_actor_is_group", {"specific"}),
        ("no_date", {"measurable", "timely"}),
        ("no_contribution", {"achieved"}),
        ("no_contributors", {"achieved"}),
        ("future_date", {"achieved", "timely"}),
        ("no_significance", {"relevant"}),
        ("before_period", {"timely"}),
        ("after_period", {"timely"}),
    ],
)
def test_smart_summary_maps_each_code_to_its_criteria(code, failing):
    summary = smart_summary([Flag("x", code, checks.MESSAGES[code])])
    assert {criterion for criterion, passes in summary.items() if not passes} == failing


def test_smart_summary_of_a_weak_statement():
    flags = _review(
        GOOD_DA
        | {"change": "Vi holdt et møde med foreningerne", "significance": "", "when_start": None}
    )
    assert smart_summary(flags) == {
        "specific": False,
        "measurable": False,
        "achieved": True,
        "relevant": False,
        "timely": False,
    }


def test_flags_are_frozen_and_hashable():
    flag = Flag(
        "title", "group_activity", checks.MESSAGES["group_activity"], {"phrase": "vi holdt"}
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        flag.code = "other"  # type: ignore[misc]
    assert len({flag, flag}) == 1
