"""Officers at the counters (issue #18): sign-in and sign-out, shift changes, one person at one
counter, the day rollover, PINs through the lockout, and every counter event, call, service
and rating recording the officer (the log rebuilds it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kiosk.core.clock import ManualClock
from kiosk.core.config import ConfigInvalid
from kiosk.core.database import head_revision, upgrade
from kiosk.core.errors import (
    NoOfficerSignedIn,
    OfficerNotAllowed,
    OfficerPinRefused,
    UnknownOfficer,
)
from kiosk.core.lockout import FREE_TRIES
from kiosk.core.model import Event, EventKind
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.store import Store
from tests.support import OFFICER_PIN, make_config, migrated_to, officers_config, officers_toml

SIGN_KINDS = (EventKind.SIGNED_IN, EventKind.SIGNED_OUT)


@pytest.fixture
def staffed(store: Store, clock: ManualClock) -> QueueService:
    """The service of a point whose officers sign in (tests.support.officers_config)."""
    return QueueService(store, officers_config(), clock)


def events(service: QueueService, after: int = 0) -> list[Event]:
    return service.events_after(after)


def signs(service: QueueService, after: int = 0) -> list[tuple[str, int | None, str | None]]:
    """The sign-in and sign-out events: (kind, counter, officer)."""
    return [
        (e.kind.value, e.counter, e.officer) for e in events(service, after) if e.kind in SIGN_KINDS
    ]


def officer_at(service: QueueService, counter: int) -> tuple[str | None, str]:
    status = service.snapshot().counter_status(counter)
    assert status is not None
    return status.officer, status.officer_name


def test_sign_in_and_out_write_one_event_each_and_repeats_write_nothing(
    staffed: QueueService,
) -> None:
    assert officer_at(staffed, 1) == (None, "")
    assert staffed.sign_in(1, "lan") is True
    assert officer_at(staffed, 1) == ("lan", "Nguyễn Thị Lan")
    last = staffed.last_event_id()
    assert staffed.sign_in(1, "lan") is False  # a double Enter: nothing more
    assert staffed.last_event_id() == last
    assert staffed.sign_out(1) is True
    assert staffed.sign_out(1) is False
    assert signs(staffed) == [("signed_in", 1, "lan"), ("signed_out", 1, "lan")]
    [out] = [e for e in events(staffed) if e.kind is EventKind.SIGNED_OUT]
    assert (out.data, out.actor) == ({"reason": "sign_out"}, "counter:1")
    assert officer_at(staffed, 1) == (None, "")


def test_an_unknown_officer_or_a_counter_not_theirs_is_refused_in_both_languages(
    staffed: QueueService,
) -> None:
    with pytest.raises(UnknownOfficer) as unknown:
        staffed.sign_in(1, "lna")
    assert 'Did you mean "lan"?' in unknown.value.message_en
    assert "Không có cán bộ" in unknown.value.message_vi
    with pytest.raises(OfficerNotAllowed) as elsewhere:
        staffed.sign_in(1, "hoa")
    assert "counter 1 (only at 3)" in elsewhere.value.message_en
    assert "Lê Thị Hoa không làm việc ở quầy 1" in elsewhere.value.message_vi
    assert events(staffed) == []


def test_nobody_signed_in_cannot_call_and_every_counter_event_records_the_officer(
    staffed: QueueService,
) -> None:
    first = staffed.issue("hotich").ticket
    second = staffed.issue("hotich").ticket
    for call in (lambda: staffed.call_next(1), lambda: staffed.call_ticket(1, first.code)):
        with pytest.raises(NoOfficerSignedIn) as refused:
            call()
        assert "Chưa có cán bộ đăng nhập ở quầy 1" in refused.value.message_vi
        assert "No officer is signed in at counter 1" in refused.value.message_en
    staffed.sign_in(1, "lan")
    staffed.open_counter(1)
    assert staffed.call_next(1).officer == "lan"
    staffed.recall(1)
    staffed.start_service(1)
    staffed.pause_counter(1, "họp")
    staffed.open_counter(1)
    staffed.transfer(1, to_counter=2)
    staffed.call_ticket(1, second.code)
    staffed.skip(1)
    staffed.close_counter(1)
    at_counter = [(e.kind.value, e.officer) for e in events(staffed) if e.counter == 1]
    assert at_counter == [
        ("signed_in", "lan"),
        ("counter_opened", "lan"),
        ("called", "lan"),
        ("recalled", "lan"),
        ("serving", "lan"),
        ("counter_paused", "lan"),
        ("counter_opened", "lan"),
        ("transferred", "lan"),
        ("called", "lan"),
        ("skipped", "lan"),
        ("counter_closed", "lan"),
        ("signed_out", "lan"),  # closing the counter ends the sign-in
    ]
    assert officer_at(staffed, 1) == (None, "")
    # Not a counter's event: no officer.
    assert {e.officer for e in events(staffed) if e.kind is EventKind.ISSUED} == {None}
    # A transferred or skipped ticket keeps the officer who called it.
    assert {t.code: t.officer for t in staffed.tickets()} == {first.code: "lan", second.code: "lan"}
    assert mismatches(staffed.tickets(), replay(events(staffed))) == []


def test_a_shift_change_leaves_the_held_ticket_to_the_officer_who_completes_it(
    staffed: QueueService, clock: ManualClock
) -> None:
    t = staffed.issue("hotich").ticket
    staffed.sign_in(2, "lan")
    staffed.call_next(2)
    clock.advance(minutes=3)
    mark = staffed.last_event_id()
    assert staffed.sign_in(2, "minh", pin=OFFICER_PIN) is True
    # One transaction: Lan out, Minh in, nothing else between.
    assert [(e.kind.value, e.officer, e.data) for e in events(staffed, mark)] == [
        ("signed_out", "lan", {"reason": "shift_change", "by": "minh"}),
        ("signed_in", "minh", {}),
    ]
    held = staffed.snapshot().counter_status(2)
    assert held is not None and held.ticket is not None and held.ticket.officer == "lan"
    done = staffed.complete(2)
    assert (done.id, done.officer) == (t.id, "minh")
    [completed] = [e for e in events(staffed) if e.kind is EventKind.COMPLETED]
    [called] = [e for e in events(staffed) if e.kind is EventKind.CALLED]
    assert (called.officer, completed.officer) == ("lan", "minh")
    assert mismatches(staffed.tickets(), replay(events(staffed))) == []


def test_signing_out_with_a_held_ticket_leaves_it_at_the_counter(staffed: QueueService) -> None:
    staffed.issue("hotich")
    staffed.sign_in(1, "lan")
    called = staffed.call_next(1)
    staffed.sign_out(1)
    status = staffed.snapshot().counter_status(1)
    assert status is not None and status.ticket is not None and status.ticket.id == called.id
    done = staffed.complete(1)  # nobody signed in: its caller served it
    assert done.officer == "lan"
    [completed] = [e for e in events(staffed) if e.kind is EventKind.COMPLETED]
    assert completed.officer is None
    assert mismatches(staffed.tickets(), replay(events(staffed))) == []


def test_one_officer_is_signed_in_at_one_counter(staffed: QueueService) -> None:
    staffed.sign_in(1, "lan")
    staffed.sign_in(2, "lan")
    assert (officer_at(staffed, 1), officer_at(staffed, 2)) == (
        (None, ""),
        ("lan", "Nguyễn Thị Lan"),
    )
    assert signs(staffed) == [
        ("signed_in", 1, "lan"),
        ("signed_out", 1, "lan"),
        ("signed_in", 2, "lan"),
    ]
    [moved] = [e for e in events(staffed) if e.kind is EventKind.SIGNED_OUT]
    assert moved.data == {"reason": "moved", "to_counter": 2}


def test_a_sign_in_belongs_to_its_business_day(staffed: QueueService, clock: ManualClock) -> None:
    staffed.sign_in(4, "lan")
    yesterday = staffed.business_day()
    clock.set(clock.now() + timedelta(days=1))
    assert officer_at(staffed, 4) == (None, "")  # the console asks who is working today
    staffed.issue("datdai")
    with pytest.raises(NoOfficerSignedIn):
        staffed.call_next(4)
    # That refused write rolled back; the next write at the counter records yesterday's
    # sign-out on yesterday, then today's sign-in on today.
    staffed.sign_in(4, "lan")
    days = [(e.kind.value, e.business_day) for e in events(staffed) if e.kind in SIGN_KINDS]
    assert days == [
        ("signed_in", yesterday),
        ("signed_out", yesterday),
        ("signed_in", staffed.business_day()),
    ]
    [out] = [e for e in events(staffed) if e.kind is EventKind.SIGNED_OUT]
    assert out.data == {"reason": "day_end"}
    assert staffed.call_next(4).officer == "lan"


def test_an_officer_removed_from_the_config_is_signed_out(
    staffed: QueueService, store: Store, clock: ManualClock
) -> None:
    staffed.sign_in(5, "lan")
    fewer = officers_config().model_copy(
        update={"officers": [o for o in staffed.config.officers if o.id != "lan"]}
    )
    later = QueueService(store, fewer, clock)
    assert officer_at(later, 5) == (None, "")
    later.open_counter(5)
    assert signs(later)[-1] == ("signed_out", 5, "lan")
    [out] = [e for e in events(later) if e.kind is EventKind.SIGNED_OUT]
    assert out.data == {"reason": "not_configured"}


def test_a_pin_goes_through_the_lockout(staffed: QueueService) -> None:
    with pytest.raises(OfficerPinRefused) as wrong:
        staffed.sign_in(1, "minh", pin="111111")
    assert wrong.value.tries_left == FREE_TRIES - 1
    assert wrong.value.message_vi == "Sai mã PIN, còn 4 lần thử"
    with pytest.raises(OfficerPinRefused):
        staffed.sign_in(1, "minh")  # no PIN at all
    failed = [e.data for e in events(staffed) if e.kind is EventKind.PIN_FAILED]
    assert [d["scope"] for d in failed] == ["officer:minh", "officer:minh"]
    assert staffed.sign_in(1, "minh", pin=OFFICER_PIN)
    staffed.sign_out(1)
    for _ in range(FREE_TRIES):
        with pytest.raises(OfficerPinRefused) as locked:
            staffed.sign_in(1, "minh", pin="000000")
    assert locked.value.locked_seconds == 60
    with pytest.raises(OfficerPinRefused) as still:
        staffed.sign_in(1, "minh", pin=OFFICER_PIN)  # locked: even the right PIN waits
    assert "thử lại sau 1 phút" in still.value.message_vi
    assert staffed.sign_in(1, "lan")  # another officer's scope is not locked


def test_a_caller_that_plays_the_officer_signs_in_without_their_pin(
    staffed: QueueService,
) -> None:
    """`verified` (the simulator) skips the PIN and its lockout; without it the PIN is asked."""
    with pytest.raises(OfficerPinRefused):
        staffed.sign_in(1, "minh")
    assert staffed.sign_in(1, "minh", verified=True) is True
    assert [(e.kind, e.officer) for e in events(staffed)] == [
        (EventKind.PIN_FAILED, None),
        (EventKind.SIGNED_IN, "minh"),
    ]


def test_the_rating_records_the_officer_who_completed_the_service(
    staffed: QueueService,
) -> None:
    staffed.issue("hotich")
    staffed.sign_in(1, "lan")
    staffed.call_next(1)
    staffed.sign_in(1, "minh", pin=OFFICER_PIN)
    done = staffed.complete(1)
    staffed.sign_out(1)
    staffed.rate(done.id, "very_satisfied", channel="phone")
    [rated] = [e for e in events(staffed) if e.kind is EventKind.RATED]
    assert rated.officer == "minh"


def test_without_officers_nothing_changes(service: QueueService) -> None:
    service.issue("hotich")
    assert service.call_next(1).officer is None
    service.complete(1)
    assert {e.officer for e in events(service)} == {None}
    with pytest.raises(UnknownOfficer, match="Officers: —"):
        service.sign_in(1, "lan")


def test_migration_0009_adds_the_officer_columns_to_a_database_at_0008(
    empty_db_url: str, clock: ManualClock
) -> None:
    engine = migrated_to(empty_db_url, "0008")
    assert "officer" not in {c["name"] for c in sa.inspect(engine).get_columns("counters")}
    assert upgrade(engine) == ("0008", head_revision())
    inspector = sa.inspect(engine)
    for table in ("counters", "queue_events", "tickets"):
        assert "officer" in {c["name"] for c in inspector.get_columns(table)}, table
    engine.dispose()
    store = Store.open(empty_db_url)
    try:
        staffed = QueueService(store, officers_config(), clock)
        staffed.issue("hotich")
        staffed.sign_in(1, "lan")
        assert staffed.call_next(1).officer == "lan"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("toml", "key", "fragment"),
    [
        ('[[officers]]\nid = "Lan"\nname = "Lan"\n', "officers[0].id", "lower-case"),
        ('[[officers]]\nid = "lan"\nname = "  "\n', "officers[0].name", "officer's name"),
        ('[[officers]]\nid = "lan"\n', "officers[0].name", "required key is missing"),
        (
            '[[officers]]\nid = "lan"\nname = "Lan"\npin_hash = "123456"\n',
            "officers[0].pin_hash",
            "kiosk config set-officer-pin",
        ),
        (
            '[[officers]]\nid = "lan"\nname = "Lan"\ncounters = [12]\n',
            "officers[0].counters[0]",
            "no counter 12 is defined",
        ),
    ],
)
def test_officer_problems_name_the_key_and_the_fix(toml: str, key: str, fragment: str) -> None:
    with pytest.raises(ConfigInvalid) as err:
        make_config(toml)
    found = {p.key: p.message for p in err.value.problems}
    assert key in found and fragment in found[key], found


def test_two_officers_with_one_id_are_refused_together_with_other_problems() -> None:
    twice = officers_toml() + '\n[[officers]]\nid = "lan"\nname = "Lan khác"\ncounters = [0]\n'
    with pytest.raises(ConfigInvalid) as err:
        make_config(twice)
    found = {p.key: p.message for p in err.value.problems}
    assert "already used by officers[0]" in found["officers[3].id"]
    assert "officers[3].counters[0]" in found
    cfg = officers_config()
    assert [o.id for o in cfg.officers_at(3)] == ["lan", "hoa"]
    assert [o.id for o in cfg.officers_at(1)] == ["lan", "minh"]
