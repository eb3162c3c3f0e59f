"""Every user-visible string goes through the translation layer and has a Danish translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "app" / "translations"


def _po(lang: str):
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def test_catalog_holds_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_l",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        in_code = {m.id for m in read_po(f) if m.id}
    in_catalog = {m.id for m in _po("da") if m.id}
    assert sorted(map(str, in_code - in_catalog)) == []


def test_every_string_has_a_danish_translation():
    untranslated = [
        m.id for m in _po("da") if m.id and not (all(m.string) if m.pluralizable else m.string)
    ]
    assert untranslated == []


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    filled = all(string) if isinstance(string, tuple | list) else bool(string)
    return filled and _key(string) != _key(message.id)  # type: ignore[attr-defined]


def _key(value: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else value


def test_compiled_catalogs_match_their_sources():
    for lang in ("da", "en"):
        with (CATALOGS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id and _translated(m)}
        source = {_key(m.id): _key(m.string) for m in _po(lang) if m.id and _translated(m)}
        assert compiled == source, f"run pybabel compile -d app/translations ({lang})"
