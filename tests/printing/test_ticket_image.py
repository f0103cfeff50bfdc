"""The rendered ticket: exact width, pure 1-bit, within 8 cm, every Vietnamese letter intact."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from kiosk.core.config import Config
from kiosk.core.model import IssuedTicket, Ticket, TicketState
from kiosk.printing.errors import AssetMissing
from kiosk.printing.fonts import ASSETS_ENV, BOLD_FONT, REGULAR_FONT, FontSet, assets_dir, font_path
from kiosk.printing.ticket_image import (
    THEME,
    TicketFace,
    max_ticket_rows,
    qr_text,
    render_test_page,
    render_ticket,
    ticket_face,
    wrap_text,
)
from tests.printing.samples import FIELD_VI, make_face

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)

LONG_NAME = (
    "Trung tâm phục vụ hành chính công liên thông cấp xã của Ủy ban nhân dân xã Trần Phú, "
    "thành phố Hà Nội, cơ sở số hai tại thôn Đồng Trì số mười bốn, nơi tiếp nhận và trả kết quả "
    "thủ tục hành chính cho người dân và doanh nghiệp"
)


def _is_pure_black_and_white(image: Image.Image) -> bool:
    colors = image.convert("L").getcolors()
    return colors is not None and {value for _, value in colors} <= {0, 255}


def _ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of the black pixels."""
    return ImageChops.invert(image.convert("L")).getbbox()


@pytest.mark.parametrize("dots", [576, 384])
def test_ticket_is_exactly_paper_wide_pure_black_white_and_within_8_cm(
    face: TicketFace, dots: int
) -> None:
    image = render_ticket(face, dots)
    assert image.mode == "1"
    assert image.width == dots
    assert _is_pure_black_and_white(image)
    assert image.height <= max_ticket_rows(dots)
    assert max_ticket_rows(576) == 640
    assert image.width // 8 * image.height <= 64 * 1024


@pytest.mark.parametrize("dots", [576, 384])
def test_priority_ticket_with_long_texts_still_fits_8_cm(dots: int) -> None:
    face = make_face(priority=True, field_name_en="Labour, war invalids and social affairs")
    image = render_ticket(face, dots)
    assert image.width == dots
    assert image.height <= max_ticket_rows(dots)


def test_shipped_fonts_draw_every_vietnamese_letter_and_the_ticket_symbols() -> None:
    needed = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "–·/:!0123456789\u00a0"
    for name in (REGULAR_FONT, BOLD_FONT):
        cmap = TTFont(font_path(name))["cmap"].getBestCmap()
        missing = [c for c in needed if ord(c) not in cmap]
        assert missing == [], f"{name} lacks {missing}"


def test_field_name_keeps_its_diacritics_on_the_ticket(face: TicketFace) -> None:
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", FIELD_VI) if not unicodedata.combining(c)
    )
    assert stripped == "Lao đong – Nguoi co cong – Xa hoi"
    with_marks = render_ticket(face, 576)
    without_marks = render_ticket(make_face(field_name=stripped), 576)
    difference = ImageChops.difference(with_marks.convert("L"), without_marks.convert("L"))
    assert difference.getbbox() is not None, "tone marks left no trace in the image"
    line = wrap_text(FIELD_VI, FontSet().get(34, bold=True), 548)
    assert " ".join(line) == FIELD_VI


def test_decomposed_text_prints_the_same_as_precomposed(face: TicketFace) -> None:
    nfd = make_face(
        field_name=unicodedata.normalize("NFD", face.field_name),
        site_name=unicodedata.normalize("NFD", face.site_name),
        footer=unicodedata.normalize("NFD", face.footer),
    )
    assert nfd != face
    assert render_ticket(nfd, 576).tobytes() == render_ticket(face, 576).tobytes()


def test_very_long_office_name_wraps_within_the_margins_and_loses_no_word() -> None:
    font = FontSet().get(25, bold=True)
    lines = wrap_text(LONG_NAME.upper(), font, 548)
    assert len(lines) > 3
    assert " ".join(lines) == LONG_NAME.upper()
    assert all(font.getlength(line) <= 548 for line in lines)

    short = render_ticket(make_face(), 576)
    long = render_ticket(make_face(site_name=LONG_NAME), 576)
    assert long.width == 576
    assert long.height <= max_ticket_rows(576)
    # Wrapped lines stay inside the side margins: nothing runs off the paper.
    box = _ink_box(long)
    assert box is not None
    assert box[0] >= 4
    assert box[2] <= 576 - 4
    # The heading took more room, so the rest of the ticket shrank to fit: the number still
    # spans most of the width.
    assert ImageChops.difference(short.convert("L"), long.convert("L")).getbbox() is not None


def test_word_longer_than_a_line_is_split_not_cut() -> None:
    font = FontSet().get(30)
    word = "Zalo/Viber0768221221" * 4
    lines = wrap_text(word, font, 200)
    assert len(lines) > 1
    assert "".join(lines) == word
    assert all(font.getlength(line) <= 200 for line in lines)


def test_ticket_code_dominates_the_ticket() -> None:
    a = render_ticket(make_face(code="A105"), 576)
    b = render_ticket(make_face(code="B286"), 576)
    assert a.size == b.size
    box = ImageChops.difference(a.convert("L"), b.convert("L")).getbbox()
    assert box is not None
    left, top, right, bottom = box
    assert right - left >= 0.6 * 576, "the number should span most of the paper"
    assert bottom - top >= 0.2 * a.height, "the number should be the tallest thing printed"


def test_priority_ticket_carries_a_black_banner() -> None:
    plain = render_ticket(make_face(priority=False), 576)
    priority = render_ticket(make_face(priority=True), 576)

    def solid_rows(image: Image.Image) -> int:
        grey = image.convert("L")
        return sum(
            1
            for y in range(grey.height)
            if sum(1 for x in range(40, 536) if grey.getpixel((x, y)) == 0) > 0.8 * 496
        )

    assert solid_rows(priority) > solid_rows(plain) + 10


def test_missing_wait_estimate_and_qr_are_left_out_not_blank_lines() -> None:
    full = render_ticket(make_face(), 576)
    bare = render_ticket(make_face(estimated_wait_minutes=None, qr_text="", hotlines=()), 576)
    assert bare.width == 576
    assert bare.height < full.height


def test_test_page_is_paper_wide_and_marks_both_edges() -> None:
    for dots in (576, 384):
        page = render_test_page(dots, "USB printer 0416:5011 (TM-T20II)")
        assert page.mode == "1"
        assert page.width == dots
        assert _is_pure_black_and_white(page)
        grey = page.convert("L")
        column = [grey.getpixel((dots - 1, y)) for y in range(grey.height)]
        assert 0 in column, "the ruler reaches the last dot"
        assert 0 in [grey.getpixel((0, y)) for y in range(grey.height)]


def test_assets_dir_follows_the_environment_and_a_missing_font_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (assets_dir() / "fonts" / REGULAR_FONT).is_file()
    assert (assets_dir() / "fonts" / "OFL.txt").is_file()
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    assert assets_dir() == tmp_path
    with pytest.raises(AssetMissing) as caught:
        render_ticket(make_face(), 576)
    assert REGULAR_FONT in caught.value.message("en")
    assert REGULAR_FONT in caught.value.message("vi")


def _issued(config: Config, *, field: str = "laodong", code: str = "C012") -> IssuedTicket:
    ticket = Ticket(
        id=1,
        site=config.site.id,
        business_day=date(2026, 11, 23),
        field=field,
        number=12,
        code=code,
        priority=True,
        state=TicketState.WAITING,
        queue_field=field,
        target_counter=None,
        counter=None,
        issued_at=datetime(2026, 11, 23, 7, 5, tzinfo=UTC),
        called_at=None,
        serving_at=None,
        completed_at=None,
        recalls=0,
        transfers=0,
        dossiers=0,
        page_token="q0Xb7yJ3kPz-mN4sT9vW1a",
    )
    return IssuedTicket(ticket=ticket, people_ahead=3, estimated_wait_minutes=12, counters_open=2)


def test_ticket_face_uses_the_points_names_local_time_and_qr_template(config: Config) -> None:
    field = next(f for f in config.fields if f.name == FIELD_VI)
    face = ticket_face(config, _issued(config, field=field.code))
    assert face.field_name == FIELD_VI
    assert face.field_name_en == field.name_en
    assert face.site_name == config.site.name
    assert face.hotlines == tuple(config.site.hotlines)
    assert face.footer == config.printer.footer
    assert face.priority
    assert (face.issued_at.hour, face.issued_at.minute) == (14, 5)
    assert face.qr_text == f"{config.site.id}|2026-11-23|C012"
    assert render_ticket(face, 576).width == 576


def test_with_a_public_url_the_qr_opens_the_tickets_page(config: Config) -> None:
    web = config.web.model_copy(update={"public_url": "http://192.168.1.10:8080"})
    face = ticket_face(config.model_copy(update={"web": web}), _issued(config, field="hotich"))
    assert face.qr_text == "http://192.168.1.10:8080/t/q0Xb7yJ3kPz-mN4sT9vW1a"


def test_with_no_counter_open_the_ticket_says_so_instead_of_a_time(config: Config) -> None:
    issued = replace(_issued(config), estimated_wait_minutes=None, counters_open=0)
    face = ticket_face(config, issued)
    assert face.no_counter_open
    timed = replace(face, no_counter_open=False, estimated_wait_minutes=12)
    # No time is printed: whatever minutes the face carries, the same words (core's
    # wait_text(None): "chưa có quầy mở" / "no counter open yet") and the same image.
    words = replace(face, estimated_wait_minutes=12)
    printed = render_ticket(face, 576).tobytes()
    assert printed == render_ticket(words, 576).tobytes()
    assert printed != render_ticket(timed, 576).tobytes()
    assert not ticket_face(config, _issued(config)).no_counter_open


def test_qr_template_fills_known_names_and_keeps_unknown_ones() -> None:
    day = date(2026, 11, 23)
    fill = {"site": "tranphu", "day": day, "code": "A105", "field": "hotich"}
    assert qr_text("{site}/{field}/{code}@{day}", **fill) == "tranphu/hotich/A105@2026-11-23"
    assert qr_text("{site}|{counter}", **fill) == "tranphu|{counter}"
    assert qr_text("{site", **fill) == "tranphu|2026-11-23|A105"


def test_dense_or_impossible_qr_content_never_breaks_the_ticket() -> None:
    dense = render_ticket(make_face(qr_text="https://dichvucong.gov.vn/?q=" + "x" * 200), 384)
    assert dense.width == 384
    assert dense.height <= max_ticket_rows(384)
    too_long = render_ticket(make_face(qr_text="Z" * 5000), 576)
    assert too_long.width == 576
    assert too_long.height <= max_ticket_rows(576)


def test_the_layout_cache_never_changes_the_ticket() -> None:
    from dataclasses import replace

    from kiosk.printing import ticket_image

    face = make_face(priority=True)
    ticket_image._FIT_CACHE.clear()
    cold = render_ticket(face, 576)
    warm = render_ticket(face, 576)  # rendered once, from the cached layout
    assert warm.tobytes() == cold.tobytes()
    later = replace(face, code="A106", people_ahead=12)
    ticket_image._FIT_CACHE.clear()
    assert render_ticket(later, 576).tobytes() != cold.tobytes()
    assert render_ticket(later, 576).height <= ticket_image.max_ticket_rows(576)


def _changed(value: object) -> object:
    """Another value of the same type (what an edited face or theme would hold)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return (*value, "x")
    if isinstance(value, datetime):
        return value.replace(year=value.year + 1)
    if value is None:
        return 7
    raise AssertionError(f"no other value for {value!r}")


def test_the_layout_key_follows_every_face_and_theme_field_that_can_change_the_height(
    face: TicketFace,
) -> None:
    """Walk the dataclasses: a field added later is in the key unless declared shape-only."""
    from dataclasses import fields

    from kiosk.printing.ticket_image import layout_key

    key = layout_key(face, 576, THEME)
    same_height = {"issued_at", "people_ahead"}
    presence_only: dict[str, object] = {"estimated_wait_minutes": None, "qr_text": ""}
    for f in fields(face):
        other = replace(face, **{f.name: _changed(getattr(face, f.name))})
        if f.name in same_height:
            assert layout_key(other, 576, THEME) == key, f.name
        elif f.name == "code":  # only its length counts
            assert layout_key(replace(face, code="B999"), 576, THEME) == key
            assert layout_key(other, 576, THEME) != key
        elif f.name in presence_only:  # only whether a wait or a QR is printed
            assert layout_key(other, 576, THEME) == key
            gone = replace(face, **{f.name: presence_only[f.name]})
            assert layout_key(gone, 576, THEME) != key
        else:
            assert layout_key(other, 576, THEME) != key, f.name
    for f in fields(THEME):
        other_theme = replace(THEME, **{f.name: _changed(getattr(THEME, f.name))})
        assert layout_key(face, 576, other_theme) != key, f.name
    assert layout_key(face, 576, replace(THEME)) == key  # an equal theme, not the same object


def _box_rows(image: Image.Image, x: int) -> list[tuple[int, int]]:
    """Runs of black rows (start, length) down column `x`."""
    px = image.convert("L").load()
    runs, start = [], None
    for y in range(image.height):
        black = px[x, y] == 0
        if black and start is None:
            start = y
        elif not black and start is not None:
            runs.append((start, y - start))
            start = None
    return runs


@pytest.mark.parametrize("dots", [576, 384])
def test_a_ticket_for_a_procedure_prints_its_checklist_under_the_number(
    config: Config, dots: int
) -> None:
    """The plain part stays as it was (and within 8 cm); the checklist adds rows, one box
    to tick per document, and comes out of the printer's bytes as drawn."""
    from kiosk.core.catalogue import parse_catalogue, sample_text
    from kiosk.printing.escpos_output import decode_raster, encode_ticket
    from tests.printing.samples import PROFILE_58, PROFILE_80

    catalogue = parse_catalogue(sample_text(), config)
    marriage = catalogue.find("hotich", "Đăng ký kết hôn")
    assert marriage is not None
    issued = _issued(config, field="hotich", code="A012")
    plain = render_ticket(ticket_face(config, issued), dots)
    with_list = render_ticket(ticket_face(config, issued, marriage), dots)
    assert plain.height <= max_ticket_rows(dots)  # the plain ticket keeps to 8 cm
    assert with_list.height > plain.height + 40 * dots // 576  # it grew by the checklist
    # Everything down to the wait and the QR is the same ticket, not squeezed to make room.
    top = plain.height - 140 * dots // 576
    assert (
        ImageChops.difference(
            plain.crop((0, 0, dots, top)).convert("L"),
            with_list.crop((0, 0, dots, top)).convert("L"),
        ).getbbox()
        is None
    )
    printed = decode_raster(encode_ticket(with_list, PROFILE_80 if dots == 576 else PROFILE_58))
    assert printed.size == with_list.size
    assert ImageChops.difference(printed.convert("L"), with_list.convert("L")).getbbox() is None

    # One box to tick per document: a hollow square (four black edges, white inside).
    def boxes(image: Image.Image) -> int:
        px = image.convert("L").load()
        found = 0
        for y in range(top, image.height - 6):
            x = 0
            while x < dots // 6:
                if px[x, y] != 0:
                    x += 1
                    continue
                end = x
                while end < dots and px[end, y] == 0:
                    end += 1
                side = end - x - 1
                square = 6 <= side <= 40 and y + side < image.height
                if square and all(px[x + i, y + side] == 0 for i in range(side + 1)):
                    edges = all(px[x, y + j] == 0 and px[end - 1, y + j] == 0 for j in range(side))
                    hollow = px[x + side // 2, y + side // 2] != 0
                    found += edges and hollow
                x = end
        return found

    assert boxes(printed) == len(marriage.documents)
    assert boxes(plain) == 0


def test_the_procedure_part_says_fee_and_time_in_the_points_words(config: Config) -> None:
    from kiosk.core.catalogue import parse_catalogue, sample_text
    from kiosk.printing.ticket_image import procedure_face

    catalogue = parse_catalogue(sample_text(), config)
    signature = catalogue.find("chungthuc", "Chứng thực chữ ký")
    assert signature is not None
    part = procedure_face(signature)
    assert part.fee == "10.000 đồng"
    assert part.documents[-1] == "Căn cước / hộ chiếu còn giá trị — xuất\u00a0trình\u00a0×\u00a01"
    assert part.name_en == "Certifying a signature"
