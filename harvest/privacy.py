"""Privacy checks on free text: CPR numbers are refused, contact details warned about.

Citizens are never recorded as individuals. A Danish CPR number is refused wherever
text enters Brobyg; e-mail addresses and phone numbers only raise a warning, since
an organisation's public contact is legitimate.

The CPR check first normalises the text (Unicode NFKC, every dash and minus sign to
"-", every space to " ", invisible format characters removed) and then looks for ten
digits grouped as day, month, year and serial (2-2-2-4, 6-4 or 10, with "-", ".",
"/" or a space between the parts, spaces allowed around them), with or without a
"CPR"/"cpr-nr."/"personnummer" prefix. A candidate counts only when
`stdnum.dk.cpr` accepts its birth date (a real date, not in the future, in the
century its seventh digit gives); the modulus 11 check is not required, since
numbers issued since 2007 need not satisfy it. Must not import `app` or Flask.
"""

import re
import unicodedata
from dataclasses import dataclass

from stdnum.dk import cpr

from harvest.errors import N_

REDACTED = "[CPR fjernet]"

# Every dash, hyphen and minus sign (after NFKC some of them are already "-").
DASHES = "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2796\ufe58\ufe63\uff0d\u02d7"
_DASH_TABLE = dict.fromkeys(map(ord, DASHES), "-")
_SEP = r"(?:\s?[-./]\s?|\s)?"
_CPR_CANDIDATE = re.compile(
    r"(?<![0-9])(?<![0-9][-./])"
    rf"(?=([0-9]{{2}}){_SEP}([0-9]{{2}}){_SEP}([0-9]{{2}}){_SEP}([0-9]{{4}})"
    r"(?![0-9])(?![-./][0-9]))"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+45[ ]?)?(?:\d{2}[ ]?){3}\d{2}(?!\d)")

CPR_MESSAGE = N_(
    "This text contains what looks like a CPR number. Brobyg never stores personal "
    "identity numbers: remove it and describe citizens only as an anonymous group."
)
CPR_FILENAME_MESSAGE = N_(
    "The file name contains what looks like a CPR number. Brobyg never stores personal "
    "identity numbers: rename the file and upload it again."
)
EMAIL_WARNING = N_("This text contains an e-mail address. Is it an organisation's public contact?")
PHONE_WARNING = N_("This text contains a phone number. Is it an organisation's public number?")


@dataclass(frozen=True)
class Finding:
    """Something personal found in a text: its kind and the msgid that explains it."""

    kind: str
    message: str


@dataclass(frozen=True)
class CprMatch:
    """A CPR number found in a text: its ten digits and where it stands in the original."""

    digits: str
    start: int
    end: int

    @property
    def masked(self) -> str:
        """Return the number masked so that it can be shown, e.g. 01019•-••••."""
        return f"{self.digits[:5]}•-••••"


def _normalised(text: str) -> tuple[str, list[int]]:
    """Return `text` normalised for the CPR check and, per character, its original index."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char).translate(_DASH_TABLE):
            if part.isspace():
                if chars and chars[-1] == " ":
                    continue
                part = " "
            elif unicodedata.category(part) == "Cf":
                continue
            chars.append(part)
            origin.append(index)
    return "".join(chars), origin


def normalise(text: str) -> str:
    """Return `text` as the CPR check reads it: NFKC, one kind of dash and of space."""
    return _normalised(text or "")[0]


def find_cpr(text: str) -> list[CprMatch]:
    """Return every valid CPR number in `text`, in order, with its place in `text`."""
    if not text or sum(c.isdigit() for c in text) < 10:
        return []
    flat, origin = _normalised(text)
    found: list[CprMatch] = []
    for match in _CPR_CANDIDATE.finditer(flat):
        digits = "".join(match.groups())
        start, end = origin[match.start(1)], origin[match.end(4) - 1] + 1
        if found and start < found[-1].end:
            continue
        if cpr.is_valid(digits):
            found.append(CprMatch(digits, start, end))
    return found


def contains_cpr(text: str) -> bool:
    """Tell whether `text` holds a valid Danish CPR number, however it is written."""
    return bool(find_cpr(text))


def redact_cpr(text: str, marker: str = REDACTED) -> str:
    """Return `text` with every CPR number in it replaced by `marker`."""
    for match in reversed(find_cpr(text)):
        text = text[: match.start] + marker + text[match.end :]
    return text


def contact_warnings(text: str) -> list[Finding]:
    """Return warnings for e-mail addresses and phone numbers in `text`."""
    findings = []
    if _EMAIL.search(text or ""):
        findings.append(Finding("email", EMAIL_WARNING))
    flat = normalise(text or "")
    spans = [(m.start(1), m.end(4)) for m in _CPR_CANDIDATE.finditer(flat)]
    for start, end in reversed(spans):
        flat = flat[:start] + " " * (end - start) + flat[end:]
    if _PHONE.search(flat):
        findings.append(Finding("phone", PHONE_WARNING))
    return findings


SMALL_COUNT = 3  # public pages show counts from 1 to 2 as "under 3"


def is_small(count: int, threshold: int = SMALL_COUNT) -> bool:
    """Tell whether a count shown to the public is so small it could point to people."""
    return 0 < count < threshold
