"""Domain errors: each carries a message a clerk or an admin can act on (Vietnamese, English)."""

from __future__ import annotations

from kiosk.core.texts import Text


class KioskError(Exception):
    """Base of every error the program reports to a person instead of a traceback."""

    #: Exit code for the CLI: 1 = a refusal of the queue rules, 2 = a user mistake.
    exit_code = 1

    def __init__(self, message_vi: str, message_en: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        super().__init__(self.message_en)

    @property
    def text(self) -> Text:
        """The message as the one bilingual text type."""
        return Text(self.message_vi, self.message_en)

    def message(self, language: str = "en") -> str:
        """The message in the requested language ("vi" or "en")."""
        return self.text.get(language)


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


class CallTooSoon(QueueError):
    """Call next again within `queue.call_guard_seconds` of the counter's last call."""


class CounterNotServingField(QueueError):
    pass


class InvalidTicketState(QueueError):
    pass


class UnknownOfficer(QueueError):
    """No officer of that id is configured."""

    exit_code = 2


class OfficerNotAllowed(QueueError):
    """The officer may not sign in at that counter (`[[officers]] counters`)."""


class NoOfficerSignedIn(QueueError):
    """Officers are configured and nobody is signed in at the counter: it cannot call."""


class OfficerPinRefused(QueueError):
    """A wrong officer PIN, or a PIN tried while locked (`tries_left`, `locked_seconds`)."""

    def __init__(
        self, message_vi: str, message_en: str, *, tries_left: int, locked_seconds: float
    ) -> None:
        super().__init__(message_vi, message_en)
        self.tries_left = tries_left
        self.locked_seconds = locked_seconds


class ConfigError(KioskError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 2


class DatabaseError(KioskError):
    """The database cannot be reached or opened; names what to check."""

    exit_code = 2


#: What the kiosk and consoles show while the database is away.
UNAVAILABLE = Text(
    "Hệ thống tạm thời gián đoạn, vui lòng chờ trong giây lát",
    "Temporarily unavailable, please wait a moment",
)
UNAVAILABLE_VI, UNAVAILABLE_EN = UNAVAILABLE


class DatabaseUnavailable(DatabaseError):
    """The database went away while running (server stopped, network down): retry later.

    Every QueueService call raises this during an outage; the same call succeeds again by
    itself once the server is back (the connection pool reconnects).
    """

    exit_code = 1

    def __init__(self, message_vi: str = UNAVAILABLE_VI, message_en: str | None = None) -> None:
        super().__init__(message_vi, message_en or UNAVAILABLE_EN)


class DatabaseUnreachable(DatabaseUnavailable):
    """The first connection of a program failed: the message names the host to check.

    Still a DatabaseUnavailable, so a screen that starts while the server is down can wait
    and retry; the CLI exits 1 like any outage (scripts retry on 1), while a wrong password,
    database name or URL is a plain DatabaseError (exit 2).
    """


class DatabaseTooNew(DatabaseUnavailable):
    """The database was upgraded by a newer kiosk (another PC updated first).

    The screens wait on their "temporarily unavailable" notice with this cause and start once
    this PC is updated (or the database is back at a revision this version knows); the CLI
    refuses in one line, exit 2: the fix is to update this PC, not to retry.
    """

    exit_code = 2


class CopyVerificationFailed(KioskError):
    """`kiosk db copy` finished, but the copy does not equal the source."""
