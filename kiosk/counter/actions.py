"""The console's operations: one small function each, run by `Operations` in a worker.

Each returns an `Outcome` (a line to show the clerk) or raises a KioskError whose Vietnamese
and English messages the console shows as a refusal ("Không còn ai chờ lĩnh vực Hộ tịch").
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.errors import NoOneWaiting, NoTicketAtCounter
from kiosk.core.model import Ticket
from kiosk.core.queue import QueueService
from kiosk.core.texts import Text
from kiosk.core.wording import dossiers_text
from kiosk.counter import texts as T


@dataclass(frozen=True)
class Outcome:
    """What the console tells its clerk after an action, and the ticket it concerns."""

    text: Text
    ticket: Ticket | None = None


def _called(service: QueueService, held: str | None, t: Ticket, dossiers: int) -> Outcome:
    done = held if service.config.queue.complete_on_next else None
    called = Text(f"Đã gọi số {t.code}", f"Called {t.code}")
    if done is None:
        return Outcome(called, t)
    vi, en = dossiers_text(dossiers)
    return Outcome(
        Text(f"Đã hoàn thành {done} ({vi}). {called.vi}", f"Completed {done} ({en}). {called.en}"),
        t,
    )


def call_next(
    service: QueueService, counter: int, *, dossiers: int = 1, held: str | None = None
) -> Outcome:
    """Call the next citizen; core refuses a repeat within the call guard (a bounced key).

    `held` is the ticket the console shows in hand: core completes it first with the clerk's
    dossier count (`queue.complete_on_next`), in the same transaction as the call. When no one
    waits, the ticket in hand is still completed, so "+" also finishes the day's last citizen.
    """
    try:
        t = service.call_next(counter, dossiers=dossiers, guard=True)
    except NoOneWaiting as exc:
        if held is None or not service.config.queue.complete_on_next:
            raise
        try:
            done = service.complete(counter, dossiers=dossiers)
        except NoTicketAtCounter:
            raise exc from None
        vi, en = dossiers_text(dossiers)
        raise NoOneWaiting(
            f"Đã hoàn thành {done.code} ({vi}). {exc.message_vi}",
            f"Completed {done.code} ({en}). {exc.message_en}",
        ) from None
    return _called(service, held, t, dossiers)


def call_ticket(
    service: QueueService, counter: int, *, code: str, dossiers: int = 1, held: str | None = None
) -> Outcome:
    """Call a chosen waiting ticket out of turn (the ticket in hand as in `call_next`)."""
    t = service.call_ticket(counter, code, dossiers=dossiers, guard=True)
    return _called(service, held, t, dossiers)


def recall(service: QueueService, counter: int) -> Outcome:
    t = service.recall(counter)
    return Outcome(
        Text(f"Đã gọi lại số {t.code} (lần {t.recalls})", f"Recalled {t.code} (time {t.recalls})"),
        t,
    )


def skip(service: QueueService, counter: int) -> Outcome:
    t = service.skip(counter)
    return Outcome(Text(f"Đã bỏ qua số {t.code} (vắng mặt)", f"Skipped {t.code} (no-show)"), t)


def return_skipped(service: QueueService, counter: int, *, code: str) -> Outcome:
    t = service.return_skipped(code, actor=f"counter:{counter}")
    return Outcome(
        Text(f"Đã đưa số {t.code} trở lại hàng chờ", f"{t.code} is back in the queue"), t
    )


def complete(service: QueueService, counter: int, *, dossiers: int = 1) -> Outcome:
    t = service.complete(counter, dossiers=dossiers)
    vi, en = dossiers_text(dossiers)
    return Outcome(Text(f"Đã hoàn thành số {t.code} ({vi})", f"Completed {t.code} ({en})"), t)


def transfer(
    service: QueueService,
    counter: int,
    *,
    to_field: str | None = None,
    to_counter: int | None = None,
) -> Outcome:
    t = service.transfer(counter, to_field=to_field, to_counter=to_counter)
    if to_field is not None:
        f = service.config.field(to_field)
        name_vi, name_en = (f.name, f.name_en) if f else (to_field, to_field)
        return Outcome(
            Text(
                f"Đã chuyển số {t.code} sang lĩnh vực {name_vi}",
                f"Transferred {t.code} to {name_en}",
            ),
            t,
        )
    return Outcome(
        Text(
            f"Đã chuyển số {t.code} sang quầy số {to_counter}",
            f"Transferred {t.code} to counter {to_counter}",
        ),
        t,
    )


def pause(service: QueueService, counter: int, *, reason: str = "") -> Outcome:
    service.pause_counter(counter, reason)
    why = f": {reason}" if reason else ""
    return Outcome(Text(f"Quầy đang tạm dừng{why}", f"Counter paused{why}"))


def resume(service: QueueService, counter: int) -> Outcome:
    service.open_counter(counter)
    return Outcome(Text("Quầy đã mở lại", "Counter open again"))


def open_counter(service: QueueService, counter: int) -> Outcome:
    service.open_counter(counter)
    return Outcome(Text(f"Quầy số {counter} đã mở", f"Counter {counter} is open"))


def sign_in(service: QueueService, counter: int, *, officer: str, pin: str = "") -> Outcome:
    """Sign `officer` in (their PIN checked by core through the lockout)."""
    service.sign_in(counter, officer, pin=pin or None)
    found = service.config.officer(officer)
    return Outcome(T.SIGNED_IN.fill(name=found.name if found else officer))


def sign_out(service: QueueService, counter: int, *, officer_name: str = "") -> Outcome:
    """Sign the officer at `counter` out; a ticket in hand stays for the next officer."""
    service.sign_out(counter)
    return Outcome(T.SIGNED_OUT.fill(name=officer_name) if officer_name else T.SIGNED_OUT_NOBODY)
