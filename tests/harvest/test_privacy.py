"""CPR numbers are refused in every text field; contact details only warned about."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest import privacy
from harvest.errors import PrivacyViolation
from harvest.schemas import ActorCreate, OutcomeCreate, validate


def _cpr_for(birth: date, serial: int) -> str:
    """Build a CPR number whose seventh digit fits the birth year's century."""
    year = birth.year
    if 1900 <= year <= 1999:
        seventh = 0 if year < 1937 else 4
    elif year >= 2000:
        seventh = 4 if year <= 2036 else 5
    else:
        seventh = 5
    return f"{birth:%d%m%y}{seventh}{serial:03d}"


@pytest.mark.parametrize(
    "text",
    ["Borgeren 010190-1234 deltog", "cpr 0101901234", "211062-5629", "Se 2110625629."],
)
def test_valid_cpr_numbers_are_found(text):
    assert privacy.contains_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mødet var 12.03.2025 kl. 10",
        "Telefon 33 12 34 56",
        "321390-1234 er ikke en dato",
        "Sagsnummer 12345678901",
        "",
    ],
)
def test_things_that_are_not_cpr_numbers_pass(text):
    assert not privacy.contains_cpr(text)


@settings(max_examples=60, deadline=None)
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=1)),
    serial=st.integers(min_value=0, max_value=999),
    dash=st.booleans(),
    before=st.text(alphabet="abc æøå.,", max_size=20),
)
def test_any_valid_cpr_number_in_any_field_is_refused(birth, serial, dash, before):
    cpr = _cpr_for(birth, serial)
    written = f"{cpr[:6]}-{cpr[6:]}" if dash else cpr
    data = {"title": "Titel", "status": "lead", "sources": f"{before} {written} "}
    with pytest.raises(PrivacyViolation) as raised:
        validate(OutcomeCreate, data)
    assert "sources" in raised.value.errors


def test_cpr_in_an_actor_tag_is_refused():
    data = {
        "name": "Forening",
        "kind": "association",
        "sector": "civil_society",
        "tier": 2,
        "tags": ["musik", "010190-1234"],
    }
    with pytest.raises(PrivacyViolation) as raised:
        validate(ActorCreate, data)
    assert "tags" in raised.value.errors


def test_email_and_phone_give_warnings_not_refusals():
    findings = privacy.contact_warnings("Skriv til kontakt@sind.example.dk eller ring 33 12 34 56")
    assert {f.kind for f in findings} == {"email", "phone"}
    assert privacy.contact_warnings("Ingen kontaktdata her") == []


def test_contact_details_in_an_outcome_must_be_confirmed(session, create_harvest, create_actor):
    from harvest import outcomes
    from harvest.errors import WarningsNotConfirmed

    harvest, actor = create_harvest(), create_actor()
    data = {
        "title": "Kontakt",
        "changed_actor_id": actor.id,
        "change": "Ring til 33 12 34 56 for at komme med.",
    }
    with pytest.raises(WarningsNotConfirmed) as raised:
        outcomes.record_outcome(session, harvest, data, by=None)
    assert set(raised.value.errors) == {"change"}
    assert outcomes.record_outcome(session, harvest, data, by=None, confirm_warnings=True).id
