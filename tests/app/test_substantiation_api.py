"""The substantiations resource: evaluators ask through the API and get the personal link once."""

import pytest

from harvest import accounts, substantiation

PERSON = {"name": "Mette Test", "email": "mette@example.dk", "role": "Leder af SIND"}
ANSWER = {
    "verdict_outcome": "fully_agree",
    "verdict_significance": "fully_agree",
    "verdict_contribution": "disagree",
}


@pytest.fixture
def api(session, create_user, create_harvest, create_outcome):
    harvest = create_harvest(slug="hel")
    outcome = create_outcome(harvest=harvest)
    outcome.status = "ready"
    tokens = {
        role: accounts.create_token(session, create_user(f"{role}@example.dk", role))
        for role in ("evaluator", "staff")
    }
    session.commit()
    return {
        "outcome": outcome,
        "headers": {r: {"Authorization": f"Bearer {t}"} for r, t in tokens.items()},
    }


def create(client, api, **overrides):
    data = {"outcome_id": api["outcome"].id, **PERSON, **overrides}
    return client.post("/api/v1/substantiations", json=data, headers=api["headers"]["evaluator"])


def test_create_answers_201_with_the_personal_link_once(client, api):
    response = create(client, api)
    assert response.status_code == 201
    body = response.json
    assert body["link"].startswith("http://localhost/s/")
    assert body["status"] == "pending" and body["role"] == "Leder af SIND"
    assert body["name"] == "Mette Test" and body["version"] == 1
    again = client.get(response.headers["Location"], headers=api["headers"]["evaluator"])
    assert again.status_code == 200 and "link" not in again.json
    path = body["link"].removeprefix("http://localhost")
    assert client.get(path).status_code == 200


def test_the_list_filters_by_outcome_harvest_and_status(client, api, session):
    create(client, api)
    answered = create(client, api, role="Formand").json
    token = answered["link"].rsplit("/", 1)[1]
    substantiation.answer(session, token, ANSWER)
    session.commit()
    headers = api["headers"]["evaluator"]
    everything = client.get("/api/v1/substantiations?harvest=hel", headers=headers).json
    assert everything["total"] == 2 and everything["next"] is None
    pending = client.get("/api/v1/substantiations?status=pending", headers=headers).json
    assert [i["role"] for i in pending["items"]] == ["Leder af SIND"]
    done = client.get(
        f"/api/v1/substantiations?outcome_id={api['outcome'].id}&status=answered", headers=headers
    ).json
    assert done["items"][0]["verdict_contribution"] == "disagree"
    paged = client.get("/api/v1/substantiations?per_page=1", headers=headers).json
    assert paged["total"] == 2 and paged["next"].endswith("page=2")
    unknown = client.get("/api/v1/substantiations?harvest=nope", headers=headers)
    assert unknown.status_code == 422 and "harvest" in unknown.json["errors"]


@pytest.mark.parametrize("path", ["/api/v1/substantiations", "/api/v1/substantiations/1"])
def test_other_roles_get_403_and_never_see_names(client, api, path):
    create(client, api)
    response = client.get(path, headers=api["headers"]["staff"])
    assert response.status_code == 403
    assert "Mette" not in response.get_data(as_text=True)
    posted = client.post(
        "/api/v1/substantiations",
        json={"outcome_id": api["outcome"].id, **PERSON},
        headers=api["headers"]["staff"],
    )
    assert posted.status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome_id": "x"}, "outcome_id"),
        ({"outcome_id": 999999}, "outcome_id"),
        ({"role": ""}, "role"),
        ({"email": "nope"}, "email"),
        ({"expires_in_days": 9999}, "expires_in_days"),
    ],
)
def test_bad_input_answers_422_per_field(client, api, data, field):
    response = create(client, api, **data)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_update_changes_role_revokes_and_refuses_a_stale_version(client, api):
    headers = api["headers"]["evaluator"]
    made = create(client, api).json
    url = f"/api/v1/substantiations/{made['id']}"
    changed = client.patch(url, json={"version": 1, "role": "Formand"}, headers=headers)
    assert changed.status_code == 200 and changed.json["role"] == "Formand"
    stale = client.patch(url, json={"version": 1, "role": "X"}, headers=headers)
    assert stale.status_code == 409 and stale.json["current"]["role"] == "Formand"
    revoked = client.patch(url, json={"version": 2, "status": "revoked"}, headers=headers)
    assert revoked.json["status"] == "revoked"
    assert client.get(made["link"].removeprefix("http://localhost")).status_code == 410
    reissued = client.patch(url, json={"version": 3, "reissue": True}, headers=headers)
    assert reissued.status_code == 200 and reissued.json["status"] == "pending"
    assert reissued.json["link"] != made["link"]
    bad = client.patch(url, json={"version": 4, "status": "answered"}, headers=headers)
    assert bad.status_code == 422


def test_substantiations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/substantiations"])
    assert {"get", "put", "patch"} <= set(paths["/api/v1/substantiations/{substantiation_id}"])
