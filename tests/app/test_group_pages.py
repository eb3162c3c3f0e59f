"""The group page: who was invited, who joined and who left, the group on the map; the
group's own members and evaluators keep that history, others only read it."""

from sqlmodel import select

from harvest import accounts, actors
from harvest.models import GroupActor
from tests.conftest import PASSWORD


def _login(client, session, create_user, email, role, **extra):
    create_user(email=email, role=role, **extra)
    session.commit()
    client.post("/login", data={"email": email, "password": PASSWORD})


def test_staff_read_the_demo_groups_history_and_find_it_on_the_map(
    client, session, create_user, demo_data
):
    _login(client, session, create_user, "staff@example.dk", "staff")
    page = client.get("/grupper/fredericia").get_data(as_text=True)
    assert "Implementeringsgruppen i Fredericia" in page
    assert "Deltagere i peer-grupper" in page or "peer" in page
    assert "Inviteret" in page and "Trådte ind" in page
    group_actor = actors.actor_by_slug(session, "fre-implementeringsgruppen")
    assert f"/kort/?municipality=fredericia&amp;focus={group_actor.id}" in page
    assert "Tilføj en aktør" not in page
    assert client.get("/grupper/fredericia/aktoerer/ny").status_code == 403
    assert client.get("/grupper/atlantis").status_code == 404


def test_a_member_adds_an_actor_then_records_that_it_joined(
    client, session, create_user, demo_data
):
    _login(client, session, create_user, "ny@example.dk", "member", groups=["helsingor"])
    library = actors.actor_by_slug(session, "hel-bibliotek-kulturvaerftet")
    response = client.post(
        "/grupper/helsingor/aktoerer/ny",
        data={"actor_id": str(library.id), "role": "municipal", "invited": "2025-02-03"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/grupper/helsingor")
    session.commit()  # end the test's read snapshot, to see the app's write
    group = accounts.group_by_slug(session, "helsingor")
    place = session.exec(
        select(GroupActor).where(GroupActor.group_id == group.id, GroupActor.actor_id == library.id)
    ).one()
    page = client.get("/grupper/helsingor").get_data(as_text=True)
    assert "Biblioteket" in page or library.name in page
    response = client.post(
        f"/grupper/helsingor/aktoerer/{place.id}",
        data={
            "actor_id": str(library.id),
            "role": "municipal",
            "invited": "2025-02-03",
            "joined": "2025-03-03",
            "version": place.version,
        },
    )
    assert response.status_code == 302
    timeline = client.get("/grupper/helsingor").get_data(as_text=True).split("group-timeline")[1]
    assert f"2025-03-03</time>: Trådte ind – {library.name}" in timeline
    stale = client.post(
        f"/grupper/helsingor/aktoerer/{place.id}",
        data={
            "actor_id": str(library.id),
            "role": "municipal",
            "invited": "2025-01-01",
            "version": 1,
        },
    )
    assert stale.status_code == 409
    other = client.get("/grupper/kobenhavn/aktoerer/ny")
    assert other.status_code == 403


def test_bad_dates_and_a_named_citizen_are_refused_clearly(client, session, create_user, demo_data):
    _login(client, session, create_user, "evaluator@example.dk", "evaluator")
    library = actors.actor_by_slug(session, "hel-bibliotek-kulturvaerftet")
    before = len(session.exec(select(GroupActor)).all())
    session.commit()
    for data, message in [
        ({"invited": "3. februar"}, "Enter a date as YYYY-MM-DD."),
        (
            {"invited": "2025-02-03", "joined": "2025-01-01"},
            "It cannot join before it was invited.",
        ),
        ({"role": "citizen_representative", "joined": "2025-01-01"}, "anonymous citizen group"),
        ({"invited": "2025-02-03", "note": "Hans 211062-5629"}, "CPR"),
    ]:
        response = client.post(
            "/grupper/helsingor/aktoerer/ny?lang=en",
            data={"actor_id": str(library.id), "role": "municipal", **data},
        )
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    session.commit()
    assert len(session.exec(select(GroupActor)).all()) == before
