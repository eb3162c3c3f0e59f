"""The analysis counts: codes, actors, municipalities, months, substantiation, chains, questions."""

from datetime import UTC, datetime, timedelta

from harvest import analysis, coding, harvests, outcomes
from harvest.analysis import percent
from harvest.models import Substantiation


def _code(session, outcome, **choices):
    harvest = harvests.get_harvest(session, outcome.harvest_id)
    coding.set_codes(
        session,
        outcome.id,
        coding.scheme_of(session, harvest),
        {k: [v] if isinstance(v, str) else v for k, v in choices.items()},
        by=None,
    )


def _rows(breakdown):
    return {row.key: (row.count, row.share) for row in breakdown.rows if row.count}


def test_percent_rounds_half_up_to_whole_percent():
    assert [percent(1, 3), percent(2, 3), percent(1, 8), percent(0, 0)] == [33, 67, 13, 0]


def test_codes_are_counted_with_shares_and_not_coded(session, create_harvest, create_outcome):
    harvest = create_harvest()
    a = create_outcome(harvest)
    b = create_outcome(harvest)
    c = create_outcome(harvest)
    create_outcome(harvest)
    _code(session, a, type_of_change="practice", positive="positive")
    _code(session, b, type_of_change="practice", positive="negative")
    _code(session, c, type_of_change="policy")
    result = analysis.analyse_harvest(session, harvest)
    assert result.total == 4
    by_key = {b.key: b for b in result.codes}
    assert _rows(by_key["type_of_change"]) == {"practice": (2, 50), "policy": (1, 25), "": (1, 25)}
    assert _rows(by_key["positive"]) == {"positive": (1, 25), "negative": (1, 25), "": (2, 50)}
    assert by_key["type_of_change"].largest == 2
    # every code in use is listed, also with 0, so dimensions compare like with like
    assert [r.key for r in by_key["intended"].rows] == ["intended", "unintended", ""]


def test_withdrawn_outcomes_are_not_counted(session, create_harvest, create_outcome):
    harvest = create_harvest()
    create_outcome(harvest)
    gone = create_outcome(harvest, status="withdrawn")
    _code(session, gone, type_of_change="practice")
    result = analysis.analyse_harvest(session, harvest)
    assert (result.total, result.withdrawn) == (1, 1)
    practice = next(r for r in result.codes[0].rows if r.key == "practice")
    assert practice.count == 0


def test_actors_sectors_and_municipalities_are_counted(
    session, create_harvest, create_outcome, create_actor, create_municipality
):
    create_municipality("helsingor", "Helsingør")
    create_municipality("rodovre", "Rødovre")
    harvest = create_harvest()
    club = create_actor(municipality="helsingor")
    service = create_actor(kind="municipal_service", sector="municipal", municipality="rodovre")
    create_outcome(harvest, actor=club)
    create_outcome(harvest, actor=club)
    create_outcome(harvest, actor=service)
    result = analysis.analyse_harvest(session, harvest)
    assert _rows(result.actor_kinds) == {"association": (2, 67), "municipal_service": (1, 33)}
    assert _rows(result.sectors) == {"civil_society": (2, 67), "municipal": (1, 33)}
    assert _rows(result.municipalities) == {"Helsingør": (2, 67), "Rødovre": (1, 33)}


def test_timeline_buckets_by_month_and_fills_gaps(session, create_harvest, create_outcome):
    harvest = create_harvest()
    create_outcome(harvest, when_start="2025-01-31")
    create_outcome(harvest, when_start="2025-01-01")
    create_outcome(harvest, when_start="2025-04-15", when_end="2025-06-01")
    create_outcome(harvest, when_start=None)
    line = analysis.analyse_harvest(session, harvest).timeline
    assert [(m.key, m.count) for m in line.months] == [
        ("2025-01", 2),
        ("2025-02", 0),
        ("2025-03", 0),
        ("2025-04", 1),
    ]
    assert line.undated == 1
    assert line.largest == 2


def test_timeline_crosses_new_year(session, create_harvest, create_outcome):
    harvest = create_harvest()
    create_outcome(harvest, when_start="2024-11-02")
    create_outcome(harvest, when_start="2025-02-02")
    keys = [m.key for m in analysis.analyse_harvest(session, harvest).timeline.months]
    assert keys == ["2024-11", "2024-12", "2025-01", "2025-02"]


def _substantiation(session, target, role, status="answered", **verdicts):
    row = Substantiation(
        outcome_id=target.id,
        name="Hemmelig Person",
        email="hemmelig@example.dk",
        role=role,
        token_hash=f"h{target.id}{role}{status}{len(verdicts)}",
        expires_at=datetime.now(UTC) + timedelta(days=14),
        status=status,
        **{f"verdict_{k}": v for k, v in verdicts.items()},
    )
    session.add(row)
    session.flush()
    return row


def test_substantiation_results_by_part_and_role_without_names(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    a = create_outcome(harvest, title="Biblioteket åbner")
    b = create_outcome(harvest, title="Klubben inviterer")
    _substantiation(
        session,
        a,
        "Leder af biblioteket",
        outcome="fully_agree",
        significance="fully_agree",
        contribution="partially_agree",
    )
    _substantiation(
        session,
        b,
        "Frivillig",
        outcome="disagree",
        significance="cannot_judge",
        contribution="fully_agree",
    )
    _substantiation(session, b, "Frivillig", status="pending")
    _substantiation(session, a, "Borger", status="revoked")
    result = analysis.analyse_harvest(session, harvest).substantiation
    assert (result.requested, result.answered, result.pending, result.revoked) == (4, 2, 1, 1)
    assert result.outcomes_substantiated == 2
    parts = {p.part: {c.key: (c.count, c.share) for c in p.counts} for p in result.parts}
    assert parts["outcome"] == {
        "fully_agree": (1, 50),
        "partially_agree": (0, 0),
        "disagree": (1, 50),
        "cannot_judge": (0, 0),
    }
    assert parts["contribution"]["partially_agree"] == (1, 50)
    assert [(r.role, r.requested, r.answered) for r in result.roles] == [
        ("Frivillig", 2, 1),
        ("Leder af biblioteket", 1, 1),
    ]
    assert [o.title for o in result.disagreements] == ["Klubben inviterer"]
    assert "Hemmelig" not in repr(result)


def test_chains_follow_links_from_start_to_end(session, create_harvest, create_outcome):
    harvest = create_harvest()
    a = create_outcome(harvest, title="A")
    b = create_outcome(harvest, title="B")
    c = create_outcome(harvest, title="C")
    d = create_outcome(harvest, title="D")
    create_outcome(harvest, title="alone")
    outcomes.link_outcomes(session, a, b, by=None)
    outcomes.link_outcomes(session, b, c, by=None)
    outcomes.link_outcomes(session, a, d, by=None)
    chains = analysis.analyse_harvest(session, harvest).chains
    assert [[o.title for o in chain] for chain in chains] == [["A", "B", "C"], ["A", "D"]]


def test_a_loop_of_links_still_shows_once_without_running_forever(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    a = create_outcome(harvest, title="A")
    b = create_outcome(harvest, title="B")
    outcomes.link_outcomes(session, a, b, by=None)
    outcomes.link_outcomes(session, b, a, by=None)
    chains = analysis.analyse_harvest(session, harvest).chains
    assert [[o.title for o in chain] for chain in chains] == [["A", "B"]]


def test_outcomes_are_listed_under_the_question_they_answer(
    session, create_harvest, create_outcome
):
    harvest = create_harvest(questions=["Hvem samarbejder?", "Hvad er ændret i praksis?"])
    first, second = harvests.questions_of(session, harvest)
    a = create_outcome(harvest, title="A")
    b = create_outcome(harvest, title="B")
    create_outcome(harvest, title="C")
    outcomes.set_question(session, a, second.id)
    outcomes.set_question(session, b, second.id)
    answers = analysis.analyse_harvest(session, harvest).questions
    assert [(q.number, q.text, [o.title for o in q.outcomes]) for q in answers] == [
        (1, "Hvem samarbejder?", []),
        (2, "Hvad er ændret i praksis?", ["A", "B"]),
        (None, "", ["C"]),
    ]


def test_an_empty_harvest_has_empty_analysis(session, create_harvest):
    result = analysis.analyse_harvest(session, create_harvest())
    assert result.total == 0
    assert result.timeline.months == []
    assert result.chains == []
    assert all(row.count == 0 for b in result.codes for row in b.rows)
