"""Public pages show counts of outcomes and people from 1 to 2 as "under 3"."""

from harvest import outcomes, substantiation, workflow
from harvest.privacy import is_small
from tests.conftest import PASSWORD


def test_the_rule_keeps_zero_and_larger_counts():
    assert [n for n in range(6) if is_small(n)] == [1, 2]
    assert is_small(4, threshold=5) and not is_small(5, threshold=5)


def _answered_final_outcome(session, create_harvest, create_actor):
    harvest = create_harvest(slug="hoest")
    data = {
        "title": "Koret tager imod nye sangere",
        "changed_actor_id": create_actor().id,
        "change": "Koret tager nu imod nye sangere hver tirsdag.",
        "when_start": "2025-03-01",
        "status": "ready",
    }
    outcome = outcomes.record_outcome(session, harvest, data, by=None)
    _request, token = substantiation.request_substantiation(
        session, outcome, {"name": "Uvildig Person", "role": "Korleder"}, by=None
    )
    verdicts = {f"verdict_{p}": "fully_agree" for p in ("outcome", "significance", "contribution")}
    substantiation.answer(session, token, verdicts)
    for status in ("substantiated", "final"):
        workflow.move_outcome(session, outcome, harvest, status, outcome.version, by=None)
    session.commit()
    return outcome


def test_the_public_sees_under_3_where_an_evaluator_sees_the_count(
    client, session, create_harvest, create_actor, create_user
):
    outcome = _answered_final_outcome(session, create_harvest, create_actor)
    public = client.get(f"/outcomes/{outcome.id}?lang=en").get_data(as_text=True)
    assert "People who answered: under 3" in public
    assert "1 person answered" not in public

    create_user()
    session.commit()
    client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    internal = client.get(f"/outcomes/{outcome.id}?lang=en").get_data(as_text=True)
    assert "1 person answered" in internal


def test_the_public_report_hides_a_small_number_of_outcomes(
    client, session, create_harvest, create_actor
):
    _answered_final_outcome(session, create_harvest, create_actor)
    page = client.get("/harvests/hoest/report/public?lang=da").get_data(as_text=True)
    assert "under 3" in page
