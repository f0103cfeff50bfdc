"""The call order: which waiting ticket a counter calls next, and who is ahead of whom.

One rule (`choose`) picks a counter's next ticket; everything that shows or uses an order
goes through it: call next (on the database), the console's "in call order" list, the people
ahead and estimated waits (kiosk buttons, issued ticket, web page, snapshot) and the
simulator's model. The display's counts read the same queue (`QueueReader._todays_queue`).

Lines. A waiting ticket stands in one line: the line of its field, or, once transferred to a
counter, that counter's own line. A counter may call the tickets of its fields' lines and of
its own line. Within a line and a class (priority or normal) the order is the place
(`placed`: the issue time, kept across transfers and returns; ties by ticket id).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from kiosk.core.config import PriorityPolicy

T = TypeVar("T")

#: Ticket id of a ticket that is only imagined (the next one a kiosk button would give).
IMAGINED_ID = 2**62


def owes_normal_ticket(policy: PriorityPolicy, priority_streak: int, burst: int) -> bool:
    """Whether a counter must now take the oldest normal ticket (if one waits).

    Strict: never, every priority ticket goes first. Interleaved: once a counter has called
    `burst` priority tickets in a row, so nobody starves behind a stream of priority tickets.
    """
    return policy is PriorityPolicy.INTERLEAVED and priority_streak >= burst


def next_streak(current: int, called_priority: bool) -> int:
    """Priority calls in a row after this call."""
    return current + 1 if called_priority else 0


@dataclass(frozen=True, slots=True)
class Place:
    """A waiting ticket as the call order sees it."""

    ticket_id: int
    priority: bool
    #: Its place in line: any integer time (microseconds in the service, seconds in the model).
    placed: int
    field: str
    #: The counter it was transferred to, or None while it waits in its field's line.
    counter: int | None = None


@dataclass(frozen=True, slots=True)
class CounterTurn:
    """A counter as the call order needs it: open now, and its priority calls in a row."""

    number: int
    is_open: bool
    streak: int


@dataclass(frozen=True)
class Policy:
    """The configured priority policy (queue.priority_policy and queue.priority_burst)."""

    policy: PriorityPolicy
    burst: int


def classes_in_turn(policy: Policy, streak: int) -> tuple[bool, bool]:
    """The classes (priority?) a counter looks at for its next call, first choice first."""
    if owes_normal_ticket(policy.policy, streak, policy.burst):
        return (False, True)
    return (True, False)


def choose(head: Callable[[bool], T | None], policy: Policy, streak: int) -> T | None:
    """The ticket a counter calls next: THE rule of the call order.

    `head(priority)` gives the first ticket of that class the counter may call (by place).
    Priority tickets go first, except that under the interleaved policy a counter that has
    called `burst` priority tickets in a row takes the oldest normal ticket if one waits.
    """
    for priority in classes_in_turn(policy, streak):
        found = head(priority)
        if found is not None:
            return found
    return None


class Lines:
    """Waiting tickets in their lines, each line a heap by place; counters take from heads."""

    def __init__(self, fields_of_counter: Mapping[int, Sequence[str]], policy: Policy) -> None:
        self.policy = policy
        self.fields_of: Mapping[int, tuple[str, ...]] = {
            n: tuple(fs) for n, fs in fields_of_counter.items()
        }
        # (line, priority) -> heap of (placed, ticket id, place); a line is a field or a counter
        self._heaps: dict[tuple[str | int, bool], list[tuple[int, int, Place]]] = {}
        #: (counter, priority) -> the keys of the heaps it may call from (`head`).
        self._keys: dict[tuple[int, bool], tuple[tuple[str | int, bool], ...]] = {}

    @classmethod
    def of(
        cls, places: Iterable[Place], fields_of_counter: Mapping[int, Sequence[str]], policy: Policy
    ) -> Lines:
        """Lines holding `places` (one heapify per line instead of a push per ticket)."""
        lines = cls(fields_of_counter, policy)
        heaps = lines._heaps
        for p in places:
            line = p.field if p.counter is None else p.counter
            heaps.setdefault((line, p.priority), []).append((p.placed, p.ticket_id, p))
        for heap in heaps.values():
            heapq.heapify(heap)
        return lines

    def copy(self) -> Lines:
        other = Lines({}, self.policy)
        other.fields_of = self.fields_of
        other._keys = self._keys
        other._heaps = {k: list(v) for k, v in self._heaps.items()}
        return other

    def add(self, place: Place) -> None:
        line = place.field if place.counter is None else place.counter
        heap = self._heaps.setdefault((line, place.priority), [])
        heapq.heappush(heap, (place.placed, place.ticket_id, place))

    def remove(self, place: Place) -> None:
        """Remove `place` wherever it stands in its line."""
        line = place.field if place.counter is None else place.counter
        heap = self._heaps[(line, place.priority)]
        heap.remove((place.placed, place.ticket_id, place))
        heapq.heapify(heap)

    def head(self, counter: int, priority: bool) -> Place | None:
        """The first ticket of a class that `counter` may call (its fields' lines and its own)."""
        keys = self._keys.get((counter, priority))
        if keys is None:
            lines: tuple[str | int, ...] = (*self.fields_of.get(counter, ()), counter)
            keys = self._keys[(counter, priority)] = tuple((line, priority) for line in lines)
        best: tuple[int, int, Place] | None = None
        heaps = self._heaps
        for key in keys:
            heap = heaps.get(key)
            if heap and (best is None or heap[0] < best):
                best = heap[0]
        return best[2] if best is not None else None

    def next_for(self, counter: int, streak: int) -> Place | None:
        """The ticket `counter` calls next (None when it may call nobody)."""
        return choose(lambda priority: self.head(counter, priority), self.policy, streak)

    def take(self, place: Place) -> None:
        """Remove `place`, which is the head of its line (as `next_for` returns it)."""
        line = place.field if place.counter is None else place.counter
        heap = self._heaps[(line, place.priority)]
        assert heap[0][2] == place, "only the head of a line can be taken"
        heapq.heappop(heap)

    def clear(self) -> None:
        self._heaps.clear()


def line_order(places: Iterable[Place]) -> list[Place]:
    """Priority first, then by place: how one counter that may call them all would call them
    under the strict policy (the lines' own order, without any counter's streak)."""
    places = list(places)
    flat = [replace(p, counter=None) for p in places]
    strict = Policy(PriorityPolicy.STRICT, 1)
    by_id = {p.ticket_id: p for p in places}
    return [by_id[p.ticket_id] for p in call_order(flat, strict, 0, counter=0)]


def call_order(places: Iterable[Place], policy: Policy, streak: int, counter: int) -> list[Place]:
    """The order in which `counter` would call `places` if nothing new arrives and no other
    counter calls: one `choose` after another, each with the streak the last call left.

    `places` are tickets the counter may call (of its fields, or transferred to it).
    """
    places = list(places)
    lines = Lines({counter: sorted({p.field for p in places if p.counter is None})}, policy)
    for p in places:
        lines.add(p)
    ordered: list[Place] = []
    while (nxt := lines.next_for(counter, streak)) is not None:
        lines.take(nxt)
        ordered.append(nxt)
        streak = next_streak(streak, nxt.priority)
    return ordered


def counters_able(place: Place, fields_of_counter: Mapping[int, Sequence[str]]) -> list[int]:
    """The counters that may call a ticket: the one it was sent to, or those of its field."""
    if place.counter is not None:
        return [place.counter]
    return sorted(n for n, fs in fields_of_counter.items() if place.field in fs)


def calling_counters(able: Iterable[int], counters: Sequence[CounterTurn]) -> list[CounterTurn]:
    """Who calls while a ticket waits: the open counters, and the ticket's own counters too
    when none of them is open yet (they open to serve it), in counter-number order."""
    able = set(able)
    none_open = not any(c.is_open for c in counters if c.number in able)
    chosen = [c for c in counters if c.is_open or (none_open and c.number in able)]
    return sorted(chosen, key=lambda c: c.number)


def round_robin(
    lines: Lines,
    counters: Sequence[CounterTurn],
    before_turn: Callable[[int, int], bool] | None = None,
) -> Iterator[tuple[int, Place]]:
    """Every call (counter, ticket) if nothing new arrives and `counters` take turns calling
    next in the given order, each by `choose` with its own streak; uses up `lines`.

    `before_turn(counter, streak)`, if given, looks at the lines before each turn and ends
    the calls by returning True.

    This walk is what people ahead and every estimate cost (a call per ticket ahead), so it
    does `choose` itself on each counter's heaps, found once: the same classes in turn
    (`classes_in_turn`), the same first place among the counter's lines (`Lines.head`), the
    head taken as `Lines.take` does. tests/core/test_call_order.py checks it call for call
    against `next_for` and `take`.
    """
    policy = lines.policy
    heaps = lines._heaps
    streaks = {c.number: c.streak for c in counters}
    # Each counter's heaps, normal [0] and priority [1]: a walk adds no ticket, so the lists
    # found now are the ones its calls take from.
    own: dict[int, tuple[list[list[tuple[int, int, Place]]], ...]] = {}
    for c in counters:
        keys: tuple[str | int, ...] = (*lines.fields_of.get(c.number, ()), c.number)
        own[c.number] = (
            [heaps.setdefault((k, False), []) for k in keys],
            [heaps.setdefault((k, True), []) for k in keys],
        )
    pop = heapq.heappop
    turn = [c.number for c in counters]
    while turn:
        still: list[int] = []
        for n in turn:
            streak = streaks[n]
            if before_turn is not None and before_turn(n, streak):
                return
            mine = own[n]
            best: list[tuple[int, int, Place]] | None = None
            for priority in classes_in_turn(policy, streak):
                for heap in mine[priority]:
                    if heap and (best is None or heap[0] < best[0]):
                        best = heap
                if best is not None:
                    break
            if best is None:
                continue  # nothing new arrives: this counter will never call again
            place = pop(best)[2]
            streaks[n] = next_streak(streak, place.priority)
            still.append(n)
            yield n, place
        turn = still


@dataclass(frozen=True)
class Outlook:
    """What a waiting ticket's holder is told: people ahead, and open counters that serve it."""

    people_ahead: int
    counters_open: int


def outlook(target: Place, lines: Lines, counters: Sequence[CounterTurn]) -> Outlook:
    """People ahead of `target` (which `lines` holds) and the open counters that may call it.

    People ahead = the tickets that the counters able to call `target` (the counter it was
    transferred to, else the counters serving its field) would call before it, if nothing
    new arrives, nobody calls out of turn, and the calling counters (`calling_counters`: the
    open ones, or the ticket's own when none of them is open yet) take turns calling next in
    counter-number order, lowest first, each by `choose` with its own priority streak. A
    ticket that another counter would call (a counter that cannot call `target`) is not
    ahead: it does not delay `target` at its counters. So with several counters the count
    is of calls, shared between them: the estimated wait divides it by the open counters.
    """
    return outlooks([target], lines, counters)[target.ticket_id]


def outlooks(
    targets: Iterable[Place], lines: Lines, counters: Sequence[CounterTurn]
) -> dict[int, Outlook]:
    """`outlook` of every ticket of `targets` (all in `lines`), by ticket id, in one round of
    calls per set of calling counters. Does not change `lines`."""
    by_number = {c.number: c for c in counters}
    is_open = {c.number for c in counters if c.is_open}
    able: dict[int, list[int]] = {}
    groups: dict[tuple[int, ...], set[int]] = {}
    for t in targets:
        able[t.ticket_id] = counters_able(t, lines.fields_of)
        calling = tuple(c.number for c in calling_counters(able[t.ticket_id], counters))
        groups.setdefault(calling, set()).add(t.ticket_id)
    seen: dict[int, Outlook] = {}

    def told(ticket_id: int, calls: Mapping[int, int]) -> Outlook:
        numbers = able[ticket_id]
        ahead = sum(calls.get(n, 0) for n in numbers)
        return Outlook(ahead, sum(1 for n in numbers if n in is_open))

    for calling, pending in groups.items():
        calls = dict.fromkeys(calling, 0)  # calls made so far, per counter
        for n, place in round_robin(lines.copy(), [by_number[x] for x in calling]):
            if place.ticket_id in pending:
                seen[place.ticket_id] = told(place.ticket_id, calls)
                pending.discard(place.ticket_id)
                if not pending:
                    break
            calls[n] += 1
        for ticket_id in pending:  # never called (no counter of it calls): all calls ahead
            seen[ticket_id] = told(ticket_id, calls)
    return seen


def newcomer_outlooks(
    lines: Lines, counters: Sequence[CounterTurn], fields: Iterable[str]
) -> dict[str, Outlook]:
    """The outlook of a normal ticket taken now in each of `fields` (a kiosk button's promise).

    The same as `outlook` of such a ticket added to `lines`, field by field, but in one round
    of calls per set of calling counters: a newcomer, the youngest normal ticket of its
    field, changes nobody's call until a counter would call it, which `choose` tells before
    each turn. Does not change `lines`.
    """
    able = {f: counters_able(Place(IMAGINED_ID, False, 0, f), lines.fields_of) for f in fields}
    groups: dict[tuple[int, ...], dict[str, list[int]]] = {}
    for f, numbers in able.items():
        calling = tuple(c.number for c in calling_counters(numbers, counters))
        groups.setdefault(calling, {})[f] = numbers
    by_number = {c.number: c for c in counters}
    is_open = {c.number for c in counters if c.is_open}
    seen: dict[str, Outlook] = {}
    for calling, group in groups.items():
        turns = [by_number[n] for n in calling]
        seen.update(_newcomers(lines.copy(), turns, group, is_open))
    return seen


#: Stands for the newcomer in `newcomer_outlooks` (it is in no line).
_NEWCOMER = Place(IMAGINED_ID, False, 0, "")


def _newcomers(
    lines: Lines,
    turns: Sequence[CounterTurn],
    able: Mapping[str, Sequence[int]],
    is_open: Collection[int],
) -> dict[str, Outlook]:
    """`newcomer_outlooks` of fields whose tickets the same counters (`turns`) would call."""
    seen: dict[str, Outlook] = {}
    ahead = dict.fromkeys(able, 0)
    waits_at = {c.number: [f for f, numbers in able.items() if c.number in numbers] for c in turns}

    def before_turn(n: int, streak: int) -> bool:
        # The newcomer is this counter's oldest normal ticket only when it has no other.
        if not waits_at[n] or lines.head(n, False) is not None:
            return False
        pending = [f for f in waits_at[n] if f not in seen]
        if pending:

            def head(priority: bool) -> Place | None:
                return lines.head(n, True) if priority else _NEWCOMER

            if choose(head, lines.policy, streak) is _NEWCOMER:
                for f in pending:
                    seen[f] = Outlook(ahead[f], sum(1 for x in able[f] if x in is_open))
                return len(seen) == len(able)  # seen grows only here: all told, stop
        return False

    for n, _place in round_robin(lines, turns, before_turn):
        for f in waits_at[n]:
            ahead[f] += 1
    for f in able.keys() - seen.keys():  # served by no counter that calls: all calls ahead
        seen[f] = Outlook(ahead[f], 0)
    return seen
