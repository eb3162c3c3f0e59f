"""The CPR detector: every way Word, Outlook and people write a CPR number is found;
ordinary ten-digit numbers, phone numbers, dates and amounts pass."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest import privacy

CPR = "010190-1234"

# Every dash, hyphen and minus sign, every kind of space, dots and slashes.
DASHES = [
    "-",
    "\u00ad",  # soft hyphen
    "\u2010",
    "\u2011",  # non-breaking hyphen
    "\u2012",
    "\u2013",  # en dash, as Word writes
    "\u2014",
    "\u2015",
    "\u2212",  # minus sign
    "\ufe58",
    "\ufe63",
    "\uff0d",
]
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u2002", "\u3000", "\t", "\u200b", "\u2060", ""]
OTHERS = [".", "/"]
SEPARATORS = DASHES + SPACES + OTHERS


@pytest.mark.parametrize(
    "text",
    [
        "010190-1234",
        "0101901234",
        "010190 1234",
        "010190\u20131234",  # en dash
        "010190\u00a01234",  # no-break space
        "010190\u20111234",  # non-breaking hyphen
        "010190\u22121234",  # minus sign
        "010190\u00ad1234",  # soft hyphen
        "010190\u200b1234",  # zero-width space
        "010190.1234",
        "010190/1234",
        "010190 - 1234",
        "010190 \u2013 1234",
        "010190\u202f\u2013\u202f1234",
        "01 01 90-1234",
        "01.01.90-1234",
        "01-01-90-1234",
        "01/01/90 1234",
        "CPR-010190-1234",
        "CPR 0101901234",
        "cpr-nr. 010190-1234",
        "CPR-nr.: 010190\u20131234",
        "personnummer 010190-1234",
        "\uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff12\uff13\uff14",  # full width
        "Borgeren (010190-1234) deltog i mødet.",
        "Se 211062-5629.",
        "Postnummer 2100 0101901234",
        "første 010190-1234 og anden 020290-1234",
    ],
)
def test_every_way_of_writing_a_cpr_number_is_found(text):
    assert privacy.contains_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "+45 70 10 20 30",
        "+45 7010 2030",
        "+4570102030",
        "0045 70102030",
        "0045 70 10 20 30",
        "Ring 33 12 34 56 eller 33\u00a012\u00a034\u00a056",
        "Ordrenummer 4000123456",
        "Ordre 9912345678",
        "Sagsnummer 12345678901",
        "2024-01-01",
        "Mødet 2024-01-01 kl. 10",
        "Perioden 01.01.2025-31.12.2025",
        "Mødet var 12.03.2025 kl. 10",
        "1.1.1990 kl. 12.34",
        "ISBN 87-7245-123-4",
        "ISBN 978-87-7245-123-4",
        "ISBN 9788772451234",
        "kr. 1.234.567,89",
        "Budget 12.500.000 kr.",
        "CVR 12345678",
        "EAN 5790000123456",
        "2100 København Ø, tlf. 35 20 30 40",
        "8000 Aarhus C 86123456",
        "321390-1234 er ikke en dato",
        "011390-1234 har måned 13",
        "12-010190-1234-5",
        "",
    ],
)
def test_ordinary_numbers_pass(text):
    assert not privacy.contains_cpr(text)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Borger 010190\u20131234 deltog", "Borger [CPR fjernet] deltog"),
        ("CPR-nr. 01 01 90-1234.", "CPR-nr. [CPR fjernet]."),
        ("a 0101901234 b 211062/5629 c", "a [CPR fjernet] b [CPR fjernet] c"),
        ("Ingen numre her", "Ingen numre her"),
    ],
)
def test_redaction_replaces_the_number_and_keeps_the_rest(text, redacted):
    assert privacy.redact_cpr(text) == redacted


def test_a_found_number_is_shown_masked():
    (found,) = privacy.find_cpr("Se 010190\u20131234 her")
    assert found.masked == "01019•-••••"
    assert "1234" not in found.masked


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Skriv til kontakt@sind.example.dk", {"email"}),
        ("Ring 33 12 34 56", {"phone"}),
        ("Ring 33\u00a012\u00a034\u00a056", {"phone"}),
        ("Ring +45 33 12 34 56", {"phone"}),
        ("Mødet er 2024-01-01 kl. 10.30", set()),
        ("Perioden 01.01.2025\u201331.12.2025", set()),
        ("Ingen kontaktdata her", set()),
    ],
)
def test_contact_warnings_are_not_set_off_by_dates_or_dashes(text, kinds):
    assert {f.kind for f in privacy.contact_warnings(text)} == kinds


# --- properties -----------------------------------------------------------------------


def _cpr_for(birth: date, serial: int) -> str:
    """Build a CPR number whose seventh digit fits the birth year's century."""
    year = birth.year
    if 1900 <= year <= 1936:
        seventh = 0
    elif year <= 2036:
        seventh = 4
    else:
        seventh = 5
    return f"{birth:%d%m%y}{seventh}{serial:03d}"


GROUPINGS = [(6, 4), (10,), (2, 2, 2, 4)]
separator = st.builds(
    lambda before, sep, after: before + sep + after,
    st.sampled_from(["", " ", "\u00a0"]),
    st.sampled_from(SEPARATORS),
    st.sampled_from(["", " ", "\u202f"]),
)
danish = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåÆØÅ ,;:()!?\n", max_size=30)
prefix = st.sampled_from(["", "CPR ", "CPR-", "cpr-nr. ", "CPR-nr.: ", "personnummer "])


def _grouped(digits: str, grouping: tuple[int, ...], seps: list[str]) -> str:
    parts, start = [], 0
    for size in grouping:
        parts.append(digits[start : start + size])
        start += size
    written = parts[0]
    for part, sep in zip(parts[1:], seps, strict=False):
        written += sep + part
    return written


@settings(max_examples=300, deadline=None)
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=1)),
    serial=st.integers(min_value=0, max_value=999),
    grouping=st.sampled_from(GROUPINGS),
    seps=st.lists(separator, min_size=3, max_size=3),
    label=prefix,
    before=danish,
    after=danish,
)
def test_any_cpr_number_in_any_grouping_and_separator_is_found(
    birth, serial, grouping, seps, label, before, after
):
    written = _grouped(_cpr_for(birth, serial), grouping, seps)
    text = f"{before} {label}{written} {after}"
    assert privacy.contains_cpr(text), repr(text)
    assert privacy.contains_cpr(privacy.redact_cpr(text)) is False


@settings(max_examples=200, deadline=None)
@given(
    number=st.integers(min_value=10_000_000, max_value=99_999_999),
    country=st.sampled_from(["+45", "+45 ", "0045", "0045 ", "+45\u00a0", "(+45) "]),
    grouping=st.sampled_from([(8,), (4, 4), (2, 2, 2, 2)]),
    sep=st.sampled_from([" ", "\u00a0", ""]),
    before=danish,
)
def test_phone_numbers_with_country_code_are_never_taken_for_cpr(
    number, country, grouping, sep, before
):
    written = _grouped(str(number), grouping, [sep] * 3)
    assert not privacy.contains_cpr(f"{before} tlf. {country}{written}")


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    sep=st.sampled_from("-./"),
)
def test_dates_are_never_taken_for_cpr(day, sep):
    assert not privacy.contains_cpr(f"{day:%Y}{sep}{day:%m}{sep}{day:%d}")
    assert not privacy.contains_cpr(f"{day:%d}{sep}{day:%m}{sep}{day:%Y}")
