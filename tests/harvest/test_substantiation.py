"""Substantiation in the domain: personal links, answers, refused links, sampling, summaries."""

from datetime import timedelta

import pytest
from sqlmodel import select

from harvest import coding, substantiation
from harvest.errors import PrivacyViolation, StaleVersion, ValidationFailed
from harvest.models import ChangeRecord, Substantiation, utcnow

AGREE = {
    "verdict_outcome": "fully_agree",
    "verdict_significance": "fully_agree",
    "verdict_contribution": "partially_agree",
    "comment_contribution": "Foreningen gjorde også meget selv.",
    "consent_named": True,
}
PERSON = {"name": "Mette (test)", "email": "mette@example.dk", "role": "Leder af SIND Helsingør"}


@pytest.fixture
def ready(create_outcome, create_user):
    evaluator = create_user()
    outcome = create_outcome(status="draft")
    outcome.status = "ready"
    return outcome, evaluator


def test_request_stores_only_a_hash_of_the_token(session, ready):
    outcome, evaluator = ready
    record, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    assert len(token) >= 40
    assert token not in record.token_hash and len(record.token_hash) == 64
    assert substantiation.state_of(record) == substantiation.LinkState.PENDING
    expiry = substantiation._aware(record.expires_at) - utcnow()
    assert timedelta(days=29) < expiry <= timedelta(days=30)
    history = session.scalars(select(ChangeRecord).where(ChangeRecord.entity == "substantiation"))
    assert all("token_hash" not in (h.after or {}) for h in history)


def test_substantiator_answers_once_and_the_link_is_then_used(session, ready):
    outcome, evaluator = ready
    _record, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    record = substantiation.answer(session, token, AGREE)
    assert record.status == "answered" and record.verdict_contribution == "partially_agree"
    assert record.consent_named is True
    with pytest.raises(substantiation.LinkUsed):
        substantiation.answer(session, token, AGREE)


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (lambda s, r, t: t[::-1], substantiation.LinkUnknown),
        (lambda s, r, t: substantiation.revoke(s, r, by=None) and t, substantiation.LinkRevoked),
        (
            lambda s, r, t: setattr(r, "expires_at", utcnow() - timedelta(minutes=1)) or t,
            substantiation.LinkExpired,
        ),
    ],
    ids=["forged", "revoked", "expired"],
)
def test_refused_links_raise_their_own_error(session, ready, spoil, error):
    outcome, evaluator = ready
    record, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    bad = spoil(session, record, token)
    session.flush()
    with pytest.raises(error):
        substantiation.answer(session, bad, AGREE)


def test_reissue_kills_the_old_link_and_gives_a_new_one(session, ready):
    outcome, evaluator = ready
    record, old = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    substantiation.revoke(session, record, by=evaluator)
    new = substantiation.reissue(session, record, by=evaluator, expires_in_days=7)
    assert new != old
    with pytest.raises(substantiation.LinkUnknown):
        substantiation.find_by_token(session, old)
    assert substantiation.find_by_token(session, new).id == record.id


def test_an_answered_request_cannot_be_reissued_or_revoked(session, ready):
    outcome, evaluator = ready
    record, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    substantiation.answer(session, token, AGREE)
    with pytest.raises(ValidationFailed):
        substantiation.reissue(session, record, by=evaluator)
    with pytest.raises(ValidationFailed):
        substantiation.revoke(session, record, by=evaluator)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**AGREE, "verdict_outcome": "maybe"}, "verdict_outcome"),
        ({k: v for k, v in AGREE.items() if k != "verdict_significance"}, "verdict_significance"),
        ({**AGREE, "comment_outcome": "x" * 5001}, "comment_outcome"),
    ],
)
def test_an_incomplete_answer_is_refused_and_the_link_still_works(session, ready, data, field):
    outcome, evaluator = ready
    _record, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    with pytest.raises(ValidationFailed) as caught:
        substantiation.answer(session, token, data)
    assert field in caught.value.errors
    assert substantiation.find_by_token(session, token).status == "pending"


def test_a_cpr_number_in_a_comment_is_refused(session, ready):
    outcome, evaluator = ready
    _record, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    with pytest.raises(PrivacyViolation):
        substantiation.answer(session, token, {**AGREE, "comment_outcome": "Se 010203-1234"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**PERSON, "role": ""}, "role"),
        ({**PERSON, "name": ""}, "name"),
        ({**PERSON, "email": "nope"}, "email"),
        ({**PERSON, "expires_in_days": 0}, "expires_in_days"),
        ({**PERSON, "expires_in_days": 400}, "expires_in_days"),
    ],
)
def test_a_request_needs_a_name_a_role_and_a_sane_expiry(session, ready, data, field):
    outcome, evaluator = ready
    with pytest.raises(ValidationFailed) as caught:
        substantiation.request_substantiation(session, outcome, data, by=evaluator)
    assert field in caught.value.errors


def test_a_draft_cannot_be_sent_for_substantiation(session, create_outcome):
    with pytest.raises(ValidationFailed):
        substantiation.request_substantiation(session, create_outcome(), PERSON, by=None)


def test_summary_counts_verdicts_and_flags_a_disagreement(session, ready):
    outcome, evaluator = ready
    for role, verdict in [("A", "fully_agree"), ("B", "disagree")]:
        _r, token = substantiation.request_substantiation(
            session, outcome, {**PERSON, "role": role}, by=evaluator
        )
        substantiation.answer(session, token, {**AGREE, "verdict_outcome": verdict})
    substantiation.request_substantiation(session, outcome, {**PERSON, "role": "C"}, by=evaluator)
    summary = substantiation.summary_for_outcome(session, outcome, with_names=False)
    assert summary.counts["outcome"] == {
        "fully_agree": 1,
        "partially_agree": 0,
        "disagree": 1,
        "cannot_judge": 0,
    }
    assert summary.answered == 2 and summary.states["pending"] == 1
    assert summary.disagreement is True
    assert {e.name for e in summary.entries} == {None}
    named = substantiation.summary_for_outcome(session, outcome, with_names=True)
    assert {e.name for e in named.entries} == {"Mette (test)"}


def test_harvest_summary_shows_roles_never_names(session, ready):
    outcome, evaluator = ready
    _r, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    substantiation.answer(session, token, AGREE)
    substantiation.request_substantiation(session, outcome, {**PERSON, "role": "X"}, by=evaluator)
    summary = substantiation.summary_for_outcomes(session, [outcome])
    assert [(r.role, r.requested, r.answered) for r in summary.roles] == [
        ("Leder af SIND Helsingør", 1, 1),
        ("X", 1, 0),
    ]
    assert {e.name for e in summary.entries} == {None}
    assert "Mette" not in repr(summary) and "mette@example.dk" not in repr(summary)
    assert sorted(e.state for e in summary.entries) == ["answered", "pending"]


def test_expired_and_revoked_links_are_counted_the_same_everywhere(session, ready):
    """An expired link is not waiting: the outcome page, the substantiation page, the
    analysis and the report all count it as expired, and a revoked one as revoked."""
    from harvest import analysis, report

    outcome, evaluator = ready
    made = [
        substantiation.request_substantiation(
            session, outcome, {**PERSON, "role": role}, by=evaluator
        )
        for role in ("Svarer", "Venter", "Udløbet", "Trukket")
    ]
    substantiation.answer(session, made[0][1], AGREE)
    made[2][0].expires_at = utcnow() - timedelta(days=1)
    substantiation.revoke(session, made[3][0], by=evaluator)
    session.flush()
    harvest = _harvest(session, outcome)
    expected = {"answered": 1, "pending": 1, "expired": 1, "revoked": 1}
    on_outcome = substantiation.summary_for_outcome(session, outcome, with_names=True)
    on_page = substantiation.summaries_for_harvest(session, harvest, with_names=True)[outcome.id]
    overall = substantiation.summary_for_outcomes(session, [outcome])
    assert on_outcome.states == on_page.states == overall.states == expected
    analysed = analysis.analyse_harvest(session, harvest).substantiation
    assert (
        analysed.requested,
        analysed.answered,
        analysed.pending,
        analysed.expired,
        analysed.revoked,
    ) == (4, 1, 1, 1, 1)
    assert [(r.role, r.requested) for r in analysed.roles] == [
        ("Svarer", 1),
        ("Udløbet", 1),
        ("Venter", 1),
    ]
    markdown = report.report_markdown(report.build_report(session, harvest))
    assert "- **Waiting for an answer:** 1" in markdown
    assert "- **Link expired:** 1" in markdown
    assert "- **Link withdrawn:** 1" in markdown
    assert [s.id for s, _o in substantiation.pending_requests(session, harvest)] == [made[1][0].id]
    for state, record in (("pending", made[1][0]), ("expired", made[2][0])):
        page = substantiation.list_substantiations(
            session, substantiation.SubstantiationQuery(status=[state])
        )
        assert [s.id for s in page.items] == [record.id]


def _harvest(session, outcome):
    from harvest import harvests

    return harvests.get_harvest(session, outcome.harvest_id)


def test_pending_lists_only_working_unanswered_links(session, ready):
    outcome, evaluator = ready
    a, token = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    b, _t = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    c, _t = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    substantiation.answer(session, token, AGREE)
    c.expires_at = utcnow() - timedelta(days=1)
    session.flush()
    assert [s.id for s, _o in substantiation.pending_requests(session)] == [b.id]


def test_sample_rules_pick_ready_significant_and_a_seeded_random_share(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    made = [create_outcome(harvest=harvest) for _ in range(6)]
    statuses = ["ready", "ready", "reviewed", "final", "draft", "withdrawn"]
    for outcome, status in zip(made, statuses, strict=True):
        outcome.status = status
    session.flush()
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(session, made[3].id, scheme, {"significance_rating": ["high"]}, by=None)
    coding.set_codes(session, made[4].id, scheme, {"significance_rating": ["high"]}, by=None)
    ids = lambda found: [o.id for o in found]  # noqa: E731
    assert ids(substantiation.sample_outcomes(session, harvest, "ready")) == [
        m.id for m in made[:2]
    ]
    assert ids(substantiation.sample_outcomes(session, harvest, "significant")) == [made[3].id]
    assert len(substantiation.sample_outcomes(session, harvest, "all")) == 4
    first = substantiation.sample_outcomes(session, harvest, "random", share=0.5, seed=7)
    again = substantiation.sample_outcomes(session, harvest, "random", share=0.5, seed=7)
    assert len(first) == 2 and ids(first) == ids(again)
    with pytest.raises(ValidationFailed):
        substantiation.sample_outcomes(session, harvest, "random", share=0)
    with pytest.raises(ValidationFailed):
        substantiation.sample_outcomes(session, harvest, "everything")


def test_update_changes_the_role_and_refuses_a_stale_version(session, ready):
    outcome, evaluator = ready
    record, _t = substantiation.request_substantiation(session, outcome, PERSON, by=evaluator)
    read = record.version
    substantiation.update_substantiation(
        session, record, {**PERSON, "role": "Formand"}, read, by=evaluator
    )
    assert record.role == "Formand" and record.version == read + 1
    with pytest.raises(StaleVersion):
        substantiation.update_substantiation(session, record, PERSON, read, by=evaluator)
    substantiation.update_substantiation(
        session, record, {**PERSON, "revoked": True}, record.version, by=evaluator
    )
    assert substantiation.state_of(record) == "revoked"


def test_demo_substantiations_load_idempotently(session, demo_data):
    from harvest import demo

    count = session.scalars(select(Substantiation)).all()
    assert len(count) >= 5
    root = demo.content_dir() / "demo"
    assert substantiation.load_demo_substantiations(session, root) == 0
    answered = [s for s in count if s.status == "answered"]
    assert answered and any(
        s.verdict_outcome == "partially_agree"
        or s.verdict_significance == "partially_agree"
        or s.verdict_contribution == "partially_agree"
        for s in answered
    )
    assert all("(demo)" in s.name for s in count)
