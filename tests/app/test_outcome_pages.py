"""The implementation group's workflow in the browser's terms: record, find, review, move, edit."""

import re

import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from harvest import coding, history
from harvest.models import (
    Actor,
    ChangeRecord,
    GroupMembership,
    ImplementationGroup,
    Outcome,
    OutcomeComment,
    Tie,
)
from tests.conftest import PASSWORD


@pytest.fixture
def setup(session, create_harvest, create_actor, create_user, create_municipality):
    municipality = create_municipality()
    group = ImplementationGroup(
        slug="helsingor", name="Implementeringsgruppen i Helsingør", municipality_id=municipality.id
    )
    session.add(group)
    session.flush()
    harvest = create_harvest(slug="hel", group="helsingor")
    cafe = create_actor(
        name="Café Vinkeldammen",
        kind="municipal_service",
        sector="municipal",
        municipality="helsingor",
    )
    sind = create_actor(name="SIND Helsingør", municipality="helsingor")
    member = create_user(email="medlem@example.dk", role="member", groups=["helsingor"])
    create_user(email="anden@example.dk", role="member", groups=[]) if False else None
    session.commit()
    return {"harvest": harvest, "cafe": cafe, "sind": sind, "member": member, "group": group}


def login(client, email):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def record(client, setup, **overrides):
    data = {
        "title": "Café Vinkeldammen henviser til SIND",
        "changed_actor_id": str(setup["cafe"].id),
        "change": (
            "Fra september 2025 henviser caféens medarbejdere nye brugere til SIND's samtalegruppe."
        ),
        "when_start": "2025-09-01",
        "where": "Helsingør",
        "significance": "Brugerne får et fællesskab uden for kommunen.",
        "contribution": "Implementeringsgruppen satte caféen og SIND i forbindelse.",
        "contributor_ids": [str(setup["sind"].id)],
        "status": "draft",
        "type_of_change": "practice",
        "social_capital_form": "bridging",
    }
    data.update(overrides)
    return client.post(f"/harvests/{setup['harvest'].slug}/outcomes/new", data=data)


def test_member_records_an_outcome_and_finds_it_by_a_word(client, setup, session):
    login(client, "medlem@example.dk")
    response = record(client, setup)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Café Vinkeldammen henviser til SIND" in page
    assert "samtalegruppe" in page and "SIND Helsingør" in page
    found = client.get("/harvests/hel?q=samtalegruppe").get_data(as_text=True)
    assert "Café Vinkeldammen henviser til SIND" in found


def test_drafts_are_hidden_from_the_public(client, setup):
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    client.post("/logout")
    assert client.get(location).status_code == 404
    assert "henviser til SIND" not in client.get("/outcomes?q=samtalegruppe").get_data(as_text=True)


def test_cpr_number_never_reaches_the_database(client, setup, session):
    login(client, "medlem@example.dk")
    response = record(client, setup, sources="Borger 010190-1234 fortalte det")
    assert response.status_code == 422
    assert "CPR-nummer" in response.get_data(as_text=True)
    assert session.exec(select(Outcome)).all() == []
    assert not any("010190" in str(r.after) for r in session.exec(select(ChangeRecord)))


def test_contact_details_need_confirmation(client, setup, session):
    login(client, "medlem@example.dk")
    response = record(client, setup, sources="Skriv til leder@cafe.example.dk")
    assert response.status_code == 422
    assert "e-mailadresse" in response.get_data(as_text=True)
    assert (
        record(
            client, setup, sources="Skriv til leder@cafe.example.dk", confirm_warnings="y"
        ).status_code
        == 302
    )


def test_a_missing_actor_can_be_added_inline(client, setup, session):
    login(client, "medlem@example.dk")
    response = record(
        client,
        setup,
        changed_actor_id="",
        new_actor_name="Helsingør Kor",
        new_actor_kind="association",
    )
    assert response.status_code == 302
    outcome = session.exec(select(Outcome)).one()
    assert outcome.changed_actor_id is not None


def test_member_cannot_write_for_another_group(client, setup, session, create_user):
    other = ImplementationGroup(slug="andre", name="Andre")
    session.add(other)
    session.flush()
    create_user(email="fremmed@example.dk", role="member", groups=["andre"])
    session.commit()
    login(client, "fremmed@example.dk")
    assert record(client, setup).status_code == 403


def test_status_moves_step_by_step_and_is_recorded(client, setup, session):
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    outcome_id = int(location.rsplit("/", 1)[1])
    response = client.post(
        f"/outcomes/{outcome_id}/status", data={"status": "reviewed", "version": "1"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Outcome, outcome_id).status == "reviewed"
    # members cannot make an outcome final; evaluators can, step by step
    assert (
        client.post(
            f"/outcomes/{outcome_id}/status", data={"status": "final", "version": "2"}
        ).status_code
        == 403
    )
    changes = history.changes_of(session, "outcome", outcome_id)
    assert changes[-1].before["status"] == "draft" and changes[-1].after["status"] == "reviewed"
    assert changes[-1].user_id == setup["member"].id


def test_stale_save_shows_both_versions_and_loses_neither(client, setup, session):
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    outcome_id = int(location.rsplit("/", 1)[1])
    form = client.get(f"/outcomes/{outcome_id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    base = {
        "title": "Café Vinkeldammen henviser til SIND",
        "changed_actor_id": str(setup["cafe"].id),
        "change": "Første redigering af teksten.",
        "when_start": "2025-09-01",
        "version": "1",
    }
    assert client.post(f"/outcomes/{outcome_id}/edit", data=base).status_code == 302
    stale = client.post(
        f"/outcomes/{outcome_id}/edit", data={**base, "change": "Anden redigering, samtidig."}
    )
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Første redigering af teksten." in page and "Anden redigering, samtidig." in page
    session.expire_all()
    assert session.get(Outcome, outcome_id).change == "Første redigering af teksten."


def test_history_shows_what_changed(client, setup):
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    outcome_id = int(location.rsplit("/", 1)[1])
    client.post(
        f"/outcomes/{outcome_id}/edit",
        data={
            "title": "Ny overskrift",
            "changed_actor_id": str(setup["cafe"].id),
            "change": "Fra september 2025 henviser caféens medarbejdere nye brugere til SIND.",
            "when_start": "2025-09-01",
            "version": "1",
        },
    )
    page = client.get(location).get_data(as_text=True)
    assert re.search(
        r"<del>Café Vinkeldammen henviser til SIND</del>.*<ins>Ny overskrift</ins>", page, re.S
    )


def test_review_comments_form_a_thread(client, setup):
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    outcome_id = int(location.rsplit("/", 1)[1])
    client.post(
        f"/outcomes/{outcome_id}/comments",
        data={"part": "significance", "body": "Hvordan ved vi det?"},
    )
    page = client.get(location).get_data(as_text=True)
    parent = re.search(r'name="parent_id" value="(\d+)"', page).group(1)
    client.post(
        f"/outcomes/{outcome_id}/comments",
        data={"parent_id": parent, "body": "Teamlederen bekræftede det."},
    )
    page = client.get(location).get_data(as_text=True)
    assert "Hvordan ved vi det?" in page and "Teamlederen bekræftede det." in page


def test_outcome_can_evidence_a_new_tie_and_join_a_chain(client, setup, session):
    login(client, "medlem@example.dk")
    first = int(record(client, setup).headers["Location"].rsplit("/", 1)[1])
    second = int(
        record(client, setup, title="SIND åbner samtalegruppen")
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    tie_data = {
        "source_id": str(setup["cafe"].id),
        "target_id": str(setup["sind"].id),
        "kind": "referral",
        "start": "2025-09-01",
        "strength": "2",
    }
    stale = client.post(f"/outcomes/{first}/ties", data={**tie_data, "version": "0"})
    assert stale.status_code == 409
    assert session.exec(select(Tie)).all() == []
    session.rollback()  # end the test's read, so it sees what the app commits next
    client.post(f"/outcomes/{first}/ties", data={**tie_data, "version": "1"})
    tie = session.exec(select(Tie)).one()
    assert tie.form == "bridging"
    # The evidenced tie is part of the outcome: its version rose, so version 1 is stale now.
    link = {"other_id": str(second), "direction": "to"}
    assert client.post(f"/outcomes/{first}/links", data={**link, "version": "1"}).status_code == 409
    client.post(f"/outcomes/{first}/links", data={**link, "version": "2"})
    page = client.get(f"/outcomes/{second}").get_data(as_text=True)
    assert "Café Vinkeldammen henviser til SIND" in page


def test_markdown_is_rendered_safely(client, setup):
    login(client, "medlem@example.dk")
    location = record(
        client,
        setup,
        change=(
            "**Fed** tekst <script>alert(1)</script> [klik](javascript:alert(1)) "
            '<img src=x onerror="alert(1)">'
        ),
    ).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "<strong>Fed</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page


def test_the_outcome_page_gives_gentle_advice(client, setup):
    login(client, "medlem@example.dk")
    location = record(
        client,
        setup,
        change="Vi holdt et møde med foreningerne.",
        when_start="2019-01-01",
        significance="",
    ).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Råd om beskrivelsen" in page
    assert "før høstperioden" in page or "before the harvest period" in page
    assert "ikke endnu" in page


def test_chains_show_only_outcomes_the_viewer_may_see(client, setup, session, create_outcome):
    from harvest import outcomes

    public = create_outcome(
        setup["harvest"], actor=setup["cafe"], title="Offentlig", status="final"
    )
    draft = create_outcome(setup["harvest"], actor=setup["cafe"], title="Hemmelig kladde")
    outcomes.link_outcomes(session, public, draft, by=None)
    session.commit()
    page = client.get(f"/outcomes/{public.id}").get_data(as_text=True)
    assert "Hemmelig kladde" not in page
    login(client, "medlem@example.dk")
    assert "Hemmelig kladde" in client.get(f"/outcomes/{public.id}").get_data(as_text=True)


# --- issue 13's smaller defects, as a user saw them ------------------------------


def _recorded(client, setup, **overrides) -> int:
    login(client, "medlem@example.dk")
    response = record(client, setup, **overrides)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_review_thread_is_resolved_collapsed_and_reopened_with_who_and_when(
    client, setup, session, create_user
):
    outcome_id = _recorded(client, setup)
    client.post(
        f"/outcomes/{outcome_id}/comments",
        data={"part": "significance", "body": "Hvordan ved vi det?"},
    )
    comment = session.exec(select(OutcomeComment)).one()
    response = client.post(
        f"/outcomes/{outcome_id}/comments/{comment.id}/resolution", data={"resolved": "yes"}
    )
    assert response.status_code == 302
    page = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    thread = page[page.index(f'id="comment-{comment.id}"') :]
    assert re.match(r'id="comment-\d+">\s*<details><summary>Løst: Hvordan ved vi det\?', thread)
    assert "Hvordan ved vi det?</p>" in thread  # still readable inside
    assert "Løst af" in thread and "Genåbn kommentaren" in thread
    session.rollback()  # a fresh read of what the requests committed
    stored = session.get(OutcomeComment, comment.id)
    assert stored.resolved and stored.resolved_by_id == setup["member"].id
    assert stored.resolved_at is not None

    create_user(email="evaluator@example.dk", role="evaluator")
    session.commit()
    client.post("/logout")
    login(client, "evaluator@example.dk")
    client.post(f"/outcomes/{outcome_id}/comments/{comment.id}/resolution", data={"resolved": "no"})
    page = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    thread = page[page.index(f'id="comment-{comment.id}"') :]
    assert "<details>" not in thread[:200]
    assert "Løst af" in thread and "Genåbnet af" in thread
    assert "Markér som løst" in thread


def test_a_member_of_another_group_cannot_resolve(client, setup, session, create_user):
    outcome_id = _recorded(client, setup)
    client.post(f"/outcomes/{outcome_id}/comments", data={"part": "general", "body": "Kilde?"})
    comment = session.exec(select(OutcomeComment)).one()
    other = ImplementationGroup(slug="andre", name="Andre")
    session.add(other)
    session.flush()
    create_user(email="fremmed@example.dk", role="member", groups=["andre"])
    session.commit()
    client.post("/logout")
    login(client, "fremmed@example.dk")
    response = client.post(
        f"/outcomes/{outcome_id}/comments/{comment.id}/resolution", data={"resolved": "yes"}
    )
    assert response.status_code in (403, 404)
    session.rollback()  # a fresh read of what the requests committed
    assert not session.get(OutcomeComment, comment.id).resolved


def test_a_member_rates_significance_on_the_form_and_the_evaluator_sees_it(client, setup, session):
    login(client, "medlem@example.dk")
    form = client.get(f"/harvests/{setup['harvest'].slug}/outcomes/new").get_data(as_text=True)
    assert "<legend>Hvor betydningsfuld er forandringen?</legend>" in form
    assert re.search(r'<label for="significance_rating-0">Ikke vurderet</label>', form)
    first = '<input checked id="significance_rating-0" name="significance_rating" type="radio"'
    assert first + ' value="">' in form  # "not rated" is chosen until someone rates
    outcome_id = _recorded(client, setup, significance_rating="high")
    assert coding.codes_for_outcome(session, outcome_id)["significance_rating"] == ["high"]
    edit = client.get(f"/outcomes/{outcome_id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked id="significance_rating-\d" [^>]*value="high"', edit)
    page = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    assert re.search(r"<dt>Betydning</dt><dd>Høj</dd>", page)
    # "not rated" takes the rating away again, in a new version of the outcome
    client.post(
        f"/outcomes/{outcome_id}/edit",
        data={
            "title": "Café Vinkeldammen henviser til SIND",
            "changed_actor_id": str(setup["cafe"].id),
            "change": "Fra september 2025 henviser caféens medarbejdere nye brugere til SIND.",
            "when_start": "2025-09-01",
            "significance_rating": "",
            "version": "1",
        },
    )
    session.rollback()  # a fresh read of what the requests committed
    assert "significance_rating" not in coding.codes_for_outcome(session, outcome_id)
    assert session.get(Outcome, outcome_id).version == 2


def test_the_history_speaks_in_labels_and_names(client, setup):
    outcome_id = _recorded(client, setup)
    client.post(f"/outcomes/{outcome_id}/status", data={"status": "reviewed", "version": "1"})
    client.post(
        f"/outcomes/{outcome_id}/edit",
        data={
            "title": "Café Vinkeldammen henviser til SIND",
            "changed_actor_id": str(setup["sind"].id),
            "change": "Fra september 2025 henviser caféens medarbejdere nye brugere til SIND.",
            "when_start": "2025-09-01",
            "version": "2",
        },
    )
    page = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    history = page[page.index('id="history"') :]
    assert re.search(
        r'<th scope="row">Status</th><td><del>Kladde</del></td><td><ins>Gennemgået</ins>', history
    )
    assert re.search(
        r'<th scope="row">Den sociale aktør, der ændrede sig</th><td><del>Café Vinkeldammen'
        r"</del></td><td><ins>SIND Helsingør</ins>",
        history,
    ) or re.search(r"<del>Café Vinkeldammen</del></td><td><ins>SIND Helsingør</ins>", history)
    assert "reviewed" not in history and "changed_actor_id" not in history
    english = client.get(f"/outcomes/{outcome_id}?lang=en").get_data(as_text=True)
    assert "<del>Draft</del></td><td><ins>Reviewed</ins>" in english


def test_the_same_advice_shows_once(client, setup):
    outcome_id = _recorded(
        client, setup, title="Vi holdt et møde", change="Vi holdt et møde med foreningerne."
    )
    page = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    assert page.count("Det lyder som noget, gruppen selv har gjort") == 1


def test_an_actor_added_inline_lands_in_the_groups_municipality(
    client, setup, session, create_harvest, create_municipality
):
    # a harvest of a group that got its municipality only after the harvest was designed
    group = ImplementationGroup(slug="senere", name="Gruppen der flyttede")
    session.add(group)
    session.flush()
    harvest = create_harvest(slug="senere", group="senere")
    group.municipality_id = setup["group"].municipality_id
    session.add(GroupMembership(user_id=setup["member"].id, group_id=group.id))
    session.commit()
    assert harvest.municipality_id is None
    login(client, "medlem@example.dk")
    response = client.post(
        "/harvests/senere/outcomes/new",
        data={
            "title": "Koret låner lokaler ud",
            "new_actor_name": "Helsingør Nye Kor",
            "new_actor_kind": "association",
            "new_actor_sector": "civil_society",
            "new_actor_tier": "2",
            "change": "Koret låner nu sine lokaler ud til peer-gruppen hver tirsdag aften.",
            "status": "draft",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    actor = session.exec(select(Actor).where(Actor.name == "Helsingør Nye Kor")).one()
    assert actor.municipality_id == setup["group"].municipality_id


def test_withdrawing_asks_for_confirmation_first(client, setup, session):
    outcome_id = _recorded(client, setup)
    page = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    assert "Flyt til: Trukket tilbage" in page
    asked = client.post(
        f"/outcomes/{outcome_id}/status", data={"status": "withdrawn", "version": "1"}
    )
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Vil du trække forandringen tilbage?" in text and "Ja, træk forandringen tilbage" in text
    session.rollback()  # a fresh read of what the requests committed
    assert session.get(Outcome, outcome_id).status == "draft"
    done = client.post(
        f"/outcomes/{outcome_id}/status",
        data={"status": "withdrawn", "version": "1", "confirm": "yes"},
    )
    assert done.status_code == 302
    session.rollback()  # a fresh read of what the requests committed
    assert session.get(Outcome, outcome_id).status == "withdrawn"


def test_danish_text_says_forandring_not_outcome():
    with open("app/translations/da/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = read_po(po)
    english = []
    for message in catalogue:
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        text = re.sub(r"%\(\w+\)s|Outcome Harvesting", "", text or "")
        if re.search(r"\boutcome", text, re.I):
            english.append(text)
    assert english == []
