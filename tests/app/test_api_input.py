"""No bad input ever makes the API answer 500, and every route is in the OpenAPI document."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api.openapi import document
from harvest import accounts

RESOURCES = ["municipalities", "groups", "harvests", "actors", "ties", "outcomes"]


@pytest.fixture
def admin_headers(session, create_user, create_harvest):
    create_harvest("h")
    token = accounts.create_token(session, create_user("admin@example.dk", "admin"))
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_every_route_is_in_the_openapi_document(app):
    paths = document()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], (method, path)


GARBAGE_BODIES = [
    b"{not json",
    b"[]",
    b'"text"',
    b"null",
    b"12",
    b'{"title": 5, "when": [], "contributor_ids": "x", "changed_actor_id": "abc"}',
    b'{"version": "one", "tier": 99, "kind": {}, "source_id": 1e400}',
    b'{"harvest": 123456789012345678901234567890, "source_id": 99999999999999999999}',
    b'{"harvest": "h", "title": "a\\u0000b", "status": ["final"]}',
    b'{"slug": "A B", "name": "", "questions": "nope", "period_start": "2025-02-30"}',
    b'{"codes": "practice", "harvest_question": 5, "confirm_warnings": "yes"}',
    b'{"harvest": "h", "title": "t", "status": "lead", "codes": {"type_of_change": ["x"]}}',
    b'{"harvest": "h", "title": "t", "status": "lead", "codes": {"nope": ["x"]}}',
    b'{"harvest": "h", "title": "t", "status": "lead", "harvest_question": "not a question"}',
    b'{"source_id": -1, "target_id": 0, "kind": "hosting"}',
    b'{"name": "N", "kind": "association", "sector": "region", "tier": 2, "municipality": "x"}',
    b'{"slug": "g", "name": "G", "actor": "nobody"}',
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("payload", GARBAGE_BODIES)
def test_garbage_bodies_never_answer_500(client, admin_headers, resource, payload):
    headers = {**admin_headers, "Content-Type": "application/json"}
    created = client.post(f"/api/v1/{resource}", data=payload, headers=headers)
    assert created.status_code in (201, 400, 404, 422), created.json
    assert created.is_json
    key = "h" if resource == "harvests" else "1"
    updated = client.patch(f"/api/v1/{resource}/{key}", data=payload, headers=headers)
    assert updated.status_code in (400, 404, 422), updated.json


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/outcomes/99999999999999999999999",
        "/api/v1/actors/0",
        "/api/v1/ties/-1",
        "/api/v1/harvests/%00",
        "/api/v1/actors?q=%00",
        "/api/v1/actors?q=" + "x" * 500,
        "/api/v1/outcomes?page=99999999999999999999",
        "/api/v1/outcomes?actor_id=99999999999999999999",
        "/api/v1/nothing-here",
    ],
)
def test_garbage_addresses_never_answer_500(client, admin_headers, url):
    response = client.get(url, headers=admin_headers)
    assert response.status_code in (400, 404, 422)
    assert response.is_json


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "harvest",
    "title",
    "changed_actor_id",
    "change",
    "when",
    "when_end",
    "status",
    "contributor_ids",
    "codes",
    "harvest_question",
    "confirm_warnings",
    "version",
    "name",
    "kind",
    "sector",
    "tier",
    "source_id",
    "target_id",
    "start",
    "end",
    "strength",
    "slug",
    "municipality",
    "group",
    "questions",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    resource=st.sampled_from(RESOURCES),
    data=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6),
)
def test_random_bodies_never_answer_500(client, admin_headers, resource, data):
    created = client.post(f"/api/v1/{resource}", json=data, headers=admin_headers)
    assert created.status_code < 500, (created.status_code, created.json)
    updated = client.put(f"/api/v1/{resource}/1", json=data, headers=admin_headers)
    assert updated.status_code < 500, (updated.status_code, updated.json)
