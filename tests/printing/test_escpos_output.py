"""ESC/POS bytes: the raster that reaches the printer is the rendered ticket, and only that."""

from __future__ import annotations

from pathlib import Path

import pytest
from escpos.constants import PAPER_FULL_CUT, PAPER_PART_CUT
from PIL import Image

from kiosk.core.config import PrinterConfig
from kiosk.printing.errors import PrinterError
from kiosk.printing.escpos_output import (
    decode_jobs,
    decode_raster,
    encode_ticket,
    iter_commands,
    profile_width,
    ticket_dots,
)
from kiosk.printing.job import prepare, print_ticket
from kiosk.printing.ticket_image import TicketFace, render_ticket
from tests.printing.samples import FIELD_VI, PROFILE_58, PROFILE_80, make_face

INIT = b"\x1b@"


def file_config(path: Path, **changes: object) -> PrinterConfig:
    settings: dict[str, object] = {
        "target": "file",
        "file_path": str(path),
        "profile": PROFILE_80,
        "timeout_seconds": 5,
    }
    return PrinterConfig.model_validate(settings | changes)


def test_file_target_bytes_decode_to_the_rendered_ticket_pixel_for_pixel(
    face: TicketFace, tmp_path: Path
) -> None:
    image = render_ticket(face, 576)
    path = tmp_path / "out" / "tickets.escpos"
    outcome = print_ticket(file_config(path), image)
    assert outcome.ok, outcome.message_en
    data = path.read_bytes()
    assert outcome.bytes_sent == len(data)
    assert data.startswith(INIT)
    assert data.endswith(PAPER_FULL_CUT) or data.endswith(PAPER_PART_CUT)
    decoded = decode_raster(data)
    assert decoded.mode == "1"
    assert decoded.size == image.size
    assert decoded.tobytes() == image.tobytes()


def test_tall_ticket_is_sent_in_fragments_that_join_seamlessly(face: TicketFace) -> None:
    image = render_ticket(face, 576)
    data = encode_ticket(image, PROFILE_80, fragment_rows=100)
    blocks = [c for c in iter_commands(data) if c.raster is not None]
    assert len(blocks) == -(-image.height // 100)
    assert all(b.raster is not None and b.raster.height <= 100 for b in blocks)
    assert decode_raster(data).tobytes() == image.tobytes()


def test_job_holds_only_init_raster_feed_and_cut_never_text(face: TicketFace) -> None:
    data = encode_ticket(render_ticket(face, 576), PROFILE_80)
    for command in iter_commands(data):
        if command.raster is not None:
            continue
        assert command.data[:2] in (b"\x1b@", b"\x1bd", b"\x1dV"), command
    # No code page selection (ESC t) and no Vietnamese text in any encoding.
    assert not any(c.data.startswith(b"\x1bt") for c in iter_commands(data))
    for text in (FIELD_VI, face.site_name, face.footer):
        assert text.encode("utf-8") not in data
        assert text.encode("utf-16-le") not in data
        assert text.encode("cp1258", errors="ignore") not in data


def test_each_job_appended_to_the_file_decodes_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "tickets.escpos"
    first = render_ticket(make_face(code="A001"), 576)
    second = render_ticket(make_face(code="A002", priority=True), 576)
    assert print_ticket(file_config(path), first).ok
    assert print_ticket(file_config(path), second).ok
    jobs = decode_jobs(path.read_bytes())
    assert [j.tobytes() for j in jobs] == [first.tobytes(), second.tobytes()]


def test_58mm_ticket_prints_on_a_cutterless_profile_with_a_feed_to_tear(tmp_path: Path) -> None:
    config = file_config(tmp_path / "t.escpos", paper_mm=58, profile=PROFILE_58)
    image = render_ticket(make_face(), ticket_dots(config))
    assert image.width == 384
    assert print_ticket(config, image).ok
    data = (tmp_path / "t.escpos").read_bytes()
    assert data.endswith(b"\x1bd\x06")
    assert decode_raster(data).tobytes() == image.tobytes()


def test_prepare_is_pure_and_repeatable(face: TicketFace) -> None:
    config = PrinterConfig(target="dummy", profile=PROFILE_80)
    image = render_ticket(face, 576)
    assert prepare(config, image) == prepare(config, image) == encode_ticket(image, PROFILE_80)


def test_render_width_follows_a_profile_narrower_than_the_paper() -> None:
    assert profile_width("TM-T88V") == 512
    assert ticket_dots(PrinterConfig(paper_mm=80, profile="TM-T88V")) == 512
    assert ticket_dots(PrinterConfig(paper_mm=80, profile=PROFILE_80)) == 576
    assert ticket_dots(PrinterConfig(paper_mm=58, profile=PROFILE_80)) == 384
    assert ticket_dots(PrinterConfig(paper_mm=80, profile="default")) == 576


def test_ticket_wider_than_the_profile_fails_with_a_fix(tmp_path: Path) -> None:
    config = file_config(tmp_path / "t.escpos", profile=PROFILE_58)
    outcome = print_ticket(config, render_ticket(make_face(), 576))
    assert not outcome.ok
    assert "576" in outcome.message_en and "384" in outcome.message_en
    assert "printer.paper_mm" in outcome.message_vi
    assert not (tmp_path / "t.escpos").exists()


def test_unknown_profile_is_named_with_a_suggestion() -> None:
    with pytest.raises(PrinterError) as caught:
        encode_ticket(Image.new("1", (576, 10), 1), "TM-T20I")
    assert "TM-T20I" in caught.value.message_en
    assert "TM-T20II" in caught.value.message_en


def test_unknown_width_profile_prints_nothing_on_stdout(
    face: TicketFace, capsys: pytest.CaptureFixture[str]
) -> None:
    image = render_ticket(face, 576)
    data = encode_ticket(image, "default", fragment_rows=64)
    assert decode_raster(data).tobytes() == image.tobytes()
    assert capsys.readouterr().out == ""
