"""One call order everywhere: what the console lists, call next takes and the kiosk promises.

A stateful property test drives the real service on a real database through random kiosk and
clerk actions (priority or not, calls, skips, returns, transfers to a field or a counter,
pauses, completions, midnight) and checks after each call and on demand:

1. the first ticket a counter's console lists ("in call order") is the one call next takes;
2. a ticket's "people ahead" (at issue, and later for any waiting ticket) is the number of
   tickets its counters call before it when nothing new arrives and the calling counters
   take turns in number order (the definition in `kiosk.core.order.outlook`);
3. a kiosk button promises the wait the ticket it gives then says.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from kiosk.core.config import PriorityPolicy
from kiosk.core.errors import NoOneWaiting
from kiosk.core.model import HELD_STATES, CounterState, Ticket, TicketState
from kiosk.core.order import (
    CounterTurn,
    Lines,
    Place,
    Policy,
    newcomer_outlooks,
    outlook,
    round_robin,
)
from kiosk.core.queue import QueueService
from tests.support import ALWAYS_OPEN, ServiceMachine, make_config, run_machine

FIELDS = ["hotich", "chungthuc", "tuphap", "datdai"]
COUNTERS = [1, 2, 3, 4]  # 1: hotich; 2: hotich, chungthuc; 3: chungthuc, tuphap; 4: datdai
#: A short burst so the interleaved policy often owes a normal ticket.
BURST = {"priority_burst = 3": "priority_burst = 2"}


def _fields(svc: QueueService, counter: int) -> list[str]:
    return svc.config.fields_of_counter(counter)


def drive_until_called(svc: QueueService, target: Ticket) -> int:
    """Call next in turns until `target` is called; the calls its own counters made before.

    The turns follow the definition of people ahead: the open counters (and the ticket's own
    counters when none of them is open), lowest number first, round and round.
    """
    config = svc.config
    able = (
        [target.target_counter]
        if target.target_counter is not None
        else [
            c.number
            for c in config.counters
            if target.queue_field in config.fields_of_counter(c.number)
        ]
    )
    snap = svc.snapshot(recent=0)
    is_open = {c.number for c in snap.counters if c.state is CounterState.OPEN}
    turns = sorted(is_open | (set(able) if not is_open & set(able) else set()))
    ahead = 0
    while True:
        called_any = False
        for n in turns:
            try:
                got = svc.call_next(n)
            except NoOneWaiting:
                continue
            called_any = True
            if got.id == target.id:
                return ahead
            if n in able:
                ahead += 1
        assert called_any, f"{target.code} was never called"


class CallOrderMachine(ServiceMachine):
    def __init__(self) -> None:
        super().__init__(make_config(**ALWAYS_OPEN, **BURST))

    @rule(field=st.sampled_from(FIELDS), priority=st.booleans())
    def issue(self, field: str, priority: bool) -> None:
        promised = self.svc.snapshot(recent=0).field_status(field)
        issued = self.svc.issue(field, priority=priority)
        if not priority:  # the kiosk button promised what the ticket then says
            assert (issued.estimated_wait_minutes, issued.counters_open) == (
                promised.estimated_wait_minutes,
                promised.counters_open,
            )

    @rule(
        citizens=st.lists(st.tuples(st.sampled_from(FIELDS), st.booleans()), min_size=2, max_size=8)
    )
    def a_crowd_arrives(self, citizens: list[tuple[str, bool]]) -> None:
        for field, priority in citizens:
            self.svc.issue(field, priority=priority)

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next_takes_the_first_ticket_the_console_lists(self, counter: int) -> None:
        listed = self.svc.waiting(counter=counter)
        try:
            called = self.svc.call_next(counter)
        except NoOneWaiting:
            assert listed == []
            return
        assert listed, f"counter {counter} called {called.code} from an empty list"
        assert called.code == listed[0].code, [t.code for t in listed]

    @rule(counter=st.sampled_from(COUNTERS))
    def recall(self, counter: int) -> None:
        self._try(self.svc.recall, counter)

    @rule(counter=st.sampled_from(COUNTERS))
    def skip(self, counter: int) -> None:
        self._try(self.svc.skip, counter)

    @rule()
    def return_a_skipped(self) -> None:
        skipped = self.svc.skipped()
        if skipped:
            self.svc.return_skipped(skipped[0].code)

    @rule(counter=st.sampled_from(COUNTERS))
    def complete(self, counter: int) -> None:
        self._try(self.svc.complete, counter)

    @rule(counter=st.sampled_from(COUNTERS), field=st.sampled_from(FIELDS))
    def transfer_to_a_field(self, counter: int, field: str) -> None:
        self._try(self.svc.transfer, counter, to_field=field)

    @rule(counter=st.sampled_from(COUNTERS), to=st.sampled_from(COUNTERS))
    def transfer_to_a_counter(self, counter: int, to: int) -> None:
        self._try(self.svc.transfer, counter, to_counter=to)

    @rule(counter=st.sampled_from(COUNTERS))
    def pause(self, counter: int) -> None:
        self.svc.pause_counter(counter, "họp")

    @rule(counter=st.sampled_from(COUNTERS))
    def open(self, counter: int) -> None:
        self.svc.open_counter(counter)

    @rule(minutes=st.integers(0, 20))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule()
    def past_midnight(self) -> None:
        self.clock.advance(days=1)

    @rule(field=st.sampled_from(FIELDS), priority=st.booleans())
    def people_ahead_at_issue_is_the_calls_before_it(self, field: str, priority: bool) -> None:
        issued = self.svc.issue(field, priority=priority)
        assert drive_until_called(self.svc, issued.ticket) == issued.people_ahead

    @rule(data=st.data())
    def people_ahead_of_a_waiting_ticket_is_the_calls_before_it(self, data: st.DataObject) -> None:
        waiting = self.svc.waiting()
        if not waiting:
            return
        ticket = data.draw(st.sampled_from(waiting))
        seen = self.svc.ticket_view(ticket.id)
        assert drive_until_called(self.svc, ticket) == seen.people_ahead

    @invariant()
    def a_held_ticket_stays_with_its_counter_across_midnight(self) -> None:
        snap = self.svc.snapshot(recent=0)
        held = {c.ticket.id: c.number for c in snap.counters if c.ticket is not None}
        holding = {t.id: t.counter for t in self.svc.tickets() if t.state in HELD_STATES}
        assert holding == held
        for t in self.svc.waiting():
            assert t.state is TicketState.WAITING


def test_one_call_order_for_the_console_call_next_and_people_ahead(
    new_db_url: Callable[[], str], backend: str
) -> None:
    run_machine(CallOrderMachine, new_db_url, backend, examples=60, steps=40)


def test_the_console_lists_first_the_normal_ticket_a_burst_of_priority_calls_owes(
    service: QueueService,
) -> None:
    """The defect as reported: the list showed A005 next while call next took A001."""
    service.issue("hotich")  # A001, normal
    for _ in range(4):
        service.issue("hotich", priority=True)  # A002-A005
    assert [service.call_next(1).code for _ in range(3)] == ["A002", "A003", "A004"]
    assert [t.code for t in service.waiting(counter=1)] == ["A001", "A005"]
    assert service.call_next(1).code == "A001"
    assert [t.code for t in service.waiting(counter=1)] == ["A005"]


# ------------------------------------------------------------------ the pure order

LAYOUT = {1: ["a"], 2: ["a", "b"], 3: ["b", "c"], 4: ["c"]}
#: (priority, place, field, counter it was sent to): most wait in their field's line.
places = st.lists(
    st.tuples(
        st.booleans(),
        st.integers(0, 50),
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([None, None, None, 1, 2, 3, 4]),
    ),
    max_size=25,
)
#: (open, priority streak) of counters 1-4.
turns = st.lists(st.tuples(st.booleans(), st.integers(0, 4)), min_size=4, max_size=4)


@given(places=places, turns=turns, burst=st.integers(1, 3), strict=st.booleans())
@settings(max_examples=300, deadline=None)
def test_a_kiosk_buttons_promise_is_the_outlook_of_the_ticket_it_gives(
    places: list[tuple[bool, int, str, int | None]],
    turns: list[tuple[bool, int]],
    burst: int,
    strict: bool,
) -> None:
    """`newcomer_outlooks` (one pass for every field) equals `outlook` of each new ticket."""
    policy = Policy(PriorityPolicy.STRICT if strict else PriorityPolicy.INTERLEAVED, burst)
    lines = Lines(LAYOUT, policy)
    for i, (priority, placed, field, counter) in enumerate(places, start=1):
        lines.add(Place(i, priority, placed, field, counter))
    counters = [CounterTurn(n, is_open, streak) for n, (is_open, streak) in enumerate(turns, 1)]
    promised = newcomer_outlooks(lines, counters, ["a", "b", "c"])
    for field in ("a", "b", "c"):
        newcomer = Place(len(places) + 1, False, 60, field)
        given_lines = lines.copy()
        given_lines.add(newcomer)
        assert promised[field] == outlook(newcomer, given_lines, counters), field


@given(
    places=places,
    turns=turns,
    burst=st.integers(1, 3),
    strict=st.booleans(),
    order=st.permutations([1, 2, 3, 4]),
)
@settings(max_examples=300, deadline=None)
def test_the_walk_calls_exactly_as_call_next_would_turn_by_turn(
    places: list[tuple[bool, int, str, int | None]],
    turns: list[tuple[bool, int]],
    burst: int,
    strict: bool,
    order: list[int],
) -> None:
    """`round_robin` (what people ahead and every estimate walk) does `choose` on each
    counter's heaps itself for speed: call for call it equals `next_for` and `take`."""
    policy = Policy(PriorityPolicy.STRICT if strict else PriorityPolicy.INTERLEAVED, burst)
    lines = Lines(LAYOUT, policy)
    for i, (priority, placed, field, counter) in enumerate(places, start=1):
        lines.add(Place(i, priority, placed, field, counter))
    counters = [CounterTurn(n, True, turns[n - 1][1]) for n in order]
    reference = lines.copy()
    streaks = {c.number: c.streak for c in counters}
    expected: list[tuple[int, Place]] = []
    still = [c.number for c in counters]
    while still:
        calling, still = still, []
        for n in calling:
            nxt = reference.next_for(n, streaks[n])
            if nxt is not None:
                reference.take(nxt)
                streaks[n] = 1 + streaks[n] if nxt.priority else 0
                expected.append((n, nxt))
                still.append(n)
    assert list(round_robin(lines.copy(), counters)) == expected
    assert len(expected) == len(places)  # every ticket has a counter that may call it
