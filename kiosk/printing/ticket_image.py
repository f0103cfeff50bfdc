"""The ticket as a 1-bit image at the printer's dot width: the print, the preview and the test PNG.

ESC/POS code pages cannot print Vietnamese, so every word is drawn here with the shipped Noto
font and the printer only ever receives a raster image.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont
from qrcode.exceptions import DataOverflowError

from kiosk.core.catalogue import Procedure
from kiosk.core.config import Config
from kiosk.core.model import IssuedTicket
from kiosk.core.texts import ESTIMATED_WAIT, PEOPLE_AHEAD, vietnamese_only, wait_text
from kiosk.printing import texts as T
from kiosk.printing.fonts import FontSet

log = logging.getLogger(__name__)

#: Reference width (80 mm paper at 203 dpi); theme sizes are in dots at this width.
BASE_DOTS = 576
#: Row budget at BASE_DOTS: 640 rows is 8 cm of paper and 72 x 640 = 45 KB of raster.
BASE_MAX_ROWS = 640
#: Layouts tried when a ticket is over its row budget, each smaller than the one before: the
#: number shrinks first, then number and text by turns, then only the text.
FITS = (
    (1.0, 1.0),
    (1.0, 0.9),
    (0.94, 0.9),
    (0.94, 0.8),
    (0.88, 0.8),
    (0.88, 0.7),
    (0.83, 0.7),
    (0.83, 0.6),
    (0.78, 0.6),
    (0.73, 0.6),
    (0.69, 0.6),
    (0.65, 0.6),
    (0.61, 0.6),
    (0.57, 0.6),
)
NBSP = "\u00a0"

Align = Literal["left", "center"]
#: A piece of text and whether it is bold.
Run = tuple[str, bool]
#: A piece of text and the face it is drawn in.
Fragment = tuple[str, ImageFont.FreeTypeFont]


@dataclass(frozen=True)
class TicketFace:
    """Everything printed on one ticket, already localised (times are local and aware)."""

    site_name: str
    site_address: str
    field_name: str
    field_name_en: str
    code: str
    priority: bool
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int | None
    qr_text: str
    hotlines: tuple[str, ...]
    footer: str
    #: No counter that serves the ticket is open: say so instead of a time.
    no_counter_open: bool = False
    #: A ticket taken for a procedure (kiosk.core.catalogue): its name and what to bring.
    procedure: ProcedureFace | None = None


@dataclass(frozen=True)
class ProcedureFace:
    """The procedure part of a ticket: name, the documents to tick off, fee and time."""

    name: str
    name_en: str
    documents: tuple[str, ...]
    fee: str
    processing: str


def procedure_face(procedure: Procedure) -> ProcedureFace:
    """What the ticket prints of a catalogue procedure (Vietnamese; the name in both)."""
    return ProcedureFace(
        name=procedure.name,
        name_en=procedure.name_en,
        documents=tuple(d.label("vi") for d in procedure.documents),
        fee=procedure.fee("vi"),
        processing=procedure.processing,
    )


@dataclass(frozen=True)
class TicketTheme:
    """Type sizes (dots at 576 wide), spacing and fixed texts of the ticket, in one place."""

    margin: int = 12
    site_size: int = 25
    address_size: int = 18
    field_size: int = 34
    field_en_size: int = 22
    code_max_cap_height: int = 165
    code_width_share: float = 0.94
    banner_size: int = 28
    when_size: int = 25
    info_size: int = 21
    info_en_size: int = 18
    hotline_size: int = 18
    footer_size: int = 23
    qr_width: int = 150
    qr_min_module: int = 3
    gap: int = 12
    priority_text: str = T.PRIORITY.both()
    date_label: str = T.DATE_LABEL.vi
    time_label: str = T.TIME_LABEL.vi
    hotline_label: str = T.HOTLINE_LABEL.both() + ":"
    checklist_title: str = T.BRING.both() + ":"
    fee_label: str = T.FEE.vi + ":"
    processing_label: str = T.PROCESSING.vi + ":"
    checklist_size: int = 21


THEME = TicketTheme()


def max_ticket_rows(dots: int) -> int:
    """Row budget of a ticket `dots` wide: 8 cm of paper at 80 mm, scaled for narrower paper."""
    return BASE_MAX_ROWS * dots // BASE_DOTS


def nfc(text: str) -> str:
    """Text in NFC so every Vietnamese letter is one precomposed glyph of the font."""
    return unicodedata.normalize("NFC", text)


def to_one_bit(image: Image.Image) -> Image.Image:
    """Threshold to pure black/white without dithering (the library's convert("1") dithers)."""
    return image.convert("L").point(lambda v: 0 if v < 128 else 255).convert("1", dither=None)


# ---------------------------------------------------------------- wrapping


def _words(fragments: Sequence[Fragment]) -> list[list[Fragment]]:
    """Split fragments at ordinary spaces; a word may mix faces ("ông/bà:" + bold "5")."""
    words: list[list[Fragment]] = [[]]
    for text, font in fragments:
        for i, piece in enumerate(text.split(" ")):
            if i > 0:
                words.append([])
            if piece:
                words[-1].append((piece, font))
    return words


def _join(words: Sequence[Sequence[Fragment]]) -> list[Fragment]:
    """One line of words with single spaces, merging neighbours drawn in the same face."""
    out: list[Fragment] = []
    for i, word in enumerate(words):
        for j, (text, font) in enumerate(word):
            if i > 0 and j == 0:
                text = " " + text
            if out and out[-1][1] is font:
                out[-1] = (out[-1][0] + text, font)
            else:
                out.append((text, font))
        if i > 0 and not word and out:
            out[-1] = (out[-1][0] + " ", out[-1][1])
    return out


def _length(fragments: Sequence[Fragment]) -> float:
    return sum(font.getlength(text) for text, font in fragments)


def _split_word(word: Sequence[Fragment], width: float) -> list[list[Fragment]]:
    """A word wider than the line (a long number or URL) broken between letters."""
    lines: list[list[Fragment]] = []
    piece: list[Fragment] = []
    for text, font in word:
        for char in text:
            if piece and _length(_join([[*piece, (char, font)]])) > width:
                lines.append(_join([piece]))
                piece = []
            piece.append((char, font))
    lines.append(_join([piece]))
    return lines


class _Words:
    """The words of one hard line, each measured once, for wrapping at any width."""

    def __init__(self, fragments: Sequence[Fragment]) -> None:
        self.words = _words(fragments)
        self.widths = [_length(word) for word in self.words]
        self.space = max((font.getlength(" ") for _, font in fragments), default=0.0)

    def breaks(self, width: float) -> list[tuple[int, int]]:
        """Greedy line breaks as ranges of word indexes."""
        ranges: list[tuple[int, int]] = []
        start, used = 0, 0.0
        for i, w in enumerate(self.widths):
            if i > start and used + self.space + w > width:
                ranges.append((start, i))
                start, used = i, w
            else:
                used = w if i == start else used + self.space + w
        ranges.append((start, len(self.words)))
        return ranges

    def lines(self, target: float, width: float) -> list[list[Fragment]]:
        """Lines broken at `target` (at most `width`), each checked against `width` exactly."""
        # Words are measured alone, so kerning across a space can add a fraction of a dot:
        # in the rare case a line runs over, break again a little narrower.
        for _ in range(4):
            lines: list[list[Fragment]] = []
            for a, b in self.breaks(target):
                if b - a == 1 and self.widths[a] > width:
                    lines.extend(_split_word(self.words[a], width))
                else:
                    lines.append(_join(self.words[a:b]))
            over = max(_length(line) for line in lines) - width
            if over <= 0:
                break
            target -= over + 1
        return lines


def wrap_fragments(
    fragments: Sequence[Fragment], width: float, *, balanced: bool = False
) -> list[list[Fragment]]:
    """Word wrap to `width` pixels; never drops text, a word longer than a line is split.

    Only ordinary spaces and newlines break lines (a no-break space keeps a phone number whole).
    `balanced` keeps the same number of lines but evens their lengths, for centred headings.
    """
    hard_lines: list[list[Fragment]] = [[]]
    for text, font in fragments:
        for i, part in enumerate(nfc(text).split("\n")):
            if i > 0:
                hard_lines.append([])
            hard_lines[-1].append((part, font))
    lines: list[list[Fragment]] = []
    for hard in hard_lines:
        words = _Words(hard)
        target = width
        count = len(words.breaks(width))
        if balanced and count > 1:
            # The narrowest width that needs no more lines evens them out.
            low, high = min(int(width), math.ceil(max(words.widths))), int(width)
            while low < high:
                mid = (low + high) // 2
                if len(words.breaks(mid)) <= count:
                    high = mid
                else:
                    low = mid + 1
            target = low
        lines.extend(words.lines(target, width))
    return lines


def wrap_text(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Plain text wrapped to `width` pixels in one face (see `wrap_fragments`)."""
    return ["".join(t for t, _ in line) for line in wrap_fragments([(text, font)], width)]


# ---------------------------------------------------------------- drawing


@dataclass(frozen=True)
class Fit:
    """How much a layout is shrunk to fit the row budget: everything, and the number alone."""

    scale: float
    code_scale: float


class _Paragraph:
    """Wrapped lines placed baseline to baseline so that stacked tone marks never touch."""

    def __init__(self, fragments: Sequence[Fragment], width: float, *, balanced: bool) -> None:
        size = max(font.size for _, font in fragments)
        pitch = round(size * 1.22)
        min_gap = max(2, round(size * 0.08))
        self.lines = wrap_fragments(fragments, width, balanced=balanced)
        self.baselines: list[int] = []
        self.height = 0
        baseline, previous_bottom = 0, 0
        for i, line in enumerate(self.lines):
            boxes = [
                font.getbbox(text or " ", anchor="ls")
                for text, font in line or [(" ", fragments[0][1])]
            ]
            top = int(min(b[1] for b in boxes))
            bottom = int(max(b[3] for b in boxes))
            if i == 0:
                baseline = -min(0, top)
            else:
                baseline = max(baseline + pitch, baseline + previous_bottom - top + min_gap)
            self.baselines.append(baseline)
            previous_bottom = bottom
            self.height = baseline + max(0, bottom)

    def draw(
        self, draw: ImageDraw.ImageDraw, x: int, y: int, width: int, align: Align, fill: int = 0
    ) -> None:
        for line, baseline in zip(self.lines, self.baselines, strict=True):
            left = x + (width - _length(line)) / 2 if align == "center" else x
            for text, font in line:
                draw.text((left, y + baseline), text, font=font, fill=fill, anchor="ls")
                left += font.getlength(text)


class _Sheet:
    """A growing greyscale page with a cursor moving down; thresholded to 1 bit at the end."""

    def __init__(self, dots: int, fit: Fit, fonts: FontSet, theme: TicketTheme) -> None:
        scale = fit.scale
        self.code_scale = fit.code_scale
        self.dots = dots
        self.unit = dots / BASE_DOTS * scale
        # Text shrinks more slowly than the paper, so 58 mm tickets stay readable.
        self.text_unit = (dots / BASE_DOTS) ** 0.5 * scale
        self.fonts = fonts
        self.theme = theme
        self.margin = max(4, round(theme.margin * self.unit))
        self.width = dots - 2 * self.margin
        self.image = Image.new("L", (dots, dots * 2), 255)
        self.draw = self._drawer()
        self.y = self.margin

    def _drawer(self) -> ImageDraw.ImageDraw:
        draw = ImageDraw.Draw(self.image)
        # Hinted monochrome glyphs: thin tone marks survive at small sizes, which antialiased
        # glyphs thresholded to 1 bit do not (the acute of "ế" vanished at 13 px).
        draw.fontmode = "1"
        return draw

    def px(self, base: float) -> int:
        return max(1, round(base * self.unit))

    def fragments(self, runs: str | Sequence[Run], size: float) -> list[Fragment]:
        if isinstance(runs, str):
            runs = [(runs, False)]
        px = max(8, round(size * self.text_unit))
        return [(nfc(text), self.fonts.get(px, bold=bold)) for text, bold in runs]

    def reserve(self, rows: int) -> None:
        """Grow the scratch page so that `rows` more rows fit below the cursor."""
        needed = self.y + rows + self.margin
        if needed > self.image.height:
            bigger = Image.new("L", (self.dots, max(needed, self.image.height * 2)), 255)
            bigger.paste(self.image, (0, 0))
            self.image = bigger
            self.draw = self._drawer()

    def gap(self, base: float) -> None:
        self.y += self.px(base)

    def paragraph(self, runs: str | Sequence[Run], size: float, *, bold: bool = False) -> None:
        """Centred text wrapped over the printable width, lines balanced like a heading."""
        if isinstance(runs, str):
            runs = [(runs, bold)]
        if not "".join(t for t, _ in runs).strip():
            return
        para = _Paragraph(self.fragments(runs, size), self.width, balanced=True)
        self.reserve(para.height)
        para.draw(self.draw, self.margin, self.y, self.width, "center")
        self.y += para.height

    def check_item(self, text: str, size: float) -> None:
        """A left-aligned line after an empty box the citizen can tick."""
        frags = self.fragments(text, size)
        box = max(6, round(frags[0][1].size * 0.7))
        indent = box + self.px(10)
        para = _Paragraph(frags, self.width - indent, balanced=False)
        self.reserve(max(para.height, box))
        top = self.y + max(0, (frags[0][1].size - box) // 2)
        width = max(1, self.px(2))
        self.draw.rectangle(
            (self.margin, top, self.margin + box, top + box), outline=0, width=width
        )
        para.draw(self.draw, self.margin + indent, self.y, self.width - indent, "left")
        self.y += para.height

    def rule(self) -> None:
        thickness = max(1, self.px(2))
        self.reserve(thickness)
        right = self.dots - self.margin - 1
        self.draw.rectangle((self.margin, self.y, right, self.y + thickness - 1), fill=0)
        self.y += thickness

    def code(self, code: str) -> None:
        """The ticket number, as large as the width share and the cap-height limit allow."""
        limit_w = self.width * self.theme.code_width_share
        limit_h = self.px(self.theme.code_max_cap_height * self.code_scale)
        low, high = 8, limit_h * 2
        while low < high:
            mid = (low + high + 1) // 2
            left, top, right, bottom = self.fonts.get(mid, bold=True).getbbox(code, anchor="ls")
            if right - left <= limit_w and bottom - top <= limit_h:
                low = mid
            else:
                high = mid - 1
        face = self.fonts.get(low, bold=True)
        left, top, right, bottom = face.getbbox(code, anchor="ls")
        self.reserve(int(bottom - top))
        x = self.margin + (self.width - (right - left)) / 2 - left
        self.draw.text((x, self.y - top), code, font=face, fill=0, anchor="ls")
        self.y += int(bottom - top)

    def banner(self, text: str, size: float) -> None:
        """White text on a black band: the priority mark, seen by the clerk at a glance."""
        pad = self.px(8)
        para = _Paragraph(self.fragments([(text, True)], size), self.width - 2 * pad, balanced=True)
        height = para.height + 2 * pad
        self.reserve(height)
        box = (self.margin, self.y, self.dots - self.margin - 1, self.y + height - 1)
        self.draw.rounded_rectangle(box, radius=pad, fill=0)
        para.draw(self.draw, self.margin, self.y + pad, self.width, "center", fill=255)
        self.y += height

    def text_beside(
        self, lines: Sequence[tuple[Sequence[Run], float]], picture: Image.Image
    ) -> None:
        """Left-aligned lines in a column with a picture (the QR code) on the right."""
        column = self.width - picture.width - self.px(self.theme.gap)
        paras = [_Paragraph(self.fragments(r, s), column, balanced=False) for r, s in lines]
        spacing = self.px(5)
        text_height = sum(p.height for p in paras) + spacing * max(0, len(paras) - 1)
        height = max(text_height, picture.height)
        self.reserve(height)
        y = self.y + (height - text_height) // 2
        for para in paras:
            para.draw(self.draw, self.margin, y, column, "left")
            y += para.height + spacing
        corner = (self.dots - self.margin - picture.width, self.y + (height - picture.height) // 2)
        self.image.paste(picture.convert("L"), corner)
        self.y += height

    def picture(self, picture: Image.Image) -> None:
        """A picture centred on its own rows."""
        self.reserve(picture.height)
        self.image.paste(picture.convert("L"), ((self.dots - picture.width) // 2, self.y))
        self.y += picture.height

    def finish(self) -> Image.Image:
        return to_one_bit(self.image.crop((0, 0, self.dots, self.y + self.margin)))


@lru_cache(maxsize=64)
def _qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(nfc(text).encode("utf-8"))
    qr.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.get_matrix())


def qr_image(
    text: str, target_px: int, min_module: int = 3, max_px: int | None = None
) -> Image.Image:
    """A crisp QR code: whole dots per module (at least `min_module` if it fits `max_px`)."""
    matrix = _qr_matrix(text)
    modules = len(matrix)
    box = max(min_module, target_px // modules)
    if max_px is not None:
        box = max(1, min(box, max_px // modules))
    image = Image.new("1", (modules * box, modules * box), 1)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x, y = col * box, row * box
                draw.rectangle((x, y, x + box - 1, y + box - 1), fill=0)
    return image


# ---------------------------------------------------------------- from the queue to the face


class _KeepUnknown(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def qr_text(template: str, *, site: str, day: date, code: str, field: str) -> str:
    """`printer.qr_content` filled in; unknown {names} stay as written instead of failing."""
    values = _KeepUnknown(site=site, day=day.isoformat(), code=code, field=field)
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError):
        log.warning("printer.qr_content %r is not a valid template; using the default", template)
        return f"{site}|{values['day']}|{code}"


def ticket_face(
    config: Config, issued: IssuedTicket, procedure: Procedure | None = None
) -> TicketFace:
    """What to print for a newly issued ticket, in the point's own words and local time;
    with `procedure`, its checklist under the number."""
    ticket = issued.ticket
    field = config.field(ticket.field)
    printer = config.printer
    return TicketFace(
        site_name=config.site.name,
        site_address=config.site.address,
        field_name=field.name if field else ticket.field,
        field_name_en=field.name_en if field else "",
        code=ticket.code,
        priority=ticket.priority,
        issued_at=ticket.issued_at.astimezone(config.zone),
        people_ahead=issued.people_ahead,
        estimated_wait_minutes=issued.estimated_wait_minutes,
        no_counter_open=issued.estimated_wait_minutes is None,
        qr_text=config.web.qr_page_url(ticket.page_token)
        or qr_text(
            printer.qr_content,
            site=ticket.site,
            day=ticket.business_day,
            code=ticket.code,
            field=ticket.field,
        ),
        hotlines=tuple(config.site.hotlines),
        footer=printer.footer,
        procedure=procedure_face(procedure) if procedure is not None else None,
    )


# ---------------------------------------------------------------- layouts


def _info_lines(face: TicketFace, theme: TicketTheme) -> list[tuple[Sequence[Run], float]]:
    ahead = str(face.people_ahead)
    lines: list[tuple[Sequence[Run], float]] = [
        ([(f"{PEOPLE_AHEAD.vi}: ", False), (ahead, True)], theme.info_size),
        ([(f"{PEOPLE_AHEAD.en}: ", False), (ahead, True)], theme.info_en_size),
    ]
    minutes = face.estimated_wait_minutes
    if minutes is not None or face.no_counter_open:
        told = None if face.no_counter_open else minutes
        # The value wraps as a whole ("khoảng 15 phút"), never as "khoảng 15 / phút".
        vi, en = (wait_text(told, lang).replace(" ", NBSP) for lang in ("vi", "en"))
        lines.append(([(f"{ESTIMATED_WAIT.vi}: ", False), (vi, True)], theme.info_size))
        lines.append(([(f"{ESTIMATED_WAIT.en}: ", False), (en, True)], theme.info_en_size))
    return lines


def _layout_ticket(
    face: TicketFace, dots: int, fit: Fit, fonts: FontSet, theme: TicketTheme
) -> Image.Image:
    sheet = _Sheet(dots, fit, fonts, theme)
    sheet.paragraph(nfc(face.site_name).upper(), theme.site_size, bold=True)
    if face.site_address.strip():
        sheet.gap(4)
        sheet.paragraph(face.site_address, theme.address_size)
    sheet.gap(10)
    sheet.rule()
    sheet.gap(12)
    sheet.paragraph(face.field_name, theme.field_size, bold=True)
    if face.field_name_en.strip():
        sheet.gap(4)
        sheet.paragraph(face.field_name_en, theme.field_en_size)
    sheet.gap(18)
    sheet.code(face.code)
    sheet.gap(18)
    if face.priority:
        sheet.banner(theme.priority_text, theme.banner_size)
        sheet.gap(12)
    issued = face.issued_at
    sheet.paragraph(
        [
            (f"{theme.date_label} ", False),
            (f"{issued:%d/%m/%Y}", True),
            (f"{NBSP * 2} {theme.time_label} ", False),
            (f"{issued:%H:%M}", True),
        ],
        theme.when_size,
    )
    sheet.gap(12)
    info = _info_lines(face, theme)
    qr = None
    if face.qr_text:
        try:
            qr = qr_image(face.qr_text, sheet.px(theme.qr_width), theme.qr_min_module, sheet.width)
        except (DataOverflowError, ValueError):  # over version 40
            log.warning("QR text of %d characters is too long for a QR code", len(face.qr_text))
    if qr is not None and qr.width <= sheet.width * 0.45:
        sheet.text_beside(info, qr)
    else:
        # No QR, or one so dense (a long qr_content) that it needs a row of its own.
        for runs, size in info:
            sheet.paragraph(runs, size)
        if qr is not None:
            sheet.gap(8)
            sheet.picture(qr)
    if face.procedure is not None:
        _procedure_section(sheet, face.procedure, theme)
    sheet.gap(10)
    sheet.rule()
    numbers = [h.strip().replace(" ", NBSP) for h in face.hotlines if h.strip()]
    if numbers:
        sheet.gap(10)
        sheet.paragraph(f"{theme.hotline_label} {' · '.join(numbers)}", theme.hotline_size)
    if face.footer.strip():
        sheet.gap(10)
        sheet.paragraph(face.footer, theme.footer_size, bold=True)
    return sheet.finish()


def _procedure_section(sheet: _Sheet, procedure: ProcedureFace, theme: TicketTheme) -> None:
    """Under the number: the procedure, a box to tick per document, the fee and the time."""
    sheet.gap(10)
    sheet.rule()
    sheet.gap(10)
    sheet.paragraph(procedure.name, theme.field_en_size, bold=True)
    if procedure.name_en.strip():
        sheet.paragraph(procedure.name_en, theme.info_en_size)
    sheet.gap(8)
    sheet.paragraph([(theme.checklist_title, True)], theme.checklist_size)
    sheet.gap(4)
    for document in procedure.documents:
        sheet.check_item(document, theme.checklist_size)
        sheet.gap(4)
    sheet.gap(4)
    sheet.paragraph([(f"{theme.fee_label} ", False), (procedure.fee, True)], theme.info_size)
    sheet.paragraph(
        [(f"{theme.processing_label} ", False), (procedure.processing, True)], theme.info_size
    )


#: Index in FITS last chosen for a ticket shape (same texts, width and theme): the next
#: ticket of that shape renders once instead of searching again.
_FIT_CACHE: dict[Hashable, int] = {}


def _fit_budget(
    render: Callable[[Fit], Image.Image], dots: int, what: str, shape: Hashable = None
) -> Image.Image:
    """The largest layout in FITS whose image fits the row budget of `dots` (binary search)."""
    return _choose_fit(render, dots, what, shape)[0]


def _choose_fit(
    render: Callable[[Fit], Image.Image], dots: int, what: str, shape: Hashable = None
) -> tuple[Image.Image, int]:
    """`_fit_budget`'s image and the index in FITS of the layout it chose."""
    budget = max_ticket_rows(dots)
    fits = [Fit(text, code) for text, code in FITS]
    cached = _FIT_CACHE.get(shape) if shape is not None else None
    if cached:
        image = render(fits[cached])
        if image.height <= budget:
            return image, cached
    first = render(fits[0])
    if first.height <= budget:
        if shape is not None:
            _FIT_CACHE[shape] = 0
        return first, 0
    # Heights only shrink along FITS, so search for the first layout that fits.
    rendered: dict[int, Image.Image] = {0: first}
    low, high = 1, len(fits) - 1
    while low < high:
        mid = (low + high) // 2
        rendered[mid] = render(fits[mid])
        if rendered[mid].height <= budget:
            high = mid
        else:
            low = mid + 1
    image = rendered[low] if low in rendered else render(fits[low])
    if image.height <= budget:
        if shape is not None:
            if len(_FIT_CACHE) > 256:
                _FIT_CACHE.clear()
            _FIT_CACHE[shape] = low
        return image, low
    # Never cut text off: an over-long text gets a longer ticket rather than a missing line.
    log.warning("%s is %d rows tall, over the budget of %d", what, image.height, budget)
    return image, low


#: Face fields whose value never changes the ticket's height, and what of them does: the
#: number's length, whether a wait is printed, whether there is a QR. Every other field
#: (a new one too) is part of the key by its value.
_SHAPE_ONLY: dict[str, Callable[[object], object]] = {
    "code": lambda v: len(str(v)),
    "issued_at": lambda _v: None,
    "people_ahead": lambda _v: None,
    "estimated_wait_minutes": lambda v: v is not None,
    "qr_text": bool,
}


def _itself(value: object) -> object:
    return value


def layout_key(face: TicketFace, dots: int, theme: TicketTheme = THEME) -> Hashable:
    """What decides a ticket's layout, derived from the face and the theme by value (frozen
    dataclasses), so a field added to either cannot be forgotten by the cache."""
    shape = tuple(_SHAPE_ONLY.get(f.name, _itself)(getattr(face, f.name)) for f in fields(face))
    return (dots, theme, shape)


def render_ticket(face: TicketFace, dots: int, theme: TicketTheme = THEME) -> Image.Image:
    """The ticket as a mode "1" image exactly `dots` wide, within the row budget of `dots`."""
    fonts = FontSet()
    plain = replace(face, procedure=None)
    image, index = _choose_fit(
        lambda fit: _layout_ticket(plain, dots, fit, fonts, theme),
        dots,
        f"ticket {face.code}",
        layout_key(plain, dots, theme),
    )
    if face.procedure is None:
        return image
    # The ticket grows by its checklist; the rest keeps the size the plain ticket has.
    return _layout_ticket(face, dots, Fit(*FITS[index]), fonts, theme)


def render_test_page(
    dots: int,
    printer_description: str,
    printed_at: datetime | None = None,
    theme: TicketTheme = THEME,
) -> Image.Image:
    """The admin test page: every Vietnamese tone mark, a sample number and a width ruler."""
    fonts = FontSet()
    when = printed_at or datetime.now().astimezone()

    def layout(fit: Fit) -> Image.Image:
        sheet = _Sheet(dots, fit, fonts, theme)
        sheet.paragraph(T.TEST_PAGE.both(), theme.field_size, bold=True)
        sheet.gap(8)
        sheet.paragraph(printer_description, theme.info_size)
        sheet.gap(4)
        sheet.paragraph(f"{when:%d/%m/%Y %H:%M} · {dots} dots", theme.info_en_size)
        sheet.gap(10)
        sheet.rule()
        sheet.gap(10)
        sheet.paragraph(
            vietnamese_only(  # every tone mark: a glyph check, not a text to translate
                "à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ đ è é ẻ ẽ ẹ ê ề ế ể ễ ệ ì í ỉ ĩ ị "
                "ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ ù ú ủ ũ ụ ư ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ"
            ),
            theme.info_size,
        )
        sheet.gap(6)
        sheet.paragraph(
            vietnamese_only("ĐIỂM PHỤC VỤ HÀNH CHÍNH CÔNG – Ắ Ặ Ẫ Ễ Ệ Ỗ Ộ Ợ Ự Ỹ"), theme.info_size
        )
        sheet.gap(10)
        sheet.code("A001")
        sheet.gap(10)
        sheet.banner(theme.priority_text, theme.banner_size)
        sheet.gap(10)
        _ruler(sheet)
        return sheet.finish()

    return _fit_budget(layout, dots, "test page")


def _ruler(sheet: _Sheet) -> None:
    """Ticks every 8 dots (1 mm at 203 dpi) across the whole width, longer every 64 dots."""
    height = sheet.px(24)
    sheet.reserve(height)
    draw, top = sheet.draw, sheet.y
    for x in range(0, sheet.dots, 8):
        length = height if x % 64 == 0 else height // 2
        draw.line((x, top, x, top + length - 1), fill=0)
    draw.line((sheet.dots - 1, top, sheet.dots - 1, top + height - 1), fill=0)
    draw.line((0, top + height - 1, sheet.dots - 1, top + height - 1), fill=0)
    sheet.y += height
