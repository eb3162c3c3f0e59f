"""The outcome spreadsheet's columns: their keys and their headers in English and Danish.

The keys are DESIGN.md's "Outcome spreadsheet" contract and are the English headers. An
export writes the headers in the user's language; an import reads either language (and
the keys), in any case and with spaces, hyphens or underscores. Columns an export adds
beyond the contract (coding dimensions, verdicts, chains) are read back where they can be
set (coding dimensions) and otherwise ignored, so an export imports unchanged.
Must not import `app` or Flask.
"""

import re
import unicodedata

from harvest.report import COLUMNS

# Danish headers of the contract columns and of the columns an export adds.
DANISH_HEADERS: dict[str, str] = {
    "id": "id",
    "title": "titel",
    "changed_actor": "forandret aktør",
    "change": "forandring",
    "when": "hvornår",
    "where": "hvor",
    "significance": "betydning",
    "contribution": "bidrag",
    "contributors": "bidragydere",
    "sources": "kilder",
    "type_of_change": "type af forandring",
    "intended": "tilsigtet",
    "positive": "positiv",
    "social_capital_form": "form af social kapital",
    "status": "status",
    "harvest_question": "høstspørgsmål",
    "significance_rating": "betydningsvurdering",
    "contribution_level": "bidragsniveau",
    "recovery_domain": "recovery-domæne",
    "verdict_outcome": "vurdering af forandring",
    "verdict_significance": "vurdering af betydning",
    "verdict_contribution": "vurdering af bidrag",
    "substantiations": "substantieringer",
    "contributed_to": "bidrog til",
    "contributed_from": "bidrag fra",
}

# Columns an export writes that an import never sets (they are read-only facts).
READ_ONLY = frozenset(
    {
        "verdict_outcome",
        "verdict_significance",
        "verdict_contribution",
        "substantiations",
        "contributed_to",
        "contributed_from",
    }
)


def column_key(header: str) -> str:
    """Return the normalised form of a header: case-folded, NFC, words joined by `_`."""
    text = unicodedata.normalize("NFC", header).replace("\u00a0", " ").strip().casefold()
    return re.sub(r"[\s\-–—_]+", "_", text)


_BY_HEADER: dict[str, str] = {column_key(k): k for k in DANISH_HEADERS}
_BY_HEADER.update({column_key(v): k for k, v in DANISH_HEADERS.items()})


def known_column(header: str) -> str | None:
    """Return the column key a header (English key or Danish header) names, if any."""
    return _BY_HEADER.get(column_key(header))


def header_for(key: str, language: str) -> str:
    """Return the header of column `key` in `language` ("da" or "en"); unknown keys as is."""
    if language == "da":
        return DANISH_HEADERS.get(key, key)
    return key


__all__ = ["COLUMNS", "DANISH_HEADERS", "READ_ONLY", "column_key", "header_for", "known_column"]
