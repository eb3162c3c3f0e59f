"""Editing coding schemes, sharing them between harvests, and coding many outcomes at once."""

import pytest
from sqlmodel import select

from harvest import coding, harvests
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import ChangeRecord


def _keys(session, scheme):
    return [
        (d.key, [c.key for c in codes]) for d, codes in coding.active_dimensions(session, scheme)
    ]


def test_the_default_scheme_has_the_design_dimensions(session):
    scheme = coding.ensure_default_scheme(session)
    keys = [key for key, _codes in _keys(session, scheme)]
    assert keys == [
        "type_of_change",
        "intended",
        "positive",
        "significance_rating",
        "contribution_level",
        "social_capital_form",
        "recovery_domain",
    ]


def test_a_new_scheme_can_start_as_a_copy_and_be_shared(session, create_harvest):
    standard = coding.ensure_default_scheme(session)
    shared = coding.create_scheme(
        session, {"slug": "faelles", "name": "Fælles skema"}, copy_from=standard, by=None
    )
    assert _keys(session, shared) == _keys(session, standard)
    one = create_harvest("en")
    two = create_harvest("to")
    coding.assign_scheme(session, one, shared, one.version, by=None)
    coding.assign_scheme(session, two, shared, two.version, by=None)
    assert coding.scheme_of(session, one).id == shared.id
    assert [h.slug for h in coding.harvests_using(session, shared)] == ["en", "to"]


def test_scheme_slugs_are_unique_and_checked(session):
    coding.create_scheme(session, {"slug": "a", "name": "A"}, by=None)
    with pytest.raises(ValidationFailed) as error:
        coding.create_scheme(session, {"slug": "a", "name": "B"}, by=None)
    assert "slug" in error.value.errors
    with pytest.raises(ValidationFailed):
        coding.create_scheme(session, {"slug": "Not A Slug", "name": "B"}, by=None)


def test_renaming_a_scheme_checks_the_version(session):
    scheme = coding.create_scheme(session, {"slug": "a", "name": "A"}, by=None)
    coding.update_scheme(session, scheme, {"name": "B"}, scheme.version, by=None)
    assert scheme.name == "B"
    with pytest.raises(StaleVersion):
        coding.update_scheme(session, scheme, {"name": "C"}, scheme.version - 1, by=None)


def test_dimensions_and_codes_are_added_renamed_and_moved(session):
    scheme = coding.create_scheme(session, {"slug": "a", "name": "A"}, by=None)
    place = coding.add_dimension(session, scheme, {"key": "place", "label": "Sted"}, by=None)
    coding.add_dimension(
        session, scheme, {"key": "who", "label": "Hvem", "multiple": True}, by=None
    )
    home = coding.add_code(session, place, {"key": "home", "label": "Hjemme"}, by=None)
    coding.add_code(session, place, {"key": "club", "label": "Klub"}, by=None)
    coding.rename(session, home, {"label": "I hjemmet"}, by=None)
    coding.move(session, home, +1, by=None)
    coding.move(session, place, +1, by=None)
    assert _keys(session, scheme) == [("who", []), ("place", ["club", "home"])]
    assert home.label == "I hjemmet"
    with pytest.raises(ValidationFailed):
        coding.add_code(session, place, {"key": "home", "label": "Igen"}, by=None)


def test_retiring_a_code_in_use_keeps_it_and_the_coding(session, create_outcome):
    outcome = create_outcome()
    harvest = harvests.get_harvest(session, outcome.harvest_id)
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(session, outcome.id, scheme, {"type_of_change": ["policy"]}, by=None)
    dimension = coding.active_dimensions(session, scheme)[0][0]
    policy = next(c for c in coding.codes_of(session, dimension) if c.key == "policy")
    coding.retire(session, policy, by=None)
    offered = dict(_keys(session, scheme))["type_of_change"]
    assert "policy" not in offered
    assert coding.codes_for_outcome(session, outcome.id)["type_of_change"] == ["policy"]
    assert coding.code_use_counts(session, scheme)[policy.id] == 1
    coding.restore(session, policy, by=None)
    assert dict(_keys(session, scheme))["type_of_change"][-1] == "policy"


def _row(session, outcome, choices, question_id=None, **overrides):
    codes = coding.codes_for_outcome(session, outcome.id)
    seen = coding.coding_fingerprint(codes, coding.current_question(session, outcome.id))
    data = {
        "outcome_id": outcome.id,
        "version": outcome.version,
        "seen": seen,
        "choices": choices,
        "question_id": question_id,
    }
    data.update(overrides)
    return coding.CodingRow(**data)


def test_many_outcomes_are_coded_at_once(session, create_harvest, create_outcome, create_user):
    evaluator = create_user()
    harvest = create_harvest()
    question = harvests.questions_of(session, harvest)[0]
    a = create_outcome(harvest)
    b = create_outcome(harvest)
    rows = [
        _row(session, a, {"type_of_change": ["practice"], "positive": ["positive"]}, question.id),
        _row(session, b, {"type_of_change": []}),
    ]
    result = coding.code_outcomes(session, harvest, rows, by=evaluator)
    assert (result.saved, result.unchanged, result.stale) == ([a.id], [b.id], [])
    assert coding.codes_for_outcome(session, a.id) == {
        "type_of_change": ["practice"],
        "positive": ["positive"],
    }
    assert coding.current_question(session, a.id) == question.id


def test_a_row_coded_by_someone_else_meanwhile_is_stale_the_others_saved(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    a = create_outcome(harvest)
    b = create_outcome(harvest)
    row_a = _row(session, a, {"type_of_change": ["practice"]})
    row_b = _row(session, b, {"type_of_change": ["policy"]})
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(session, a.id, scheme, {"type_of_change": ["resources"]}, by=None)
    result = coding.code_outcomes(session, harvest, [row_a, row_b], by=None)
    assert (result.saved, result.stale) == ([b.id], [a.id])
    assert coding.codes_for_outcome(session, a.id) == {"type_of_change": ["resources"]}


def test_an_outcome_edited_meanwhile_is_stale(session, create_harvest, create_outcome):
    harvest = create_harvest()
    a = create_outcome(harvest)
    row = _row(session, a, {"type_of_change": ["practice"]}, version=a.version - 1)
    assert coding.code_outcomes(session, harvest, [row], by=None).stale == [a.id]


def test_unknown_codes_are_refused_by_row(session, create_harvest, create_outcome):
    harvest = create_harvest()
    a = create_outcome(harvest)
    with pytest.raises(ValidationFailed) as error:
        coding.code_outcomes(session, harvest, [_row(session, a, {"positive": ["great"]})], by=None)
    assert f"{a.id}.positive" in error.value.errors


def test_recoding_keeps_the_earlier_coding_in_history(
    session, create_harvest, create_outcome, create_user
):
    evaluator = create_user()
    harvest = create_harvest()
    a = create_outcome(harvest)
    coding.code_outcomes(session, harvest, [_row(session, a, {"positive": ["positive"]})], by=None)
    session.commit()  # two requests: each raises the version once
    coding.code_outcomes(
        session, harvest, [_row(session, a, {"positive": ["negative"]})], by=evaluator
    )
    records = session.scalars(
        select(ChangeRecord)
        .where(ChangeRecord.entity == "outcome", ChangeRecord.entity_id == str(a.id))
        .order_by(ChangeRecord.id)
    ).all()
    coded = [
        (r.user_id, r.before["codes"].get("positive"), r.after["codes"].get("positive"))
        for r in records
        if r.action == "update"
    ]
    assert coded == [(None, None, ["positive"]), (evaluator.id, ["positive"], ["negative"])]
    assert [r.after["version"] for r in records] == [1, 2, 3]
