"""Live alerts for the head of the point: a wait over the target, a counter paused too long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.core.model import CounterState, Snapshot


class AlertKind(StrEnum):
    LONG_WAIT = "long_wait"
    LONG_PAUSE = "long_pause"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    minutes: int
    message_vi: str
    message_en: str
    field: str | None = None
    counter: int | None = None

    def message(self, language: str = "en") -> str:
        return self.message_vi if language == "vi" else self.message_en


def live_alerts(
    snapshot: Snapshot, now: datetime, *, wait_target_minutes: float, paused_minutes: float
) -> list[Alert]:
    """What needs the head's attention now: the longest wait of a field over the report's
    target (`reports.wait_target_minutes`), and a counter paused longer than allowed."""
    alerts: list[Alert] = []
    for f in snapshot.fields:
        if f.oldest_waiting_at is None:
            continue
        waited = (now - f.oldest_waiting_at).total_seconds() / 60
        if waited > wait_target_minutes:
            m = int(waited)
            alerts.append(
                Alert(
                    AlertKind.LONG_WAIT,
                    m,
                    f"{f.name}: có người đã chờ {m} phút (mục tiêu {wait_target_minutes:g} phút)",
                    f"{f.name_en}: someone has waited {m} min (target {wait_target_minutes:g} min)",
                    field=f.code,
                )
            )
    for c in snapshot.counters:
        if c.state is not CounterState.PAUSED or c.since is None:
            continue
        paused = (now - c.since).total_seconds() / 60
        if paused > paused_minutes:
            m = int(paused)
            why_vi = f" ({c.reason})" if c.reason else ""
            alerts.append(
                Alert(
                    AlertKind.LONG_PAUSE,
                    m,
                    f"{c.name} tạm dừng đã {m} phút{why_vi}",
                    f"{c.name_en} has been paused for {m} min{why_vi}",
                    counter=c.number,
                )
            )
    return alerts
