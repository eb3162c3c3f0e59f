"""Domain errors, each carrying an untranslated message the web and CLI layers translate.

Messages are msgids marked with `N_`; `params` fill their `%(name)s` placeholders.
Must not import `app` or Flask.
"""

from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional name for a deferred translation
    """Mark `message` for translation without translating it here."""
    return message


class BrobygError(Exception):
    """A problem the user can fix; its message is shown to them, translated."""

    message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.message = message or self.message
        self.params = params
        super().__init__(self.message % params if params else self.message)


class NotFound(BrobygError):
    message = N_("Not found.")


class PermissionDenied(BrobygError):
    message = N_("You do not have permission to do that.")


class ValidationFailed(BrobygError):
    """Input broke one or more rules; `errors` maps each field to (message, params)."""

    message = N_("Please correct the marked fields.")

    def __init__(self, errors: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self.errors = errors
        super().__init__()

    def __str__(self) -> str:
        return "; ".join(
            f"{field}: {msg % params if params else msg}"
            for field, (msg, params) in self.errors.items()
        )


class PrivacyViolation(ValidationFailed):
    """Text contains personal data that Brobyg must never store (a CPR number)."""


class WarningsNotConfirmed(ValidationFailed):
    """Text holds contact details (e-mail, phone); the user must confirm they are meant."""


class StaleVersion(BrobygError):
    """The record changed since the editor read it; `current` is the stored record."""

    message = N_("Someone else saved this record while you were editing it.")

    def __init__(self, current: Any, submitted: dict[str, Any] | None = None) -> None:
        self.current = current
        self.submitted = submitted or {}
        super().__init__()
