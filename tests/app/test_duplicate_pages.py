"""Possible duplicates in the browser's terms: flagged after a save, compared, judged."""

import pytest

from harvest.models import ImplementationGroup, Outcome
from tests.app.test_outcome_pages import login, record


@pytest.fixture
def setup(session, create_harvest, create_actor, create_user, create_municipality):
    municipality = create_municipality()
    for slug in ("helsingor", "andre"):
        session.add(ImplementationGroup(slug=slug, name=slug, municipality_id=municipality.id))
    session.flush()
    harvest = create_harvest(slug="hel", group="helsingor")
    cafe = create_actor(
        name="Café Vinkeldammen",
        kind="municipal_service",
        sector="municipal",
        municipality="helsingor",
    )
    sind = create_actor(name="SIND Helsingør", municipality="helsingor")
    create_user(email="medlem@example.dk", role="member", groups=["helsingor"])
    create_user(email="fremmed@example.dk", role="member", groups=["andre"])
    create_user(email="evaluator@example.dk", role="evaluator")
    create_user(email="staff@example.dk", role="staff")
    session.commit()
    return {"harvest": harvest, "cafe": cafe, "sind": sind}


def _pair(client, setup):
    login(client, "medlem@example.dk")
    first = int(record(client, setup).headers["Location"].rsplit("/", 1)[1])
    # pasted from Word: an en dash and a no-break space
    response = record(
        client, setup, title="Café Vinkeldammen henviser til SIND \u2013 ny\u00a0praksis"
    )
    second = int(response.headers["Location"].rsplit("/", 1)[1])
    return first, second, response


def test_a_save_that_looks_like_an_outcome_already_there_is_flagged(client, setup):
    first, second, response = _pair(client, setup)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{first}" in page and "duplicate" in page.lower()
    assert f"/outcomes/{second}/duplicates/{first}" in page
    listing = client.get("/harvests/hel").get_data(as_text=True)
    assert "possible duplicate" in listing or "mulig dublet" in listing


def test_the_compare_page_shows_both_and_what_differs_in_words(client, setup):
    first, second, _ = _pair(client, setup)
    page = client.get(f"/outcomes/{second}/duplicates/{first}?lang=en").get_data(as_text=True)
    assert "Differs" in page and "Same" in page
    assert "Not a duplicate" in page and "Merge" in page


def test_not_a_duplicate_is_remembered_and_the_flag_goes(client, setup):
    first, second, _ = _pair(client, setup)
    client.post(f"/outcomes/{second}/duplicates/{first}/dismiss", data={"version": "1"})
    page = client.get(f"/outcomes/{second}?lang=en").get_data(as_text=True)
    assert "Possibly a duplicate" not in page


def test_an_evaluator_merges_and_the_other_is_withdrawn(client, setup, session):
    first, second, _ = _pair(client, setup)
    client.post("/logout")
    login(client, "evaluator@example.dk")
    response = client.post(
        f"/outcomes/{second}/duplicates/{first}/merge",
        data={"version": "1", "other_version": "1", "keep": str(first)},
    )
    assert response.headers["Location"].endswith(f"/outcomes/{first}")
    session.expire_all()
    assert session.get(Outcome, second).status == "withdrawn"
    page = client.get(f"/outcomes/{second}?lang=en").get_data(as_text=True)
    assert "Merged into" in page and f"/outcomes/{first}" in page


def test_a_stale_merge_gets_a_clear_message(client, setup, session):
    first, second, _ = _pair(client, setup)
    response = client.post(
        f"/outcomes/{second}/duplicates/{first}/merge?lang=en",
        data={"version": "0", "other_version": "1", "keep": str(first)},
        follow_redirects=True,
    )
    assert "changed meanwhile" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Outcome, second).status == "draft"


def test_others_cannot_see_or_judge_a_groups_drafts(client, setup):
    first, second, _ = _pair(client, setup)
    for email in ("fremmed@example.dk", "staff@example.dk"):
        client.post("/logout")
        login(client, email)
        assert client.get(f"/outcomes/{second}/duplicates/{first}").status_code == 404
        merge = client.post(
            f"/outcomes/{second}/duplicates/{first}/merge",
            data={"version": "1", "other_version": "1", "keep": str(first)},
        )
        assert merge.status_code in (403, 404)
    client.post("/logout")
    assert client.get(f"/outcomes/{second}/duplicates/{first}").status_code == 404
