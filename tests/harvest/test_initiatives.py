"""Initiatives (prøvehandlinger): recording, evaluation rounds, versions, who sees them, the
outcomes that name them, grouping by kind, and the spreadsheet round trip."""

import pytest
from sqlmodel import select

from harvest import groups, initiative_sheets, initiatives, needs, outcomes
from harvest.errors import PermissionDenied, PrivacyViolation, StaleVersion, ValidationFailed
from harvest.history import changes_of
from harvest.models import Initiative


def _record(session, by=None, **overrides):
    data = {
        "title": "Folderen læst højt med borgere",
        "group": "gruppe",
        "kind": "information_material",
        "purpose": "Giver sproget mening i hverdagen?",
        "start": "2025-03-01",
    }
    data.update(overrides)
    return initiatives.record_initiative(session, data, by=by)


def test_a_member_records_an_initiative_with_two_rounds_kept_in_its_history(
    session, member, create_actor
):
    actor = create_actor(name="Café Vinkeldammen", municipality="helsingor")
    need = needs.record_need(
        session, {"question": "Hvor kan man gå hen?", "group": "gruppe"}, by=None
    )
    initiative = _record(session, by=member, need_ids=[need.id], actor_ids=[actor.id])
    assert initiative.municipality_id is not None  # the group's
    session.commit()  # a version is raised once per transaction
    initiatives.add_round(
        session,
        initiative,
        {"held_on": "2025-04-01", "worked": "Ordene blev fundet", "adjust": "Ny forside"},
        initiative.version,
        by=member,
    )
    session.commit()
    initiatives.add_round(
        session,
        initiative,
        {"held_on": "2025-06-01", "did_not_work": "For lang"},
        initiative.version,
        by=member,
    )
    rounds = initiatives.rounds_of(session, initiative.id)
    assert [r.author_id for r in rounds] == [member.id, member.id]
    assert initiative.version == 3
    entries = changes_of(session, "initiative", initiative.id)
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[-1].after["rounds"][1]["did_not_work"] == "For lang"
    assert entries[0].after["need_ids"] == [need.id]


def test_a_stale_edit_is_refused_and_a_round_must_say_something(session, member):
    initiative = _record(session, by=member)
    session.commit()
    data = initiatives.input_of(
        session, {**initiative.model_dump(), "need_ids": [], "actor_ids": []}
    )
    initiatives.update_initiative(session, initiative, {**data, "title": "Ny titel"}, 1, by=member)
    with pytest.raises(StaleVersion):
        initiatives.update_initiative(
            session, initiative, {**data, "title": "Gammel"}, 1, by=member
        )
    with pytest.raises(ValidationFailed):
        initiatives.add_round(session, initiative, {"held_on": "2025-01-01"}, 2, by=member)


def test_cpr_numbers_and_unknown_kinds_are_refused(session, group):
    with pytest.raises(PrivacyViolation):
        _record(session, done="Borgeren 010203-1234 kom med")
    with pytest.raises(ValidationFailed) as refused:
        _record(session, kind="no_such_kind")
    assert "kind" in refused.value.errors


def test_drafts_are_seen_by_the_group_and_evaluators_published_by_everyone(
    session, member, create_user, group
):
    draft = _record(session, by=member)
    published = _record(session, by=member, title="Introduktionsbesøg", status="published")
    staff = create_user("staff@example.dk", "staff")
    evaluator = create_user()
    groups.create_group(session, {"slug": "anden", "name": "Anden gruppe"}, by=None)
    other = create_user("b@example.dk", "member", groups=["anden"])
    for who, seen in [
        (None, {published.id}),
        (staff, {published.id}),
        (other, {published.id}),
        (member, {draft.id, published.id}),
        (evaluator, {draft.id, published.id}),
    ]:
        found = initiatives.list_initiatives(session, initiatives.InitiativeFilters(), who)
        assert {line.initiative.id for line in found.items} == seen
    with pytest.raises(PermissionDenied):
        _record(session, by=other)


def test_an_outcome_names_initiatives_and_the_initiative_shows_its_outcomes_and_ties(
    session, member, create_harvest, create_actor, create_tie
):
    initiative = _record(session, by=member)
    harvest = create_harvest(group="gruppe")
    cafe = create_actor(name="Café", municipality="helsingor")
    choir = create_actor(name="Koret", municipality="helsingor")
    outcome = outcomes.record_outcome(
        session,
        harvest,
        {
            "title": "Caféen henviser til koret",
            "changed_actor_id": cafe.id,
            "change": "Caféen henviser nye gæster til koret.",
            "initiative_ids": [initiative.id],
        },
        by=member,
    )
    tie = create_tie(cafe, choir, kind="referral")
    outcomes.add_tie_evidence(session, outcome, tie, by=member)
    view = initiatives.initiative_view(session, initiative, member)
    assert [o.id for o in view.outcomes] == [outcome.id]
    assert [(t.tie.id, t.tie.form) for t in view.ties] == [(tie.id, "bonding")]
    assert initiatives.initiative_view(session, initiative, None).outcomes == []  # a draft
    groups_ = initiatives.initiatives_by_kind(session, None, member)
    assert [(g.kind.key, [v.initiative.id for v in g.initiatives]) for g in groups_] == [
        ("information_material", [initiative.id])
    ]
    # an edit that leaves initiative_ids out keeps them; one that sends [] removes them
    assert changes_of(session, "outcome", outcome.id)[0].after["initiative_ids"] == [initiative.id]
    with pytest.raises(ValidationFailed):
        outcomes.update_outcome(
            session,
            outcome,
            {
                "title": outcome.title,
                "changed_actor_id": cafe.id,
                "change": outcome.change,
                "initiative_ids": [9999],
            },
            outcome.version,
            by=member,
        )


def test_the_sheet_round_trip_changes_nothing_and_a_bad_row_imports_nothing(
    session, member, create_actor
):
    create_actor(name="Café Vinkeldammen", municipality="helsingor")
    _record(session, by=member, actor_ids=[])
    _record(session, by=member, title="Fælles kontaktperson", kind="shared_contact_person")
    session.commit()
    for fmt in ("csv", "xlsx"):
        content = initiative_sheets.export_sheet(session, member, "da", fmt)
        done = initiative_sheets.import_sheet(session, content, f"x.{fmt}", by=member)
        assert (done.created, done.updated, done.unchanged) == (0, 0, 2)
    sheet = (
        "id;title;group;kind;actors\r\n"
        "ny-1;Introduktionsbesøg hos koret;gruppe;introduction_visit;Café Vinkeldammen\r\n"
        "ny-2;x;gruppe;no_kind;Ukendt Aktør\r\n"
    ).encode()
    with pytest.raises(initiative_sheets.SheetRefused) as refused:
        initiative_sheets.import_sheet(session, sheet, "x.csv", by=member)
    assert {(row, column) for row, column, *_ in refused.value.report.problems} >= {
        (3, "actors"),
        (3, "title"),
    }
    assert len(session.scalars(select(Initiative)).all()) == 2
    good = sheet.decode().splitlines()[0:2]
    done = initiative_sheets.import_sheet(session, "\r\n".join(good).encode(), "x.csv", by=member)
    assert done.created == 1
    again = initiative_sheets.import_sheet(session, "\r\n".join(good).encode(), "x.csv", by=member)
    assert (again.created, again.unchanged) == (0, 1)


def test_kinds_are_an_editable_list_with_danish_defaults(session, create_user, group):
    kinds = initiatives.list_kinds(session)
    assert [k.label_da for k in kinds][:3] == [
        "Informationsmateriale",
        "Fælles aktivitet",
        "Introduktionsbesøg",
    ]
    evaluator = create_user()
    initiatives.save_kind(
        session,
        {"key": "peer_support", "label_da": "Peerstøtte", "label_en": "Peer support"},
        by=evaluator,
    )
    assert initiatives.kind_by_key(session, "peer_support").position == len(kinds) + 1
    member = create_user("m@example.dk", "member", groups=["gruppe"])
    with pytest.raises(PermissionDenied):
        initiatives.save_kind(session, {"key": "x_y", "label_da": "X", "label_en": "Y"}, by=member)


def test_an_outcome_cannot_name_another_groups_draft_initiative(
    session, member, create_user, create_harvest, create_actor
):
    groups.create_group(session, {"slug": "anden", "name": "Anden gruppe"}, by=None)
    other = create_user("b@example.dk", "member", groups=["anden"])
    hidden = _record(session, title="Den andens udkast", group="anden", by=other)
    shown = _record(session, title="Offentlig", group="anden", by=other, status="published")
    cafe = create_actor(name="Café", municipality="helsingor")
    values = {"title": "Caféen henviser", "changed_actor_id": cafe.id, "change": "Ny vane."}
    harvest = create_harvest(group="gruppe")
    with pytest.raises(ValidationFailed) as refused:
        outcomes.record_outcome(
            session, harvest, {**values, "initiative_ids": [hidden.id]}, by=member
        )
    assert "initiative_ids" in refused.value.errors
    outcome = outcomes.record_outcome(
        session, harvest, {**values, "initiative_ids": [shown.id]}, by=member
    )
    assert outcomes.initiative_ids(session, outcome) == [shown.id]
