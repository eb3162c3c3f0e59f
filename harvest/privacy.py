"""Privacy checks on free text: CPR numbers are refused, contact details warned about.

Citizens are never recorded as individuals. A Danish CPR number (with or without
the dash, a real birth date and a century digit that fits it) is refused wherever
text enters Brobyg; e-mail addresses and phone numbers only raise a warning, since
an organisation's public contact is legitimate. Must not import `app` or Flask.
"""

import re
from dataclasses import dataclass

from stdnum.dk import cpr

from harvest.errors import N_

_CPR_CANDIDATE = re.compile(r"(?<![\d-])(\d{6})[- ]?(\d{4})(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+45[ ]?)?(?:\d{2}[ ]?){3}\d{2}(?!\d)")

CPR_MESSAGE = N_(
    "This text contains what looks like a CPR number. Brobyg never stores personal "
    "identity numbers: remove it and describe citizens only as an anonymous group."
)
EMAIL_WARNING = N_("This text contains an e-mail address. Is it an organisation's public contact?")
PHONE_WARNING = N_("This text contains a phone number. Is it an organisation's public number?")


@dataclass(frozen=True)
class Finding:
    """Something personal found in a text: its kind and the msgid that explains it."""

    kind: str
    message: str


def contains_cpr(text: str) -> bool:
    """Tell whether `text` holds a valid Danish CPR number."""
    for match in _CPR_CANDIDATE.finditer(text or ""):
        if cpr.is_valid(match.group(1) + match.group(2)):
            return True
    return False


def contact_warnings(text: str) -> list[Finding]:
    """Return warnings for e-mail addresses and phone numbers in `text`."""
    findings = []
    if _EMAIL.search(text or ""):
        findings.append(Finding("email", EMAIL_WARNING))
    without_cpr_like = _CPR_CANDIDATE.sub(" ", text or "")
    if _PHONE.search(without_cpr_like):
        findings.append(Finding("phone", PHONE_WARNING))
    return findings
