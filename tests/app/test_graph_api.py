"""GET /api/v1/graph: nodes, ties with forms and evidence, metrics; filters; bad input is 422."""

import pytest

from harvest import accounts, outcomes


@pytest.fixture
def world(
    session,
    create_municipality,
    create_actor,
    create_tie,
    create_user,
    create_harvest,
    create_outcome,
):
    create_municipality()
    create_municipality("rodovre", "Rødovre")
    cafe = create_actor(
        name="Café", kind="municipal_service", sector="municipal", municipality="helsingor"
    )
    sind = create_actor(name="SIND", municipality="helsingor")
    club = create_actor(name="Klub", municipality="helsingor")
    other = create_actor(name="Rødovre-forening", municipality="rodovre")
    bridge = create_tie(cafe, sind, start="2024-05-01")
    create_tie(sind, club, start="2019-01-01")
    create_tie(other, club)
    harvest = create_harvest()
    final = create_outcome(harvest, status="final", actor=cafe)
    draft = create_outcome(harvest, status="draft", actor=cafe, title="Kladde")
    outcomes.add_tie_evidence(session, final, bridge, by=None)
    outcomes.add_tie_evidence(session, draft, bridge, by=None)
    staff = create_user("staff@example.dk", "staff")
    evaluator = create_user()
    tokens = {
        "staff": accounts.create_token(session, staff),
        "evaluator": accounts.create_token(session, evaluator),
    }
    session.commit()
    return {"bridge": bridge, "final": final, "draft": draft, "tokens": tokens, "cafe": cafe}


def _get(client, world, query="", role="staff"):
    return client.get(
        f"/api/v1/graph{query}", headers={"Authorization": f"Bearer {world['tokens'][role]}"}
    )


def test_graph_answers_nodes_ties_and_metrics(client, world):
    body = _get(client, world, "?municipality=helsingor").get_json()
    assert {n["name"] for n in body["nodes"]} == {"Café", "SIND", "Klub"}
    node = next(n for n in body["nodes"] if n["name"] == "Café")
    assert {"id", "name", "kind", "sector", "tier", "municipality", "metrics"} <= set(node)
    assert node["municipality"] == "helsingor"
    assert "betweenness" in node["metrics"]
    tie = next(t for t in body["ties"] if t["id"] == world["bridge"].id)
    assert {"id", "source_id", "target_id", "kind", "form", "start", "end", "evidence"} <= set(tie)
    assert tie["form"] == "bridging" and tie["start"] == "2024-05-01"
    assert tie["evidence"] == [world["final"].id]  # the draft is not the staff's to see
    assert body["metrics"]["betweenness_method"] == {"method": "exact"}


def test_evaluators_see_draft_evidence(client, world):
    body = _get(client, world, "?municipality=helsingor", role="evaluator").get_json()
    tie = next(t for t in body["ties"] if t["id"] == world["bridge"].id)
    assert set(tie["evidence"]) == {world["final"].id, world["draft"].id}


def test_filters_by_form_date_kind_and_sector(client, world):
    assert {t["form"] for t in _get(client, world, "?form=bonding").get_json()["ties"]} == {
        "bonding"
    }
    early = _get(client, world, "?municipality=helsingor&as_of=2024-01-01").get_json()
    assert world["bridge"].id not in {t["id"] for t in early["ties"]}
    services = _get(client, world, "?kind=municipal_service").get_json()
    assert [n["name"] for n in services["nodes"]] == ["Café"]
    civil = _get(client, world, "?sector=civil_society&sector=municipal").get_json()
    assert len(civil["nodes"]) == 4


@pytest.mark.parametrize(
    "query",
    [
        "?municipality=atlantis",
        "?as_of=yesterday",
        "?form=strong",
        "?kind=x",
        "?sector=%00",
        "?as_of=2024-02-30",
    ],
)
def test_bad_filters_answer_422_or_400_never_500(client, world, query):
    response = _get(client, world, query)
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        assert "errors" in response.get_json()


def test_graph_needs_a_token(client, world):
    assert client.get("/api/v1/graph").status_code == 401


def test_graph_is_in_the_openapi_document(client, world):
    doc = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in doc["paths"]["/api/v1/graph"]["get"]["parameters"]}
    assert params == {"municipality", "as_of", "form", "kind", "sector"}
