"""The bridge-building method: initiatives by kind, with their outcomes' status and
substantiation, the forms of the ties those evidence, the evaluation notes, and Markdown."""

import pytest

from harvest import initiatives, method, outcomes
from harvest.actors import municipality_by_slug
from harvest.models import Outcome

HOSTILE = "[klik](javascript:alert(1)) <img src=x onerror=alert(1)> **fed**"


def _initiative(session, status, title="Introduktionsbesøg hos koret", **extra):
    data = {
        "title": title,
        "group": "gruppe",
        "kind": "introduction_visit",
        "start": "2025-01-01",
        "status": status,
        "rounds": [{"held_on": "2025-03-01", "worked": "Konsulenterne kom", "adjust": "Kortere"}],
    }
    return initiatives.record_initiative(session, {**data, **extra}, by=None)


def _outcome(session, harvest, initiative, actor, title, status) -> Outcome:
    found = outcomes.record_outcome(
        session,
        harvest,
        {
            "title": title,
            "changed_actor_id": actor.id,
            "change": "Jobcentret foreslår koret til borgere.",
            "initiative_ids": [initiative.id],
        },
        by=None,
    )
    found.status = status  # the workflow's rules are not this test's subject
    session.add(found)
    session.flush()
    return found


@pytest.fixture
def world(session, member, create_harvest, create_actor, create_tie):
    published = _initiative(session, "published")
    draft = _initiative(session, "draft", title="En kladde", kind="information_material")
    harvest = create_harvest(group="gruppe")
    jobcentre = create_actor(
        name="Jobcentret", municipality="helsingor", kind="municipal_service", sector="municipal"
    )
    choir = create_actor(name="Koret", municipality="helsingor")
    final = _outcome(session, harvest, published, jobcentre, "Jobcentret foreslår koret", "final")
    hidden = _outcome(session, harvest, published, choir, "Koret får en makker", "draft")
    _outcome(session, harvest, draft, choir, "Kladdens forandring", "final")
    tie = create_tie(
        jobcentre, choir, kind="referral", form_override="bridging", override_reason="På tværs"
    )
    outcomes.add_tie_evidence(session, final, tie, by=None)
    return {"published": published, "draft": draft, "final": final, "hidden": hidden}


def test_an_initiative_shows_under_its_kind_with_its_outcome_status_and_tie_form(
    session, world, member
):
    report = method.method_report(session, municipality_by_slug(session, "helsingor"), member)
    keys = [(k.kind.key, [line.initiative.id for line in k.initiatives]) for k in report.kinds]
    assert keys == [
        ("information_material", [world["draft"].id]),
        ("introduction_visit", [world["published"].id]),
    ]
    visit = report.kinds[1]
    seen = {(m.outcome.title, m.outcome.status, m.substantiated, m.forms) for m in visit.outcomes}
    assert seen == {
        ("Jobcentret foreslår koret", "final", True, ("bridging",)),
        ("Koret får en makker", "draft", False, ()),
    }
    assert visit.form_counts == {"bridging": 1}
    assert visit.status_counts == {"draft": 1, "final": 1}
    assert (visit.substantiated, len(visit.outcomes)) == (1, 2)
    assert visit.initiatives[0].rounds[0].worked == "Konsulenterne kom"


def test_drafts_and_outcomes_a_reader_may_not_see_are_left_out(session, world):
    report = method.method_report(session, None, None)
    assert [k.kind.key for k in report.kinds] == ["introduction_visit"]
    titles = [m.outcome.title for m in report.outcomes]
    assert titles == ["Jobcentret foreslår koret"]  # the draft outcome is the group's
    assert report.initiative_count == 1


def test_the_markdown_escapes_a_hostile_title_and_says_how_sure_we_are(session, world):
    world["published"].title = HOSTILE
    session.add(world["published"])
    session.flush()
    report = method.method_report(session, None, None)
    text = method.method_markdown(
        report,
        language="en",
        form_labels={"bridging": "Bridging"},
        links=method.Links(lambda i: f"/i/{i.id}", lambda o: f"/o/{o.id}"),
    )
    assert "## Introduction visit" in text
    assert "1 of 1 outcomes substantiated." in text
    assert (
        "\\[klik\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\> \\*\\*fed\\*\\*" in text
    )
    assert "<img" not in text.replace("\\<img", "")
    assert f"](</o/{world['final'].id}>): Final, substantiated; Bridging" in text
    assert "- *What worked:* Konsulenterne kom" in text


def _statements(session, run):
    from sqlalchemy import event

    seen = []
    engine = session.get_bind()
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_report_takes_as_many_queries_for_many_initiatives_as_for_few(session, world, member):
    def run():
        return method.method_report(session, None, member)

    run()  # the viewer is looked up once per session
    few = _statements(session, run)
    assert few <= 8
    for n in range(4):
        _initiative(session, "published", title=f"Endnu en prøvehandling {n}")
    session.flush()
    assert _statements(session, run) == few
