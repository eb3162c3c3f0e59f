"""The API's information needs: who asks and about what, with citizens when a client leaves
the asker out; version-checked edits; the same access rules as the pages."""

import pytest

from harvest import accounts, groups


@pytest.fixture
def world(session, create_user, create_municipality, create_actor):
    create_municipality()
    groups.create_group(
        session, {"slug": "nord", "name": "Nord", "municipality": "helsingor"}, by=None
    )
    groups.create_group(session, {"slug": "syd", "name": "Syd"}, by=None)
    actor = create_actor(name="SIND Helsingør", municipality="helsingor")
    users = {
        "member": create_user("nord@example.dk", "member", groups=["nord"]),
        "other": create_user("syd@example.dk", "member", groups=["syd"]),
        "staff": create_user("staff@example.dk", "staff"),
    }
    tokens = {role: accounts.create_token(session, user) for role, user in users.items()}
    session.commit()
    return {"actor": actor, "tokens": tokens}


def _auth(world, role):
    return {"Authorization": f"Bearer {world['tokens'][role]}"}


def test_a_client_that_leaves_out_the_asker_records_a_citizens_need(client, world):
    response = client.post(
        "/api/v1/needs",
        json={"question": "Hvor kan man synge?", "group": "nord"},
        headers=_auth(world, "member"),
    )
    assert response.status_code == 201
    assert response.json["asker"] == "citizens" and response.json["answered"] is False
    assert response.headers["Location"].endswith(f"/api/v1/needs/{response.json['id']}")


def test_the_asker_and_the_subject_round_trip_and_filter_the_list(client, world):
    body = {
        "question": "Er de frivillige uddannet og under supervision?",
        "asker": "municipality",
        "about_actor_id": world["actor"].id,
        "about": "frivilliges uddannelse",
        "group": "nord",
        "municipality": "helsingor",
    }
    made = client.post("/api/v1/needs", json=body, headers=_auth(world, "member")).json
    client.post(
        "/api/v1/needs",
        json={"question": "Hvor er der gåture?", "group": "nord"},
        headers=_auth(world, "member"),
    )
    shown = client.get(f"/api/v1/needs/{made['id']}", headers=_auth(world, "staff")).json
    assert {k: shown[k] for k in body} == body
    listed = client.get("/api/v1/needs?asker=municipality", headers=_auth(world, "staff")).json
    assert [item["id"] for item in listed["items"]] == [made["id"]] and listed["total"] == 1
    bad = client.get("/api/v1/needs?asker=borgmester", headers=_auth(world, "staff"))
    assert bad.status_code == 422 and "asker" in bad.json["errors"]


def test_an_edit_keeps_what_it_leaves_out_and_a_stale_one_answers_409(client, world):
    made = client.post(
        "/api/v1/needs",
        json={"question": "Hvem henviser?", "asker": "civil_society", "group": "nord"},
        headers=_auth(world, "member"),
    ).json
    url = f"/api/v1/needs/{made['id']}"
    edit = {"answer_note": "Jobcentrets kontaktperson.", "note_answers": True, "version": 1}
    response = client.patch(url, json=edit, headers=_auth(world, "member"))
    assert response.status_code == 200
    assert response.json["asker"] == "civil_society" and response.json["answered"] is True
    stale = client.patch(url, json={"about": "igen", "version": 1}, headers=_auth(world, "member"))
    assert stale.status_code == 409
    refused = client.patch(url, json={"version": 2}, headers=_auth(world, "other"))
    assert refused.status_code == 403
    assert client.post("/api/v1/needs", json={}, headers=_auth(world, "staff")).status_code == 403


def test_the_openapi_document_describes_the_needs_with_the_asker(client):
    document = client.get("/api/v1/openapi.json").json
    assert "/api/v1/needs" in document["paths"]
    schemas = document["components"]["schemas"]
    assert "asker" in schemas["NeedPublic"]["properties"]
    assert "asker" not in schemas["NeedCreate"].get("required", [])
