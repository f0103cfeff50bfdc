"""Domain errors: each carries a message a clerk or an admin can act on (Vietnamese, English)."""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error the program reports to a person instead of a traceback."""

    #: Exit code for the CLI: 1 = a refusal of the queue rules, 2 = a user mistake.
    exit_code = 1

    def __init__(self, message_vi: str, message_en: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        super().__init__(self.message_en)

    def message(self, language: str = "en") -> str:
        """The message in the requested language ("vi" or "en")."""
        return self.message_vi if language == "vi" else self.message_en


class QueueError(KioskError):
    """A queue rule refused the operation (nothing was changed)."""


class UnknownField(QueueError):
    exit_code = 2


class UnknownCounter(QueueError):
    exit_code = 2


class UnknownTicket(QueueError):
    exit_code = 2


class FieldClosed(QueueError):
    pass


class DailyCapReached(QueueError):
    pass


class NoOneWaiting(QueueError):
    pass


class NoTicketAtCounter(QueueError):
    pass


class CounterBusy(QueueError):
    pass


class CounterNotServingField(QueueError):
    pass


class InvalidTicketState(QueueError):
    pass


class ConfigError(KioskError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 2


class DatabaseError(KioskError):
    """The database cannot be reached or opened; names what to check."""

    exit_code = 2


class DatabaseUnavailable(DatabaseError):
    """The database went away while running (server stopped, network down): retry later."""

    exit_code = 1
