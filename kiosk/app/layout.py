"""Sizes of the kiosk screens: the field grid from the screen's shape, touch targets from its DPI.

Pure functions, so the layout rules are tested without a screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MM_PER_INCH = 25.4
#: Smallest touch target (ISO 9241-9 and most kiosk guidance: 15 mm for a standing adult).
TOUCH_MM = 15.0
#: Never smaller than this many pixels, whatever the screen claims its DPI is.
TOUCH_MIN_PX = 90
#: Smallest citizen text, in pixels.
MIN_TEXT_PX = 32


def touch_target_px(logical_dpi: float) -> int:
    """Pixels of a 15 mm touch target at `logical_dpi`, at least TOUCH_MIN_PX."""
    return max(TOUCH_MIN_PX, math.ceil(round(TOUCH_MM / MM_PER_INCH * logical_dpi, 6)))


#: Measures wrapped text: (text, pixel size, bold, width) -> height in pixels.
Measure = Callable[[str, int, bool, int], int]

#: More columns than this make buttons too narrow for a field's name on any kiosk screen.
MAX_COLUMNS = 6
#: Type levels tried for the field buttons, largest first: (name, subtitle and detail) px.
FIELD_LEVELS: tuple[tuple[int, int], ...] = ((52, 38), (48, 36), (44, 34), (40, 32), (36, 32))


@dataclass(frozen=True)
class ButtonBox:
    """Inner geometry of a field button (the widget uses the same numbers).

    The prefix badge sits on the name's line, so the subtitle and the queue line below it
    use the button's whole width.
    """

    pad_x: int = 24
    pad_y: int = 12
    gap: int = 16
    line_gap: int = 4
    min_text_width: int = 160
    #: Space above the Documents control, and its inner padding around the label.
    control_gap: int = 10
    control_pad: int = 12
    control_border: int = 3

    def badge(self, name_px: int) -> int:
        return round(name_px * 1.4)

    def text_width(self, cell_width: float) -> int:
        return int(cell_width - 2 * self.pad_x)

    def name_width(self, cell_width: float, name_px: int) -> int:
        return self.text_width(cell_width) - self.badge(name_px) - self.gap


BOX = ButtonBox()


@dataclass(frozen=True)
class FieldFace:
    """The three texts of a field button, as they will be shown.

    `documents`: the label of the field's Documents control (empty: the field has no
    procedures in the catalogue), a row at least `documents_min` pixels high.
    """

    name: str
    subtitle: str
    detail: str
    documents: str = ""
    documents_min: int = 0


@dataclass(frozen=True)
class GridPlan:
    columns: int
    rows: int
    name_px: int
    small_px: int
    row_heights: tuple[int, ...]
    fits: bool
    wraps: bool = False
    shape: float = 0.0

    def score(self) -> tuple[float, ...]:
        """Higher is better: fits, then no text on two lines, then larger type, then shape."""
        return (float(self.fits), float(not self.wraps), float(self.name_px), self.shape)


def button_height(
    face: FieldFace,
    cell_width: float,
    level: tuple[int, int],
    measure: Measure,
    box: ButtonBox = BOX,
) -> tuple[float, bool]:
    """(height, wraps): what a field button needs at a type level in a cell this wide.

    The height is infinite when the cell is too narrow; `wraps` says a text takes two lines.
    """
    name_px, small_px = level
    width = box.text_width(cell_width)
    name_width = box.name_width(cell_width, name_px)
    if name_width < box.min_text_width:
        return math.inf, True
    name_h = measure(face.name, name_px, True, name_width)
    wraps = name_h > measure("Ag", name_px, True, 10_000)
    lines = [max(box.badge(name_px), name_h)]
    single = measure("Ag", small_px, False, 10_000)
    for text in (face.subtitle, face.detail):
        if text:
            h = measure(text, small_px, False, width)
            wraps = wraps or h > single
            lines.append(h)
    height = 2 * box.pad_y + sum(lines) + box.line_gap * (len(lines) - 1)
    if face.documents:
        inner = width - 2 * (box.control_pad + box.control_border)
        label = measure(face.documents, small_px, True, inner)
        wraps = wraps or label > measure("Ag", small_px, True, 10_000)
        height += box.control_gap + max(face.documents_min, label + 2 * box.control_pad)
    return height, wraps


def plan_field_grid(
    faces: Sequence[FieldFace],
    width: float,
    height: float,
    measure: Measure,
    *,
    spacing: int = 18,
    min_height: int = TOUCH_MIN_PX,
    ideal_aspect: float = 2.4,
) -> GridPlan:
    """Columns, type level and row heights so every field's texts fit without cutting.

    Preference: no text wrapping onto a second line, then the largest type, then buttons
    closest to a wide, generous shape. Rows get the height their tallest button needs (the
    widget shares out what is left). When nothing fits, the plan that overflows least.
    """
    count = len(faces)
    if count == 0:
        return GridPlan(1, 0, *FIELD_LEVELS[0], (), True)
    best: tuple[tuple[float, ...], GridPlan] | None = None
    fallback: tuple[float, GridPlan] | None = None
    for level in FIELD_LEVELS:
        for columns in range(1, min(count, MAX_COLUMNS) + 1):
            rows = math.ceil(count / columns)
            if rows * columns - count >= columns:  # a whole empty row: never better
                continue
            cell_w = (width - spacing * (columns - 1)) / columns
            if BOX.name_width(cell_w, level[0]) < BOX.min_text_width:
                break  # more columns are only narrower
            needs: list[float] = []
            wraps = False
            for r in range(rows):
                sized = [
                    button_height(f, cell_w, level, measure) for f in faces[r * columns :][:columns]
                ]
                needs.append(max(min_height, *(h for h, _ in sized)))
                wraps = wraps or any(w for _, w in sized)
            total = sum(needs) + spacing * (rows - 1)
            if math.isinf(total):
                continue
            fits = total <= height
            shape = min(cell_w / ideal_aspect, (height - spacing * (rows - 1)) / rows)
            heights = tuple(math.ceil(n) for n in needs)
            plan = GridPlan(columns, rows, *level, heights, fits, wraps, shape)
            if fits:
                score = plan.score()
                if best is None or score > best[0]:
                    best = (score, plan)
            elif fallback is None or height - total > fallback[0]:
                fallback = (height - total, plan)
    if best is not None:
        return best[1]
    assert fallback is not None
    return fallback[1]


@dataclass(frozen=True)
class TypeScale:
    """Text sizes of the kiosk screens in pixels (citizen text is never under MIN_TEXT_PX)."""

    site: int = 38
    clock: int = 60
    date: int = 32
    language: int = 34
    title: int = 44
    priority: int = 44
    priority_who: int = 32
    footer: int = 32
    result_title: int = 56
    result_field: int = 44
    result_info: int = 36
    result_fault: int = 40
    result_hint: int = 32
    notice_title: int = 60
    notice_text: int = 40
    admin: int = 32
    admin_small: int = 26  # the installer's panel, not citizen text
    pin_digit: int = 48


TYPE = TypeScale()


@dataclass(frozen=True)
class Area:
    """Room for the field grid with the priority path as a column (`sidebar`) or a bar.

    `pager_cost`: height the page buttons take from the grid when the fields need pages
    (none beside a column, which has room for them below the priority button).
    """

    sidebar: bool
    width: float
    height: float
    pager_cost: float = 0.0


@dataclass(frozen=True)
class HomePlan:
    """Where the priority path goes, how the fields split into pages, each page's grid."""

    sidebar: bool
    pages: tuple[tuple[int, int], ...]  # (first, end) index of the fields on each page
    grids: tuple[GridPlan, ...]

    @property
    def fits(self) -> bool:
        return all(g.fits for g in self.grids)


def plan_home(
    faces: Sequence[FieldFace],
    areas: Sequence[Area],
    measure: Measure,
    *,
    spacing: int = 18,
) -> HomePlan:
    """The best arrangement of the home screen: one page if anyhow possible, else pages.

    Several pages (with previous/next buttons) only when even the smallest type cannot
    show every field at once: text never goes under MIN_TEXT_PX and is never cut.
    """
    count = len(faces)
    best: HomePlan | None = None
    for area in areas:
        grid = plan_field_grid(faces, area.width, area.height, measure, spacing=spacing)
        plan = HomePlan(area.sidebar, ((0, count),), (grid,))
        if best is None or grid.score() > best.grids[0].score():
            best = plan
    assert best is not None
    if best.fits:
        return best
    for pages in range(2, count + 1):
        per = math.ceil(count / pages)
        chunks = tuple((i, min(count, i + per)) for i in range(0, count, per))
        found: tuple[tuple[float, ...], HomePlan] | None = None
        for area in areas:
            room = area.height - area.pager_cost
            grids = tuple(
                plan_field_grid(faces[a:b], area.width, room, measure, spacing=spacing)
                for a, b in chunks
            )
            if all(g.fits for g in grids):
                worst = min(g.score() for g in grids)
                if found is None or worst > found[0]:
                    found = (worst, HomePlan(area.sidebar, chunks, grids))
        if found is not None:
            return found[1]
    return best
