"""Who works when: the officers' shifts at the counters of a simulated day.

Each opening period of a counter (its fields' periods merged, `arrivals.open_periods`) is a
shift: an officer allowed there (`Config.officers_at`) signs in at its start and stays until
the next shift at that counter, a move to another counter, the counter's close or the end
of the business day (core's rules, `kiosk.core.officers`). The choice is a rotation by day,
counter and period, with no draw: the same days give the same shifts whatever the seed, and
the citizens' draws stay as they were. Where a counter has officers enough, the next period
brings the next one (a shift change at lunch); nobody is planned at two counters whose
shifts overlap (with the time counters keep working after a period, `grace`), so an officer
works two counters on a day only one after the other (core then writes the move). A shift
nobody is free for is left out: the officer signed in there before, if still there, goes on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.core.config import Config


@dataclass(frozen=True, slots=True)
class Shift:
    """Officer `officer` signs in at `counter` at `start` (epoch seconds)."""

    start: int
    counter: int
    officer: str


def plan_shifts(
    config: Config,
    periods: Mapping[int, Sequence[tuple[int, int]]],
    day: date,
    grace: int,
) -> list[Shift]:
    """The shifts of `day` at counters open in `periods` (counter → (start, end) epochs), in
    the order of their start, then counter; none when no officer is configured."""
    if not config.officers:
        return []
    turn = day.toordinal()
    busy: dict[str, list[tuple[int, int, int]]] = {}
    shifts: list[Shift] = []
    spans = sorted(
        (start, n, i, end) for n, ps in periods.items() for i, (start, end) in enumerate(ps)
    )
    for start, n, i, end in spans:
        allowed = config.officers_at(n)
        until = end + grace
        for k in range(len(allowed)):
            officer = allowed[(turn + n + i + k) % len(allowed)].id
            taken = busy.get(officer, ())
            if all(c == n or e <= start or until <= s for s, e, c in taken):
                busy.setdefault(officer, []).append((start, until, n))
                shifts.append(Shift(start, n, officer))
                break
    return shifts
