"""A ticket's web page: a random token stored with the ticket, and the view its page shows.

The token is the page's only address: 128 random bits, unique, never derived from the number
and kept out of the event log. `ticket_views` gives what the page shows with the kiosk's own
people-ahead and estimate, and old business days read as expired.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk.core.clock import ManualClock
from kiosk.core.config import ConfigInvalid, parse_config
from kiosk.core.database import head_revision, upgrade
from kiosk.core.model import TicketState
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import config_text, make_config, migrated_to


def test_every_ticket_gets_its_own_128_bit_token_unrelated_to_its_number(
    service: QueueService,
) -> None:
    issued = [service.issue("hotich").ticket for _ in range(30)]
    tokens = [t.page_token for t in issued]
    assert all(tokens) and len(set(tokens)) == len(tokens)
    for t in issued:
        assert t.page_token is not None
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", t.page_token)
        assert len(base64.urlsafe_b64decode(t.page_token + "==")) == 16
        assert t.code not in t.page_token
    # Stored with the ticket: reading it back gives the same token.
    assert service.ticket(issued[0].id).page_token == tokens[0]


def test_the_token_never_enters_the_event_log(service: QueueService) -> None:
    t = service.issue("hotich").ticket
    service.call_next(1)
    assert t.page_token is not None
    for e in service.events_after(0):
        assert t.page_token not in repr(e.data)


def test_views_give_the_kiosks_people_ahead_and_estimate_while_waiting(
    service: QueueService,
) -> None:
    first = service.issue("hotich")
    second = service.issue("hotich")
    elder = service.issue("hotich", priority=True)
    tokens = [x.ticket.page_token or "" for x in (first, second, elder)]
    views = service.ticket_views([*tokens, "no-such-token", ""])
    assert set(views) == set(tokens)
    # The priority ticket goes first: both earlier tickets now have one more person ahead.
    assert views[tokens[2]].people_ahead == elder.people_ahead == 0
    assert views[tokens[0]].people_ahead == 1
    assert views[tokens[1]].people_ahead == 2
    called = service.call_next(1)
    assert called.page_token == tokens[2]
    after = service.ticket_views(tokens)
    assert after[tokens[2]].ticket.state is TicketState.CALLED
    assert after[tokens[2]].ticket.counter == 1
    assert after[tokens[2]].people_ahead is None
    assert after[tokens[0]].people_ahead == 0
    assert not any(v.expired for v in after.values())


def test_a_page_reads_its_estimate_like_a_new_ticket_at_that_place(service: QueueService) -> None:
    service.open_counter(1)
    waiting = [service.issue("hotich") for _ in range(4)]
    last = waiting[-1]
    view = service.ticket_views([last.ticket.page_token or ""])[last.ticket.page_token or ""]
    assert (view.people_ahead, view.estimated_wait_minutes) == (
        last.people_ahead,
        last.estimated_wait_minutes,
    )


def test_pages_of_earlier_business_days_are_expired(
    service: QueueService, clock: ManualClock
) -> None:
    done = service.issue("hotich").ticket
    left = service.issue("hotich").ticket
    service.call_next(1)
    service.complete(1)
    clock.advance(days=1)
    views = service.ticket_views([done.page_token or "", left.page_token or ""])
    assert all(v.expired and not v.today for v in views.values())
    assert views[left.page_token or ""].people_ahead is None


def test_a_skipped_ticket_is_not_expired_the_same_day(service: QueueService) -> None:
    t = service.issue("hotich").ticket
    service.call_next(1)
    service.skip(1)
    view = service.ticket_views([t.page_token or ""])[t.page_token or ""]
    assert view.ticket.state is TicketState.SKIPPED and not view.expired


def test_many_pages_are_read_in_one_call(service: QueueService) -> None:
    """More pages than one query takes (500 tokens each): every page still comes back."""
    many = 520
    tokens = [service.issue("chungthuc").ticket.page_token or "" for _ in range(many)]
    views = service.ticket_views(tokens)
    assert len(views) == many
    assert sorted(v.people_ahead or 0 for v in views.values()) == list(range(many))


# ------------------------------------------------------------------------------ config


def web_config(lines: str) -> Any:
    """The shipped config with its [web] table replaced by `lines`."""
    text = config_text()
    return parse_config(text[: text.index("\n[web]")] + f"\n[web]\n{lines}\n")


def test_web_config_defaults_and_addresses() -> None:
    web = make_config().web
    assert (web.host, web.port, web.public_url) == ("127.0.0.1", 8080, "")
    assert web.page_url("abc") == "http://127.0.0.1:8080/t/abc"
    assert web.qr_page_url("abc") is None  # no public address: the QR keeps its plain text
    wifi = web_config('bind = "0.0.0.0:8090"\npublic_url = "http://192.168.1.10:8090/"').web
    assert wifi.page_url("abc") == "http://192.168.1.10:8090/t/abc"
    assert wifi.qr_page_url(None) is None
    assert web_config('bind = "0.0.0.0:81"').web.page_url("x") == ("http://127.0.0.1:81/t/x")


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('bind = "8080"', "web.bind"),
        ('bind = "0.0.0.0:99999"', "web.bind"),
        ('public_url = "192.168.1.10:8080"', "web.public_url"),
        ('public_url = "http://x.vn/?a=1"', "web.public_url"),
        ("requests_per_minute = 0", "web.requests_per_minute"),
        ('bnid = "0.0.0.0:80"', "web.bnid"),
    ],
)
def test_web_config_mistakes_are_named(line: str, key: str) -> None:
    with pytest.raises(ConfigInvalid) as err:
        web_config(line)
    assert [p.key for p in err.value.problems] == [key]


# ------------------------------------------------------------------------------ migration


def test_migration_0004_adds_unique_tokens_to_a_database_with_tickets(
    empty_db_url: str, clock: ManualClock
) -> None:
    def two_old_tickets(conn: Any) -> None:
        conn.execute(
            sa.text(
                "INSERT INTO tickets (site, business_day, field, number, code, priority, state, "
                "queue_field, issued_at, sort_at, recalls, transfers, dossiers) VALUES "
                "('tranphu', '2026-11-20', 'hotich', 1, 'A001', false, 'completed', 'hotich', "
                ":at, :at, 0, 0, 1), "
                "('tranphu', '2026-11-20', 'hotich', 2, 'A002', false, 'expired', 'hotich', "
                ":at, :at, 0, 0, 0)"
            ),
            {"at": clock.now().replace(tzinfo=None)},
        )

    engine = migrated_to(empty_db_url, "0002", then=two_old_tickets)
    before, after = upgrade(engine)
    assert (before, after) == ("0002", head_revision())
    engine.dispose()
    store = Store.open(empty_db_url)
    try:
        service = QueueService(store, make_config(), clock)
        old = service.tickets()
        assert [(t.code, t.page_token) for t in old] == [("A001", None), ("A002", None)]
        new = service.issue("hotich").ticket
        assert new.page_token and service.ticket_views([new.page_token])
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE tickets SET page_token = :t WHERE code = 'A001'"),
                {"t": new.page_token},
            )
    finally:
        store.close()
