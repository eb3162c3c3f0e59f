"""A real outside spreadsheet goes in: Danish headers, own ids kept as refs, month dates,
questions as text, near-miss actor names reconciled once and remembered, warnings."""

import pytest
from sqlmodel import select

from harvest import coding, groups, merging, sheet_export, spreadsheet
from harvest.actor_reconciliation import NameChoice, mapping_choices, similarity
from harvest.models import Actor, ActorAlias, Outcome
from harvest.report import harvest_outcomes
from tests.harvest.outside_sheet import ROWS, danish, outside_harvest, outside_workbook


@pytest.fixture
def outside(session, create_municipality, create_harvest, create_actor):
    return outside_harvest(create_municipality, create_harvest, create_actor)


def _plan(session, harvest, content=None, **kw):
    table = spreadsheet.read_table(content or outside_workbook(), "forandringer.xlsx")
    return spreadsheet.plan_import(session, harvest, table, translations=[danish().gettext], **kw)


def _choices(outside):
    return {
        "Rotary": NameChoice(actor_id=outside["rotary"].id),
        "Deltagere i peer-gruppen Helsingør": NameChoice(actor_id=outside["peers"].id),
    }


def test_near_miss_names_go_to_reconciliation_with_ranked_candidates(session, outside):
    plan = _plan(session, outside["harvest"])
    assert plan.problems == []
    assert [(n.typed, n.places) for n in plan.unmatched] == [
        ("Rotary", [(2, "changed_actor")]),
        ("Deltagere i peer-gruppen Helsingør", [(3, "changed_actor")]),
    ]
    rotary, peers = plan.unmatched
    assert rotary.candidates[0].name == "Rotary Klub København"
    assert rotary.candidates[0].municipality == "København"
    assert peers.candidates[0].name == "Deltagere i peer-gruppen, Helsingør"
    assert peers.candidates[0].score > 0.9
    assert not plan.ok and plan.count("create") == 3


@pytest.mark.parametrize(
    "typed, name",
    [
        ("rotary klub kobenhavn", "Rotary Klub København"),
        ("København Rotary Klub", "Rotary Klub København"),
        ("Deltagere i peer gruppen - Helsingør", "Deltagere i peer-gruppen, Helsingør"),
        ("Helsingoer Bibliotek", "Helsingør Bibliotek"),
    ],
)
def test_similarity_ignores_case_danish_letters_punctuation_and_word_order(typed, name):
    assert similarity(typed, name) >= 0.9
    assert similarity(typed, "Rødovre Løbeklub") < 0.5


def test_the_chosen_import_keeps_refs_months_codes_and_questions(session, outside):
    harvest = outside["harvest"]
    plan = _plan(session, harvest, choices=_choices(outside))
    assert plan.ok, (plan.problems, plan.unmatched)
    spreadsheet.run_import(session, harvest, plan, by=None)
    found = {o.ref: o for o in session.scalars(select(Outcome))}
    assert set(found) == {"H-01", "H-02", "H-03"}
    first, second = found["H-01"], found["H-02"]
    assert (str(first.when_start), str(first.when_end)) == ("2021-03-01", "2021-03-31")
    assert (str(second.when_start), str(second.when_end)) == ("2021-03-01", "2021-05-31")
    assert second.title == "Peer-gruppen inviterer nye deltagere"
    assert first.changed_actor_id == outside["rotary"].id
    assert second.changed_actor_id == outside["peers"].id
    assert first.status == "draft" and found["H-03"].status == "final"
    codes = coding.codes_for_outcome(session, first.id)
    assert codes["type_of_change"] == ["practice"] and codes["intended"] == ["intended"]
    assert coding.codes_for_outcome(session, second.id)["type_of_change"] == ["participation"]
    by_ref = {o.title: o.question for o in harvest_outcomes(session, harvest)}
    assert by_ref[first.title] == 1 and by_ref[second.title] == 2


def test_choices_are_remembered_and_a_reimport_changes_nothing(session, outside):
    harvest = outside["harvest"]
    spreadsheet.run_import(
        session, harvest, _plan(session, harvest, choices=_choices(outside)), by=None
    )
    aliases = {a.name_key: a.actor_id for a in session.scalars(select(ActorAlias))}
    assert aliases == {
        "rotary": outside["rotary"].id,
        "deltagere i peer-gruppen helsingør": outside["peers"].id,
    }
    again = _plan(session, harvest)
    assert again.ok, (again.problems, again.unmatched)
    assert [r.action for r in again.rows] == ["unchanged"] * 3
    spreadsheet.run_import(session, harvest, again, by=None)
    assert len(session.scalars(select(Outcome)).all()) == 3


def test_a_changed_row_updates_the_outcome_with_that_ref(session, outside):
    harvest = outside["harvest"]
    spreadsheet.run_import(
        session, harvest, _plan(session, harvest, choices=_choices(outside)), by=None
    )
    rows = [list(r) for r in ROWS]
    rows[0][1] = "Rotary låner nu lokaler ud hver uge"
    plan = _plan(session, harvest, outside_workbook(rows))
    assert [r.action for r in plan.rows] == ["update", "unchanged", "unchanged"]
    spreadsheet.run_import(session, harvest, plan, by=None)
    titles = sorted(o.title for o in session.scalars(select(Outcome)))
    assert len(titles) == 3 and "Rotary låner nu lokaler ud hver uge" in titles


def test_export_then_import_of_the_imported_sheet_changes_nothing(session, outside):
    harvest = outside["harvest"]
    spreadsheet.run_import(
        session, harvest, _plan(session, harvest, choices=_choices(outside)), by=None
    )
    for language, translate in (("en", str), ("da", danish().gettext)):
        table = sheet_export.export_table(session, harvest, language=language, translate=translate)
        plan = _plan(session, harvest, sheet_export.write_xlsx(table))
        assert plan.ok, (language, plan.problems, plan.unmatched)
        assert [r.action for r in plan.rows] == ["unchanged"] * 3


def test_create_as_new_makes_the_actor_in_the_harvests_municipality(session, outside):
    harvest = outside["harvest"]
    choices = {**_choices(outside), "Rotary": NameChoice(kind=None)}
    spreadsheet.run_import(session, harvest, _plan(session, harvest, choices=choices), by=None)
    new = session.scalars(select(Actor).where(Actor.name == "Rotary")).one()
    assert new.municipality_id == harvest.municipality_id and new.kind == "association"
    assert _plan(session, harvest).ok  # remembered: the next import needs no choice


def test_dates_outside_the_period_and_actors_elsewhere_are_warnings(session, outside):
    plan = _plan(session, outside["harvest"], choices=_choices(outside))
    warnings = {(w.row, w.column) for w in plan.warnings}
    assert {(2, "when"), (3, "when"), (2, "changed_actor")} <= warnings
    assert (4, "when") not in warnings
    assert plan.ok


def test_a_member_cannot_import_a_concluded_status(session, outside, create_user):
    groups.create_group(session, {"slug": "nord", "name": "Nord"}, by=None)
    member = create_user("medlem@example.dk", "member", groups=["nord"])
    evaluator = create_user("eva@example.dk", "evaluator")
    refused = _plan(session, outside["harvest"], choices=_choices(outside), by=member)
    assert [(p.row, p.column) for p in refused.problems] == [(4, "status")]
    allowed = _plan(session, outside["harvest"], choices=_choices(outside), by=evaluator)
    assert allowed.problems == []


def test_a_near_miss_question_suggests_the_question(session, outside):
    rows = [list(r) for r in ROWS]
    rows[0][12] = "Hvordan samarbejer foreningerne med kommunnen?"
    plan = _plan(session, outside["harvest"], outside_workbook(rows))
    (problem,) = plan.problems
    assert (problem.row, problem.column) == (2, "harvest_question")
    assert problem.params["n"] == 1


@pytest.mark.parametrize("when", ["2021", "2021-03-04", "2021-03/2021-05", "4.3.2021"])
def test_every_date_form_is_read(session, outside, when):
    rows = [list(r) for r in ROWS]
    rows[0][4] = when
    assert not _plan(session, outside["harvest"], outside_workbook(rows)).problems


def test_an_unreadable_date_names_the_forms(session, outside):
    rows = [list(r) for r in ROWS]
    rows[0][4] = "marts 2021"
    plan = _plan(session, outside["harvest"], outside_workbook(rows))
    assert [(p.row, p.column) for p in plan.problems] == [(2, "when")]
    assert "YYYY-MM" in plan.problems[0].message


def test_read_only_export_columns_are_ignored_without_a_warning(session, outside):
    table = spreadsheet.read_table(outside_workbook(), "f.xlsx")
    table[0].append("Vurdering af bidrag")
    plan = spreadsheet.plan_import(session, outside["harvest"], table)
    assert all(w.row != 1 for w in plan.warnings)


def test_a_mapping_names_actors_by_id_name_or_new(session, outside):
    table = [
        ["name", "actor", "kind"],
        ["Rotary", str(outside["rotary"].id), ""],
        ["Deltagere i peer-gruppen Helsingør", "Deltagere i peer-gruppen, Helsingør", ""],
        ["Nyt Netværk", "new", "volunteer_group"],
    ]
    choices = mapping_choices(session, table)
    assert choices["rotary"] == NameChoice(actor_id=outside["rotary"].id)
    assert choices["deltagere i peer-gruppen helsingør"].actor_id == outside["peers"].id
    assert choices["nyt netværk"] == NameChoice(kind="volunteer_group")


def test_a_remembered_name_follows_a_merged_actor(session, outside):
    harvest = outside["harvest"]
    choices = {**_choices(outside), "Rotary": NameChoice(kind=None)}
    spreadsheet.run_import(session, harvest, _plan(session, harvest, choices=choices), by=None)
    new = session.scalars(select(Actor).where(Actor.name == "Rotary")).one()
    merging.merge_actors(session, new, outside["rotary"], by=None)
    alias = session.scalars(select(ActorAlias).where(ActorAlias.name_key == "rotary")).one()
    assert alias.actor_id == outside["rotary"].id
    assert [r.action for r in _plan(session, harvest).rows] == ["unchanged"] * 3


def test_every_dimension_of_the_scheme_is_a_column_by_key_or_label(session, outside):
    table = spreadsheet.read_table(outside_workbook(), "f.xlsx")
    table[0] += ["Betydningsvurdering", "Recovery-oriented practice domain"]
    for row in table[1:]:
        row += ["Høj", "Citizenship"]
    plan = spreadsheet.plan_import(
        session,
        outside["harvest"],
        table,
        choices=_choices(outside),
        translations=[danish().gettext],
    )
    assert plan.ok, plan.problems
    assert plan.rows[0].codes["significance_rating"] == ["high"]
    assert plan.rows[0].codes["recovery_domain"] == ["citizenship"]


def test_a_choice_of_an_actor_that_does_not_exist_leaves_the_name_open(session, outside):
    choices = {**_choices(outside), "Rotary": NameChoice(actor_id=999_999)}
    plan = _plan(session, outside["harvest"], choices=choices)
    assert [n.typed for n in plan.unmatched] == ["Rotary"]
    assert not plan.ok


def test_a_row_like_an_outcome_already_there_is_flagged_as_a_possible_duplicate(session, outside):
    harvest = outside["harvest"]
    spreadsheet.run_import(
        session, harvest, _plan(session, harvest, choices=_choices(outside)), by=None
    )
    rows = [list(r) for r in ROWS]
    rows[0][0] = "X-01"  # someone else's copy of the first row under another id
    rows[0][1] = str(rows[0][1]).replace(" ", "\u00a0", 1) + " \u2013 igen"
    plan = _plan(session, harvest, outside_workbook(rows))
    assert plan.ok, plan.problems
    assert [r.action for r in plan.rows] == ["create", "unchanged", "unchanged"]
    first = session.scalars(select(Outcome).where(Outcome.ref == "H-01")).one()
    flagged = [(w.row, w.params.get("id")) for w in plan.warnings if "id" in w.params]
    assert flagged == [(2, first.id)]
