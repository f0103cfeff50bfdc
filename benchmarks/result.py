"""One measured number with its goal, as it appears in docs/benchmarks.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None
    note: str = ""

    def row(self) -> str:
        verdict = {True: "yes", False: "**no**", None: ""}[self.met]
        value = f"{self.value:,.1f}" if self.value < 1000 else f"{self.value:,.0f}"
        return f"| {self.name} | {value} {self.unit} | {self.goal} | {verdict} | {self.note} |"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; values need not be sorted."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
