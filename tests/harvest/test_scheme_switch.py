"""Switching a harvest's coding scheme carries its codes over by key, reports what it
cannot carry, and the coding table, the analysis and the report keep agreeing."""

import json

import pytest
from sqlmodel import func, select

from harvest import analysis, coding, harvests, report
from harvest.coding import LossReason
from harvest.errors import StaleVersion
from harvest.models import ChangeRecord, CodingScheme, Harvest, OutcomeCode


def _code(session, harvest, outcome, **choices):
    scheme = coding.scheme_of(session, harvest)
    picked = {k: [v] if isinstance(v, str) else v for k, v in choices.items()}
    coding.set_codes(session, outcome.id, scheme, picked, by=None)


def _views(session, harvest):
    """Return what the coding table, the analysis and the report (JSON, Markdown) show."""
    counted = analysis.counted_outcomes(session, harvest)
    table = {
        i: codes for i, (codes, _q) in coding.harvest_coding(session, harvest, counted).items()
    }
    counts = {
        b.key: {r.key: r.count for r in b.rows}
        for b in analysis.analyse_harvest(session, harvest).codes
    }
    built = report.build_report(session, harvest)
    exported = {
        o["id"]: {k: o[k] for k in ("type_of_change", "intended", "positive")}
        for o in json.loads(report.report_json(built))["outcomes"]
    }
    return table, counts, exported, report.report_markdown(built)


def _agree(table, counts, exported):
    """Assert that the three views count the same codes."""
    for key in ("type_of_change", "positive"):
        from_table: dict[str, int] = {}
        for codes in table.values():
            for code in codes.get(key, []):
                from_table[code] = from_table.get(code, 0) + 1
        shown = {k: n for k, n in counts.get(key, {}).items() if k and n}
        assert shown == from_table
    for outcome_id, codes in table.items():
        assert exported[outcome_id]["type_of_change"] == codes.get("type_of_change", [])
        assert exported[outcome_id]["positive"] == (codes.get("positive") or [None])[0]


@pytest.fixture
def coded(session, create_harvest, create_outcome):
    harvest = create_harvest()
    a = create_outcome(harvest, title="Biblioteket åbner")
    b = create_outcome(harvest, title="Klubben inviterer")
    create_outcome(harvest, title="Ikke kodet")
    _code(session, harvest, a, type_of_change="practice", positive="positive")
    _code(session, harvest, b, type_of_change="policy", positive="negative", intended="intended")
    _code(session, harvest, a, recovery_domain="citizenship")
    return harvest, a, b


def test_a_switch_to_a_copy_carries_every_code_and_the_views_stay_the_same(session, coded):
    harvest, _a, _b = coded
    before = _views(session, harvest)
    _agree(*before[:3])
    standard = coding.scheme_of(session, harvest)
    copy = coding.create_scheme(
        session, {"slug": "kopi", "name": "Kopi"}, copy_from=standard, by=None
    )
    switch = coding.assign_scheme(session, harvest, copy, harvest.version, by=None)
    assert (switch.carried, switch.lost) == (6, [])
    assert coding.scheme_of(session, harvest).id == copy.id
    assert sum(coding.code_use_counts(session, copy).values()) == 6
    assert coding.code_use_counts(session, standard) == {}
    assert _views(session, harvest) == before


def test_a_switch_to_a_scheme_lacking_parts_lists_and_removes_the_lost_codes(session, coded):
    harvest, a, b = coded
    narrow = coding.create_scheme(session, {"slug": "smal", "name": "Smal"}, by=None)
    kind = coding.add_dimension(
        session, narrow, {"key": "type_of_change", "label": "Forandring"}, by=None
    )
    coding.add_code(session, kind, {"key": "practice", "label": "Praksis"}, by=None)
    coding.add_dimension(session, narrow, {"key": "intended", "label": "Tilsigtet"}, by=None)
    recovery = coding.add_dimension(
        session, narrow, {"key": "recovery_domain", "label": "Recovery"}, by=None
    )
    coding.add_code(session, recovery, {"key": "citizenship", "label": "Medborgerskab"}, by=None)
    coding.retire(session, recovery, by=None)
    changes_before = session.scalar(select(func.count()).select_from(ChangeRecord))

    preview = coding.plan_scheme_switch(session, harvest, narrow)
    assert not (session.new or session.dirty or session.deleted)
    assert session.scalar(select(func.count()).select_from(ChangeRecord)) == changes_before
    switch = coding.assign_scheme(session, harvest, narrow, harvest.version, by=None)
    assert switch == preview and switch.digest == preview.digest

    assert switch.carried == 1
    assert {(x.outcome_id, x.dimension, x.code, x.reason) for x in switch.lost} == {
        (a.id, "positive", "positive", LossReason.NO_DIMENSION),
        (a.id, "recovery_domain", "citizenship", LossReason.DIMENSION_RETIRED),
        (b.id, "type_of_change", "policy", LossReason.NO_CODE),
        (b.id, "positive", "negative", LossReason.NO_DIMENSION),
        (b.id, "intended", "intended", LossReason.NO_CODE),
    }
    lost = next(x for x in switch.lost if x.code == "policy")
    assert (lost.outcome_title, lost.dimension_label, lost.code_label) == (
        "Klubben inviterer",
        "Type of change",
        "Policy or procedure",
    )
    assert coding.codes_for_outcome(session, a.id) == {"type_of_change": ["practice"]}
    assert coding.codes_for_outcome(session, b.id) == {}
    assert session.scalars(select(OutcomeCode).where(OutcomeCode.outcome_id == b.id)).all() == []
    # The removed codes stay in each outcome's history: one entry per outcome, codes before.
    for outcome, gone in ((a, "positive"), (b, "positive")):
        entry = session.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.entity == "outcome", ChangeRecord.entity_id == str(outcome.id))
            .order_by(ChangeRecord.id.desc())
        ).first()
        assert gone in entry.before["codes"] and gone not in entry.after["codes"]
        assert entry.after["version"] == entry.before["version"] + 1

    table, counts, exported, markdown = _views(session, harvest)
    _agree(table, counts, exported)
    assert counts["type_of_change"] == {"practice": 1, "": 2}
    assert "positive" not in counts and "recovery_domain" not in counts
    assert exported[b.id] == {"type_of_change": [], "intended": None, "positive": None}
    assert "Policy or procedure" not in markdown


def test_a_retired_code_in_the_new_scheme_still_takes_the_code(session, coded):
    harvest, _a, b = coded
    copy = coding.create_scheme(
        session,
        {"slug": "kopi", "name": "Kopi"},
        copy_from=coding.scheme_of(session, harvest),
        by=None,
    )
    kind = next(d for d, _c in coding.active_dimensions(session, copy) if d.key == "type_of_change")
    policy = next(c for c in coding.codes_of(session, kind) if c.key == "policy")
    coding.retire(session, policy, by=None)
    switch = coding.assign_scheme(session, harvest, copy, harvest.version, by=None)
    assert switch.lost == []
    assert coding.codes_for_outcome(session, b.id)["type_of_change"] == ["policy"]
    counts = {r.key: r.count for r in analysis.analyse_harvest(session, harvest).codes[0].rows}
    assert counts["policy"] == 1


def test_a_one_code_dimension_keeps_the_first_code_and_lists_the_rest(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    outcome = create_outcome(harvest)
    wide = coding.create_scheme(session, {"slug": "bred", "name": "Bred"}, by=None)
    who = coding.add_dimension(
        session, wide, {"key": "who", "label": "Hvem", "multiple": True}, by=None
    )
    for key in ("club", "library"):
        coding.add_code(session, who, {"key": key, "label": key.title()}, by=None)
    coding.assign_scheme(session, harvest, wide, harvest.version, by=None)
    _code(session, harvest, outcome, who=["club", "library"])
    single = coding.create_scheme(session, {"slug": "en", "name": "En"}, copy_from=wide, by=None)
    one = coding.dimensions_of(session, single)[0]
    one.multiple = False
    session.flush()
    switch = coding.assign_scheme(session, harvest, single, harvest.version, by=None)
    assert switch.carried == 1
    assert [(x.code, x.reason) for x in switch.lost] == [("library", LossReason.ONE_CODE_ONLY)]
    assert coding.codes_for_outcome(session, outcome.id) == {"who": ["club"]}


def test_a_stale_switch_is_refused_and_changes_nothing(session, coded):
    harvest, a, _b = coded
    copy = coding.create_scheme(session, {"slug": "tom", "name": "Tom"}, by=None)
    seen = harvest.version
    harvests.update_harvest(
        session, harvest, {**_design(harvest), "title": "Ny titel"}, seen, by=None
    )
    with pytest.raises(StaleVersion):
        coding.assign_scheme(session, harvest, copy, seen, by=None)
    assert coding.scheme_of(session, harvest).slug == coding.DEFAULT_SCHEME
    assert coding.codes_for_outcome(session, a.id)["type_of_change"] == ["practice"]


def _design(harvest):
    return {
        "slug": harvest.slug,
        "title": harvest.title,
        "period_start": harvest.period_start.isoformat(),
        "period_end": harvest.period_end.isoformat(),
        "questions": ["Hvem gør noget andet end før?"],
    }


def test_switching_back_and_forth_gives_the_codes_back(session, coded):
    harvest, a, b = coded
    standard = coding.scheme_of(session, harvest)
    copy = coding.create_scheme(
        session, {"slug": "kopi", "name": "Kopi"}, copy_from=standard, by=None
    )
    before = coding.codes_by_outcome(session, harvest, [a.id, b.id])
    coding.assign_scheme(session, harvest, copy, harvest.version, by=None)
    coding.assign_scheme(session, harvest, standard, harvest.version, by=None)
    assert coding.codes_by_outcome(session, harvest, [a.id, b.id]) == before


def test_the_migration_made_the_default_scheme(session):
    [scheme] = session.scalars(select(CodingScheme)).all()
    assert scheme.slug == coding.DEFAULT_SCHEME
    keys = [d.key for d, _codes in coding.active_dimensions(session, scheme)]
    assert keys == [key for key, _label, _codes in coding.DEFAULT_DIMENSIONS]
    for dimension, codes in coding.active_dimensions(session, scheme):
        expected = dict((k, c) for k, _l, c in coding.DEFAULT_DIMENSIONS)[dimension.key]
        assert [(c.key, c.label) for c in codes] == expected
    assert coding.ensure_default_scheme(session).id == scheme.id
    assert not (session.new or session.dirty)


def test_reading_schemes_never_writes_even_without_the_default_scheme(session):
    session.delete(coding.scheme_by_slug(session, coding.DEFAULT_SCHEME))
    session.commit()
    changes = session.scalar(select(func.count()).select_from(ChangeRecord))
    assert coding.list_schemes(session) == []
    unsaved = coding.scheme_of(session, Harvest(slug="x", title="X"))
    assert unsaved.id is None and coding.active_dimensions(session, unsaved) == []
    assert not (session.new or session.dirty)
    session.flush()
    assert session.scalar(select(func.count()).select_from(CodingScheme)) == 0
    assert session.scalar(select(func.count()).select_from(ChangeRecord)) == changes
