"""The JSON API under /api/v1: tokens, list shape and filters, writes, conflicts, bad input."""

from types import SimpleNamespace

import pytest
import sqlalchemy

from harvest import accounts, coding, groups
from harvest.models import ApiToken

CPR_TEXT = "Borgeren 211062-5629 deltog"


@pytest.fixture
def world(session, create_user, create_municipality, create_harvest, create_actor):
    """Two municipalities and groups, a harvest each, users of every role with tokens."""
    helsingor = create_municipality()
    create_municipality("fredericia", "Fredericia")
    north = groups.create_group(
        session, {"slug": "nord", "name": "Nord", "municipality": "helsingor"}, by=None
    )
    south = groups.create_group(
        session, {"slug": "syd", "name": "Syd", "municipality": "fredericia"}, by=None
    )
    w = SimpleNamespace(municipality=helsingor, north=north, south=south)
    w.harvest_north = create_harvest("nord-2025", group="nord")
    w.harvest_south = create_harvest("syd-2025", group="syd")
    w.actor = create_actor(name="Biblioteket", municipality="helsingor", tags=["lokaler"])
    users = {
        "admin": create_user("admin@example.dk", "admin"),
        "evaluator": create_user("evaluator@example.dk", "evaluator"),
        "member": create_user("nord@example.dk", "member", groups=["nord"]),
        "other": create_user("syd@example.dk", "member", groups=["syd"]),
        "staff": create_user("staff@example.dk", "staff"),
    }
    w.users = users
    w.tokens = {role: accounts.create_token(session, user) for role, user in users.items()}
    session.commit()
    return w


def auth(world, role):
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def outcome_body(world, **overrides):
    body = {
        "harvest": "nord-2025",
        "title": "Biblioteket åbner om tirsdagen",
        "changed_actor_id": world.actor.id,
        "change": "Biblioteket låner nu et lokale ud til foreningen hver tirsdag.",
        "when": "2025-03-01",
    }
    body.update(overrides)
    return body


# --- tokens -------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc", "brobyg_x"])
def test_missing_or_bad_token_answers_401_with_challenge(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/actors", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["error"]


def test_using_a_token_records_its_last_use(client, world, session):
    response = client.get("/api/v1/actors", headers=auth(world, "staff"))
    assert response.status_code == 200
    session.expire_all()
    tokens = session.scalars(sqlalchemy.select(ApiToken)).all()
    used = [t.last_used_at for t in tokens if t.last_used_at]
    assert len(used) == 1


def test_openapi_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")


# --- lists --------------------------------------------------------------------------


def test_list_pages_with_next_links_keeping_the_filters(client, world, create_actor, session):
    for n in range(4):
        create_actor(name=f"Klub {n}", municipality="helsingor")
    session.commit()
    url = "/api/v1/actors?municipality=helsingor&per_page=2"
    first = client.get(url, headers=auth(world, "staff")).json
    assert set(first) == {"items", "total", "next", "total_is_lower_bound"}
    assert first["total_is_lower_bound"] is False
    assert first["total"] == 5 and len(first["items"]) == 2
    assert first["next"].startswith("http://localhost/api/v1/actors?")
    assert "municipality=helsingor" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"], headers=auth(world, "staff")).json
    third = client.get(second["next"], headers=auth(world, "staff")).json
    assert len(third["items"]) == 1 and third["next"] is None
    names = [a["name"] for page in (first, second, third) for a in page["items"]]
    assert len(set(names)) == 5


def test_per_page_is_capped(client, world, create_actor, session):
    for n in range(105):
        create_actor(name=f"Forening nr {n}")
    session.commit()
    page = client.get("/api/v1/actors?per_page=100000", headers=auth(world, "staff")).json
    assert page["total"] == 106 and len(page["items"]) == 100 and page["next"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/actors?page=abc", "page"),
        ("/api/v1/actors?page=0", "page"),
        ("/api/v1/actors?per_page=-3", "per_page"),
        ("/api/v1/actors?kind=spaceship", "kind"),
        ("/api/v1/actors?tier=7", "tier"),
        ("/api/v1/actors?municipality=atlantis", "municipality"),
        ("/api/v1/ties?as_of=yesterday", "as_of"),
        ("/api/v1/ties?actor_id=x", "actor_id"),
        ("/api/v1/ties?form=glue", "form"),
        ("/api/v1/outcomes?status=done", "status"),
        ("/api/v1/outcomes?from=2025-13-01", "from"),
        ("/api/v1/outcomes?harvest=nope", "harvest"),
        ("/api/v1/outcomes?type_of_change=magic", "type_of_change"),
        ("/api/v1/harvests?group=nope", "group"),
        ("/api/v1/groups?municipality=nope", "municipality"),
    ],
)
def test_bad_list_parameters_answer_422_naming_the_field(client, world, url, field):
    response = client.get(url, headers=auth(world, "staff"))
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_actor_filters_and_full_text(client, world, create_actor, session):
    create_actor(name="Rådhuset", kind="municipal_service", sector="municipal", tier=3)
    create_actor(name="Løbeklubben", profile="Vi løber om søndagen", municipality="fredericia")
    session.commit()

    def names(query):
        page = client.get(f"/api/v1/actors?{query}", headers=auth(world, "staff")).json
        return sorted(a["name"] for a in page["items"])

    assert names("kind=municipal_service") == ["Rådhuset"]
    assert names("sector=municipal&tier=3") == ["Rådhuset"]
    assert names("municipality=fredericia") == ["Løbeklubben"]
    assert names("q=søndag") == ["Løbeklubben"]
    assert names("q=lokaler") == ["Biblioteket"]
    assert names("q=!!!") == []


def test_tie_filters(client, world, create_actor, create_tie, session):
    hall = create_actor(name="Rådhuset", sector="municipal", tier=3, municipality="fredericia")
    club = create_actor(name="Klubben", municipality="fredericia")
    old = create_tie(world.actor, club, kind="referral", start="2020-01-01", end="2021-01-01")
    linking = create_tie(hall, club, kind="funding", start="2024-01-01")
    session.commit()

    def ids(query):
        page = client.get(f"/api/v1/ties?{query}", headers=auth(world, "staff")).json
        return sorted(t["id"] for t in page["items"])

    assert ids("") == sorted([old.id, linking.id])
    assert ids("municipality=helsingor") == [old.id]
    assert ids("form=linking") == [linking.id]
    assert ids("kind=referral") == [old.id]
    assert ids(f"actor_id={hall.id}") == [linking.id]
    assert ids("as_of=2020-06-01") == [old.id]
    assert ids("as_of=2025-06-01") == [linking.id]
    shown = client.get(f"/api/v1/ties/{linking.id}", headers=auth(world, "staff")).json
    assert shown["form"] == "linking" and shown["source_id"] == hall.id


def test_group_and_harvest_filters(client, world):
    groups = client.get("/api/v1/groups?municipality=fredericia", headers=auth(world, "staff"))
    assert [g["slug"] for g in groups.json["items"]] == ["syd"]
    found = client.get("/api/v1/harvests?group=nord", headers=auth(world, "staff")).json
    assert [h["slug"] for h in found["items"]] == ["nord-2025"]
    assert found["items"][0]["group"] == "nord"
    assert found["items"][0]["questions"] == ["Hvem gør noget andet end før?"]
    municipalities = client.get("/api/v1/municipalities", headers=auth(world, "staff")).json
    assert municipalities["total"] == 2


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("municipalities", "helsingor"),
        ("groups", "nord"),
        ("harvests", "nord-2025"),
    ],
)
def test_slugged_records_are_found_by_slug_or_id(client, world, path, key):
    by_slug = client.get(f"/api/v1/{path}/{key}", headers=auth(world, "staff"))
    assert by_slug.status_code == 200
    by_id = client.get(f"/api/v1/{path}/{by_slug.json['id']}", headers=auth(world, "staff"))
    assert by_id.json == by_slug.json
    missing = client.get(f"/api/v1/{path}/no-such-thing", headers=auth(world, "staff"))
    assert missing.status_code == 404 and missing.json["error"]


def test_outcome_filters(client, world, create_outcome, create_actor, session):
    other = create_actor(name="Frivilligcentret", municipality="fredericia")
    early = create_outcome(world.harvest_north, actor=world.actor, when_start="2024-05-01")
    late = create_outcome(
        world.harvest_south,
        actor=other,
        title="Frivilligcentret inviterer sagsbehandlere",
        when_start="2025-09-01",
        status="lead",
    )
    scheme = coding.scheme_of(session, world.harvest_north)
    coding.set_codes(session, early.id, scheme, {"type_of_change": ["practice"]}, by=None)
    session.commit()

    def ids(query):
        page = client.get(f"/api/v1/outcomes?{query}", headers=auth(world, "evaluator"))
        assert page.status_code == 200, page.json
        return sorted(o["id"] for o in page.json["items"])

    assert ids("") == sorted([early.id, late.id])
    assert ids("harvest=nord-2025") == [early.id]
    assert ids("status=lead") == [late.id]
    assert ids("status=lead,draft") == sorted([early.id, late.id])
    assert ids("status=lead&status=draft") == sorted([early.id, late.id])
    assert ids(f"actor_id={other.id}") == [late.id]
    assert ids("from=2025-01-01") == [late.id]
    assert ids("to=2024-12-31") == [early.id]
    assert ids("municipality=fredericia") == [late.id]
    assert ids("type_of_change=practice") == [early.id]
    assert ids("q=sagsbehandlere") == [late.id]
    shown = client.get(f"/api/v1/outcomes/{early.id}", headers=auth(world, "evaluator")).json
    assert shown["codes"] == {"type_of_change": ["practice"]}
    assert shown["harvest"] == "nord-2025" and shown["when"] == "2024-05-01"


# --- who sees what --------------------------------------------------------------------


def test_drafts_of_another_group_are_hidden_not_forbidden(client, world, create_outcome, session):
    draft = create_outcome(world.harvest_north, actor=world.actor)
    final = create_outcome(world.harvest_north, actor=world.actor, status="final")
    session.commit()
    for role in ("other", "staff"):
        assert (
            client.get(f"/api/v1/outcomes/{draft.id}", headers=auth(world, role)).status_code == 404
        )
        listed = client.get("/api/v1/outcomes", headers=auth(world, role)).json
        assert [o["id"] for o in listed["items"]] == [final.id]
    assert (
        client.get(f"/api/v1/outcomes/{draft.id}", headers=auth(world, "member")).status_code == 200
    )
    patched = client.patch(
        f"/api/v1/outcomes/{draft.id}",
        json={"version": 1, "title": "x"},
        headers=auth(world, "other"),
    )
    assert patched.status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("municipalities", {"slug": "odense", "name": "Odense"}),
        ("groups", {"slug": "vest", "name": "Vest"}),
        ("harvests", {"slug": "ny", "title": "Ny høst"}),
        (
            "actors",
            {"name": "Ny forening", "kind": "association", "sector": "civil_society", "tier": 2},
        ),
        ("outcomes", None),
    ],
)
def test_staff_tokens_are_read_only(client, world, session, path, body):
    body = body or outcome_body(world)
    before = client.get(f"/api/v1/{path}", headers=auth(world, "admin")).json["total"]
    response = client.post(f"/api/v1/{path}", json=body, headers=auth(world, "staff"))
    assert response.status_code == 403 and response.json["error"]
    assert client.get(f"/api/v1/{path}", headers=auth(world, "admin")).json["total"] == before


def test_members_may_not_write_for_another_group(client, world):
    response = client.post(
        "/api/v1/outcomes", json=outcome_body(world), headers=auth(world, "other")
    )
    assert response.status_code == 403
    for path, body in [
        ("municipalities", {"slug": "odense", "name": "Odense"}),
        ("harvests", {"slug": "ny", "title": "Ny"}),
    ]:
        assert (
            client.post(f"/api/v1/{path}", json=body, headers=auth(world, "member")).status_code
            == 403
        )


# --- writes ---------------------------------------------------------------------------


def test_member_records_an_outcome_and_edits_it(client, world):
    created = client.post(
        "/api/v1/outcomes", json=outcome_body(world), headers=auth(world, "member")
    )
    assert created.status_code == 201
    record = created.json
    assert record["version"] == 1 and record["id"] and record["status"] == "draft"
    assert created.headers["Location"].endswith(f"/api/v1/outcomes/{record['id']}")
    url = f"/api/v1/outcomes/{record['id']}"
    edit = {"version": 1, "where": "Helsingør bibliotek", "status": "reviewed"}
    updated = client.patch(url, json=edit, headers=auth(world, "member"))
    assert updated.status_code == 200, updated.json
    assert updated.json["where"] == "Helsingør bibliotek" and updated.json["status"] == "reviewed"
    assert updated.json["version"] > 1
    assert updated.json["title"] == record["title"]


def test_stale_update_answers_409_with_the_current_record_and_changes_nothing(client, world):
    record = client.post(
        "/api/v1/outcomes", json=outcome_body(world), headers=auth(world, "member")
    ).json
    url = f"/api/v1/outcomes/{record['id']}"
    first = client.put(url, json={"version": 1, "where": "Først"}, headers=auth(world, "member"))
    assert first.status_code == 200
    stale = client.put(url, json={"version": 1, "where": "Sidst"}, headers=auth(world, "evaluator"))
    assert stale.status_code == 409
    assert stale.json["current"]["where"] == "Først"
    assert stale.json["current"]["version"] == first.json["version"]
    assert client.get(url, headers=auth(world, "member")).json == first.json


def test_invalid_outcome_answers_422_per_field_and_stores_nothing(client, world):
    bad = outcome_body(world, title="", when="soon", changed_actor_id=99999)
    response = client.post("/api/v1/outcomes", json=bad, headers=auth(world, "member"))
    assert response.status_code == 422
    assert {"title", "when_start"} <= set(response.json["errors"])
    missing = client.post("/api/v1/outcomes", json={"title": "x"}, headers=auth(world, "member"))
    assert missing.status_code == 422 and "harvest" in missing.json["errors"]
    assert client.get("/api/v1/outcomes", headers=auth(world, "evaluator")).json["total"] == 0


@pytest.mark.parametrize(
    "field", ["title", "change", "where", "significance", "contribution", "sources"]
)
def test_cpr_numbers_are_refused_in_every_text_field(client, world, field):
    response = client.post(
        "/api/v1/outcomes",
        json=outcome_body(world, **{field: CPR_TEXT}),
        headers=auth(world, "member"),
    )
    assert response.status_code == 422
    assert "CPR" in response.json["errors"][field]
    assert client.get("/api/v1/outcomes", headers=auth(world, "evaluator")).json["total"] == 0


def test_cpr_numbers_are_refused_in_actors(client, world):
    body = {
        "name": "X",
        "kind": "association",
        "sector": "civil_society",
        "tier": 2,
        "profile": CPR_TEXT,
    }
    response = client.post("/api/v1/actors", json=body, headers=auth(world, "member"))
    assert response.status_code == 422 and "profile" in response.json["errors"]


def test_contact_details_need_confirmation(client, world):
    body = outcome_body(world, sources="Skrevet af anna@example.dk")
    refused = client.post("/api/v1/outcomes", json=body, headers=auth(world, "member"))
    assert refused.status_code == 422 and "sources" in refused.json["errors"]
    body["confirm_warnings"] = True
    assert (
        client.post("/api/v1/outcomes", json=body, headers=auth(world, "member")).status_code == 201
    )


def test_evaluator_codes_an_outcome_and_names_its_question(client, world):
    body = outcome_body(
        world,
        codes={"type_of_change": ["practice"], "social_capital_form": ["bridging"]},
        harvest_question="Hvem gør noget andet end før?",
    )
    created = client.post("/api/v1/outcomes", json=body, headers=auth(world, "evaluator"))
    assert created.status_code == 201, created.json
    assert created.json["codes"] == {
        "type_of_change": ["practice"],
        "social_capital_form": ["bridging"],
    }
    assert created.json["harvest_question"] == "Hvem gør noget andet end før?"
    # Members may code their own group's open outcomes: the same rule as on the web form.
    as_member = client.post("/api/v1/outcomes", json=body, headers=auth(world, "member"))
    assert as_member.status_code == 201, as_member.json
    assert as_member.json["codes"]["type_of_change"] == ["practice"]
    final = {**body, "status": "final"}
    refused = client.post("/api/v1/outcomes", json=final, headers=auth(world, "member"))
    assert refused.status_code == 403


def test_admin_creates_and_edits_municipalities_and_groups(client, world):
    headers = auth(world, "admin")
    created = client.post(
        "/api/v1/municipalities", json={"slug": "odense", "name": "Odense"}, headers=headers
    )
    assert created.status_code == 201 and created.json["version"] == 1
    edited = client.patch(
        "/api/v1/municipalities/odense",
        json={"version": 1, "region": "Syddanmark"},
        headers=headers,
    )
    assert edited.json["region"] == "Syddanmark" and edited.json["version"] == 2
    taken = client.post(
        "/api/v1/municipalities", json={"slug": "odense", "name": "Odense"}, headers=headers
    )
    assert taken.status_code == 422 and "slug" in taken.json["errors"]
    group = client.post(
        "/api/v1/groups",
        json={"slug": "fyn", "name": "Fyn", "municipality": "odense"},
        headers=headers,
    )
    assert group.status_code == 201 and group.json["municipality"] == "odense"
    renamed = client.put(
        "/api/v1/groups/fyn", json={"version": 1, "name": "Fynbo"}, headers=headers
    )
    assert renamed.json["name"] == "Fynbo" and renamed.json["municipality"] == "odense"
    unknown = client.post(
        "/api/v1/groups",
        json={"slug": "x", "name": "X", "municipality": "atlantis"},
        headers=headers,
    )
    assert unknown.status_code == 422 and "municipality" in unknown.json["errors"]


def test_evaluator_creates_and_edits_a_harvest(client, world):
    headers = auth(world, "evaluator")
    body = {
        "slug": "ny-hoest",
        "title": "Ny høst",
        "group": "nord",
        "questions": ["Hvad ændrede sig?"],
    }
    created = client.post("/api/v1/harvests", json=body, headers=headers)
    assert created.status_code == 201
    assert created.json["municipality"] == "helsingor" and created.json["version"] == 1
    edit = {"version": 1, "questions": ["Hvad ændrede sig?", "For hvem?"], "step": "gather"}
    edited = client.patch("/api/v1/harvests/ny-hoest", json=edit, headers=headers)
    assert edited.status_code == 200, edited.json
    assert (
        edited.json["questions"] == ["Hvad ændrede sig?", "For hvem?"]
        and edited.json["version"] == 2
    )
    bad = client.post(
        "/api/v1/harvests", json={**body, "slug": "b", "group": "nope"}, headers=headers
    )
    assert bad.status_code == 422 and "group" in bad.json["errors"]


def test_member_creates_and_edits_actors_and_ties(client, world):
    headers = auth(world, "member")
    body = {
        "name": "Spejderne",
        "kind": "association",
        "sector": "civil_society",
        "tier": 2,
        "municipality": "helsingor",
    }
    actor = client.post("/api/v1/actors", json=body, headers=headers)
    assert actor.status_code == 201 and actor.json["slug"] == "spejderne"
    edited = client.patch(
        f"/api/v1/actors/{actor.json['id']}", json={"version": 1, "tags": ["unge"]}, headers=headers
    )
    assert edited.json["tags"] == ["unge"] and edited.json["version"] == 2
    tie = client.post(
        "/api/v1/ties",
        json={"source_id": actor.json["id"], "target_id": world.actor.id, "kind": "hosting"},
        headers=headers,
    )
    assert tie.status_code == 201 and tie.json["form"] == "bonding"
    url = f"/api/v1/ties/{tie.json['id']}"
    override = {
        "version": 1,
        "form_override": "bridging",
        "override_reason": "Forskellige målgrupper",
    }
    changed = client.put(url, json=override, headers=headers)
    assert changed.json["form"] == "bridging" and changed.json["derived_form"] == "bonding"
    stale = client.put(url, json={"version": 1, "note": "x"}, headers=headers)
    assert stale.status_code == 409 and stale.json["current"]["form"] == "bridging"
    same = client.post(
        "/api/v1/ties", json={"source_id": 1, "target_id": 1, "kind": "hosting"}, headers=headers
    )
    assert same.status_code == 422
