"""What issue 13's smaller defects looked like to a user, and how they read now: resolved
review threads, a significance rating on the form, a history in words, one advice line,
inline actors in the group's municipality, a confirmed withdrawal, Danish text in Danish."""

import re

from babel.messages.pofile import read_po
from sqlmodel import select

from harvest import coding
from harvest.models import Actor, ImplementationGroup, Outcome, OutcomeComment
from tests.app.test_outcome_pages import login, record, setup  # noqa: F401 (the fixture)


def _recorded(client, setup, **overrides) -> int:  # noqa: F811
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
    assert (
        '<input checked id="significance_rating-0" name="significance_rating" type="radio" value="">'
        in form
    )
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
    setup["member"]  # the member of helsingor writes here too
    from harvest.models import GroupMembership

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
