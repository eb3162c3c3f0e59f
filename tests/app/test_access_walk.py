"""Every route and API operation, for every role, answers as the access policy says.

The expected answer comes from `harvest.access` (the table) and `app.policy` (which action
each route performs), so a route that lets someone through whom the table refuses, or
refuses someone it allows, fails here; a route without a rule cannot even start the app.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app import policy
from harvest import (
    access,
    accounts,
    actors,
    groups,
    harvests,
    initiatives,
    needs,
    outcomes,
    review,
    substantiation,
    ties,
)
from harvest.access import NOWHERE, Action, Target
from tests.conftest import BACKENDS, PASSWORD

ROLES = ["anonymous", "staff", "member_b", "member_a", "evaluator", "admin"]
SCENARIOS = ["group_a_draft", "group_a_final", "group_b_draft"]


@dataclass
class World:
    ids: dict[str, Any]
    users: dict[str, Any]
    tokens: dict[str, str]
    targets: dict[str, Target]
    viewers: dict[str, access.Viewer]


def _world(session: Any, create_harvest: Any, create_actor: Any, create_user: Any) -> World:
    a = actors.create_municipality(session, {"slug": "helsingor", "name": "Helsingør"}, by=None)
    b = actors.create_municipality(session, {"slug": "gladsaxe", "name": "Gladsaxe"}, by=None)
    group_a = groups.create_group(
        session, {"slug": "gruppe-a", "name": "Gruppe A", "municipality": "helsingor"}, by=None
    )
    group_b = groups.create_group(
        session, {"slug": "gruppe-b", "name": "Gruppe B", "municipality": "gladsaxe"}, by=None
    )
    harvest_a = create_harvest(slug="hoest-a", group="gruppe-a")
    harvest_b = create_harvest(slug="hoest-b", group="gruppe-b")
    actor_a = create_actor(name="Café A", municipality="helsingor")
    actor_a2 = create_actor(name="Kor A", municipality="helsingor")
    actor_b = create_actor(name="Forening B", municipality="gladsaxe")
    actor_b2 = create_actor(name="Klub B", municipality="gladsaxe")
    tie_a = ties.create_tie(
        session, {"source_id": actor_a.id, "target_id": actor_a2.id, "kind": "referral"}, by=None
    )
    tie_b = ties.create_tie(
        session, {"source_id": actor_b.id, "target_id": actor_b2.id, "kind": "referral"}, by=None
    )

    def outcome(harvest: Any, actor: Any, status: str, title: str) -> Any:
        data = {
            "title": title,
            "changed_actor_id": actor.id,
            "change": "Caféen henviser nye gæster til koret hver tirsdag.",
            "when_start": "2025-03-01",
            "status": status,
        }
        return outcomes.record_outcome(session, harvest, data, by=None)

    draft_a = outcome(harvest_a, actor_a, "draft", "Udkast i A")
    final_a = outcome(harvest_a, actor_a, "final", "Endelig i A")
    draft_b = outcome(harvest_b, actor_b, "draft", "Udkast i B")
    ready_a = outcome(harvest_a, actor_a2, "ready", "Klar i A")
    request, token = substantiation.request_substantiation(
        session, ready_a, {"name": "Uvildig", "role": "Leder"}, by=None
    )
    need_a = needs.record_need(
        session, {"question": "Hvor kan man synge?", "group": "gruppe-a"}, by=None
    )
    need_b = needs.record_need(
        session, {"question": "Hvor kan man gå ture?", "group": "gruppe-b"}, by=None
    )
    place_a = groups.add_group_actor(
        session, group_a, {"actor_id": actor_a.id, "invited": "2020-01-06"}, by=None
    )
    place_b = groups.add_group_actor(
        session, group_b, {"actor_id": actor_b.id, "invited": "2020-01-06"}, by=None
    )

    def initiative(group: str, status: str) -> Any:
        data = {"title": f"Prøve i {group}", "group": group, "kind": "joint_activity"}
        return initiatives.record_initiative(session, {**data, "status": status}, by=None)

    initiative_a = initiative("gruppe-a", "draft")
    initiative_a_pub = initiative("gruppe-a", "published")
    initiative_b = initiative("gruppe-b", "draft")
    users = {
        "staff": create_user("staff@example.dk", "staff"),
        "member_a": create_user("a@example.dk", "member", groups=["gruppe-a"]),
        "member_b": create_user("b@example.dk", "member", groups=["gruppe-b"]),
        "evaluator": create_user("evaluator@example.dk", "evaluator"),
        "admin": create_user("admin@example.dk", "admin"),
    }
    tokens = {role: accounts.create_token(session, user) for role, user in users.items()}
    comments = {
        name: review.add_comment(session, o, "general", "Hvem bekræfter det?", by=users["admin"]).id
        for name, o in (("draft_a", draft_a), ("final_a", final_a), ("draft_b", draft_b))
    }
    spare = create_user("spare@example.dk", "staff")  # the account the admin pages act on
    spare_token = accounts.create_token(session, spare)
    invited = create_user("invited@example.dk", "staff")  # the admin walk resets `spare`'s link
    link = accounts.issue_password_link(session, invited, accounts.RESET, by=None)
    session.commit()

    def of(outcome: Any, harvest: Any) -> Target:
        return Target(group_id=harvest.group_id, status=outcome.status)

    ids = {
        "draft_a": draft_a.id,
        "final_a": final_a.id,
        "draft_b": draft_b.id,
        "ready_a": ready_a.id,
        "harvest_a": harvest_a.slug,
        "harvest_b": harvest_b.slug,
        "question_a": harvests.questions_of(session, harvest_a)[0].id,
        "question_b": harvests.questions_of(session, harvest_b)[0].id,
        "actor_a": actor_a.id,
        "actor_b": actor_b.id,
        "tie_a": tie_a.id,
        "tie_b": tie_b.id,
        "need_a": need_a.id,
        "need_b": need_b.id,
        "initiative_a": initiative_a.id,
        "initiative_a_pub": initiative_a_pub.id,
        "initiative_b": initiative_b.id,
        "request": request.id,
        "token": token,
        "user_id": spare.id,
        "token_id": accounts.token_by_prefix(session, spare_token[:12]).id,
        "link": link,
        "municipality_a": a.slug,
        "municipality_b": b.slug,
        "place_a": place_a.id,
        "place_b": place_b.id,
        "group_a": group_a.slug,
        "group_b": group_b.slug,
        **{f"comment_{name}": comment_id for name, comment_id in comments.items()},
    }
    targets = {
        "draft_a": of(draft_a, harvest_a),
        "final_a": of(final_a, harvest_a),
        "draft_b": of(draft_b, harvest_b),
        "harvest_a": Target(group_id=harvest_a.group_id),
        "harvest_b": Target(group_id=harvest_b.group_id),
        "question_a": Target(group_id=harvest_a.group_id),
        "question_b": Target(group_id=harvest_b.group_id),
        "actor_a": Target(municipalities=frozenset({a.id or 0})),
        "actor_b": Target(municipalities=frozenset({b.id or 0})),
        "tie_a": Target(municipalities=frozenset({a.id or 0})),
        "tie_b": Target(municipalities=frozenset({b.id or 0})),
        "need_a": Target(group_id=group_a.id),
        "need_b": Target(group_id=group_b.id),
        "group_a": Target(group_id=group_a.id),
        "group_b": Target(group_id=group_b.id),
        "place_a": Target(group_id=group_a.id),
        "place_b": Target(group_id=group_b.id),
        **{
            name: initiatives.initiative_target(i)
            for name, i in (
                ("initiative_a", initiative_a),
                ("initiative_a_pub", initiative_a_pub),
                ("initiative_b", initiative_b),
            )
        },
    }
    viewers = {role: access.viewer(session, users.get(role)) for role in ROLES}
    return World(ids, users, tokens, targets, viewers)


def _samples(scenario: str) -> dict[str, str]:
    """Which record each URL variable names in a scenario (keys of `World.ids`)."""
    side = "b" if scenario.endswith("b_draft") else "a"
    outcome = {"group_a_draft": "draft_a", "group_a_final": "final_a"}.get(scenario, "draft_b")
    initiative = {"group_a_draft": "initiative_a", "group_a_final": "initiative_a_pub"}.get(
        scenario, "initiative_b"
    )
    return {
        "outcome_id": outcome,
        "other_id": outcome,  # the same one: the pages refuse it politely (a 302)
        "harvest": f"harvest_{side}",
        "actor_id": f"actor_{side}",
        "tie_id": f"tie_{side}",
        "need_id": f"need_{side}",
        "question_id": f"question_{side}",
        "municipality": f"municipality_{side}",
        "group": f"group_{side}",
        "place_id": f"place_{side}",
        "initiative_id": initiative,
    }


def _url(rule: Any, world: World, scenario: str) -> tuple[str, str | None]:
    """Return the URL for `rule` in `scenario` and the key of the record it acts on."""
    sample = _samples(scenario)
    values: dict[str, Any] = {}
    record: str | None = None
    for name in rule.arguments:
        if name == "slug":
            if rule.endpoint.startswith("coding.scheme") or rule.endpoint in (
                "coding.change",
                "coding.assign",
            ):
                values[name] = "standard"
            elif rule.endpoint.startswith("knowledge."):
                values[name] = "find-en-forening"
            else:
                record = sample["harvest"]
                values[name] = world.ids[record]
        elif name == "key":
            resource = rule.endpoint.split(".")[1].split("_")[0]
            values[name] = {
                "municipalities": world.ids["municipality_a"],
                "groups": world.ids["group_a"],
                "harvests": world.ids[sample["harvest"]],
            }[resource]
        elif name in sample:
            record = sample[name]
            values[name] = world.ids[record]
        elif name == "comment_id":
            values[name] = world.ids[f"comment_{sample['outcome_id']}"]
        elif name == "substantiation_id":
            values[name] = world.ids["request"]
        elif name in ("token", "user_id", "token_id", "link"):
            values[name] = world.ids[name]
        elif name == "fmt":
            values[name] = "json"
        else:
            raise AssertionError(f"no sample for <{name}> in {rule.rule}")
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return url, record


# Record-level rules apply where a route acts on one record of a group or municipality.
SCOPED = {
    Action.READ_OUTCOME,
    Action.WRITE_OUTCOME,
    Action.COMMENT_OUTCOME,
    Action.IMPORT_OUTCOMES,
    Action.JUDGE_DUPLICATES,
    Action.WRITE_ACTOR,
    Action.WRITE_NEED,
    Action.WRITE_GROUP_ACTORS,
    Action.READ_INITIATIVE,
    Action.WRITE_INITIATIVE,
}


def _expected(world: World, role: str, endpoint: str, record: str | None) -> bool:
    """Tell whether the policy lets `role` through the route `endpoint` on `record`."""
    rule = policy.rule_of(endpoint)
    user = world.users.get(role)
    if rule == policy.PUBLIC:
        return True
    if rule == policy.SIGNED_IN:
        return user is not None
    if endpoint.startswith("api.") and user is None:
        return False
    action = Action(rule)
    who = world.viewers[role]
    somewhere = any(access.allowed(who, action, t) for t in [NOWHERE, *world.targets.values()])
    if not somewhere:
        return False
    if record is not None and action in SCOPED and record in world.targets:
        target = world.targets[record]
        if endpoint.endswith(("harvest_detail", "harvest_index")):
            return True  # the harvest page lists only what the viewer may see
        return access.allowed(who, action, target)
    return True


def _sign_in(client: Any, world: World, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    email = world.users[role].email
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def _denied(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _problem(response: Any, allowed: bool, method: str, endpoint: str) -> str | None:
    """Say what is wrong with an answer, if anything."""
    status = response.status_code
    if status >= 500:
        return "a server error"
    if not allowed:
        return None if _denied(response) else "but the policy refuses it"
    if status in (401, 403) or (status == 302 and "/login" in response.headers["Location"]):
        return "but the policy allows it"
    if method == "GET" and status >= 400 and endpoint != "substantiation.respond":
        return "but the policy allows it"
    return None


# These end the walk's own session; tests/app/test_auth.py and test_sessions.py cover them.
ENDS_THE_WALK = {"auth.logout", "account.sign_out_everywhere", "account.set_password"}


# The policy is the domain's and the same on both databases: every scenario on SQLite, and on
# PostgreSQL the first (a draft of group A), which reaches every route's queries there too.
@pytest.mark.parametrize(
    ("database_url", "scenario"),
    [("sqlite", s) for s in SCENARIOS] + [(b, SCENARIOS[0]) for b in BACKENDS if b != "sqlite"],
    indirect=["database_url"],
)
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_policy_says(
    app: Flask, session, create_harvest, create_actor, create_user, role, scenario
):
    world = _world(session, create_harvest, create_actor, create_user)
    client = app.test_client()
    headers = _sign_in(client, world, role)
    wrong = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        url, record = _url(rule, world, scenario)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if rule.endpoint in ENDS_THE_WALK and method == "POST":
                continue  # it would end the walk's session; tests/app/test_auth.py covers it
            api = url.startswith("/api/")
            kwargs: dict[str, Any] = {"headers": headers if api else {}}
            if method in ("POST", "PUT", "PATCH"):
                kwargs["json" if api else "data"] = {} if api else {"version": "1"}
            response = client.open(url, method=method, **kwargs)
            allowed = _expected(world, role, rule.endpoint, record)
            problem = _problem(response, allowed, method, rule.endpoint)
            response.close()
            if problem:
                wrong.append(f"{method} {url}: {response.status_code}, {problem}")
    assert wrong == [], f"{role} in {scenario}:\n" + "\n".join(wrong)


def test_a_route_without_a_rule_stops_the_app(app: Flask):
    from app.policy import guard_views

    app.view_functions["sneaky.route"] = lambda: "ok"
    with pytest.raises(RuntimeError, match="sneaky.route"):
        guard_views(app)
