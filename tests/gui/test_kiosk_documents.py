"""The kiosk's documents path (issue #16): a field's procedures, a procedure's checklist and a
ticket taken for it, on a real window, a real SQLite file and a real ESC/POS file printer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import jobs
from kiosk.app.window import HOME, PROCEDURE, PROCEDURES, RESULT, KioskWindow
from kiosk.core.catalogue import Catalogue, parse_catalogue, sample_text
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.model import EventKind
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.core.texts import Language
from kiosk.printing.ticket_image import render_ticket, ticket_face
from tests.gui.test_kiosk_support import (
    FAST,
    PORTRAIT,
    WAIT_MS,
    kiosk_config,
    open_kiosk,
    printed_jobs,
    tap,
)

BIRTH = "Đăng ký khai sinh"


@pytest.fixture
def kiosk_service(tmp_path: Path, store: Store, clock: ManualClock) -> QueueService:
    return QueueService(store, kiosk_config(tmp_path), clock)


def sample(config: Config) -> Catalogue:
    return parse_catalogue(sample_text(), config, "sample")


def many(config: Config, n: int) -> Catalogue:
    """`n` procedures of Hộ tịch, some with long names, each with one document."""
    entries = []
    for i in range(n):
        long = " (kết hợp nhận cha, mẹ, con và các việc hộ tịch khác)" if i % 3 == 0 else ""
        entries.append(
            f'[[procedures]]\nfield = "hotich"\nname = "Thủ tục số {i + 1}{long}"\n'
            f'name_en = "Procedure {i + 1}"\nfee_vnd = 0\nprocessing = "Trong ngày"\n'
            f'[[procedures.documents]]\nname = "Tờ khai số {i + 1}"\n'
        )
    return parse_catalogue("\n".join(entries), config)


def open_documents(
    qtbot: QtBot, service: QueueService, field: str, **options: object
) -> tuple[KioskWindow, Clock]:
    """A kiosk with the sample catalogue whose `field` Documents control was just tapped."""
    clock = Clock()
    options.setdefault("catalogue", sample(service.config))
    window = open_kiosk(qtbot, service, monotonic=clock, **options)  # type: ignore[arg-type]
    control = window.home.buttons[field].documents
    assert control is not None
    tap(qtbot, control)
    assert window.screen_name == PROCEDURES
    return window, clock


class Clock:
    """The window's monotonic clock, moved by the test (taps are judged by it)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def later(self, seconds: float = 2.0) -> None:
        self.now += seconds


def test_a_tap_on_the_field_still_issues_a_plain_ticket_in_one_tap(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service, catalogue=sample(kiosk_service.config))
    card = window.home.buttons["hotich"]
    assert card.documents is not None and card.documents.isVisible()
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS) as shown:
        tap(qtbot, card)
    assert window.screen_name == RESULT
    printed.wait()
    [ticket] = kiosk_service.tickets()
    assert ticket.procedure is None
    issued = [e for e in kiosk_service.events_after(0) if e.kind is EventKind.ISSUED]
    assert [e.data for e in issued] == [{"priority": False}]
    [job] = printed_jobs(kiosk_service.config)
    plain = render_ticket(ticket_face(kiosk_service.config, shown.args[0]), job.width)
    assert job.tobytes() == plain.tobytes()


def test_documents_list_procedure_and_take_issues_a_ticket_for_it(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    config = kiosk_service.config
    catalogue = sample(config)
    clock = Clock()
    window = open_kiosk(qtbot, kiosk_service, catalogue=catalogue, monotonic=clock)
    card = window.home.buttons["hotich"]
    assert card.documents is not None
    with qtbot.assertNotEmitted(window.ops.started):  # Documents issues nothing
        tap(qtbot, card.documents)
    assert window.screen_name == PROCEDURES
    listed = [b.procedure.name for b in window.procedures.buttons if b.isVisible()]
    assert listed == [p.name for p in catalogue.of_field("hotich")]
    clock.later()
    tap(qtbot, window.procedures.buttons[0])
    assert window.screen_name == PROCEDURE
    assert window.procedure.name.text() == BIRTH
    checklist = [r.text.text() for r in window.procedure.rows if r.isVisible()]
    birth = catalogue.find("hotich", BIRTH)
    assert birth is not None
    assert checklist == [d.label("vi") for d in birth.documents]
    assert window.procedure.fee.text() == "Lệ phí: Miễn phí"
    clock.later()
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS) as shown:
        tap(qtbot, window.procedure.take_button)
    assert window.screen_name == RESULT
    assert window.result.field.text() == f"Hộ tịch\n{BIRTH}"
    printed.wait()
    assert printed.args[0].ok, printed.args[0].message_en
    [ticket] = kiosk_service.tickets()
    assert (ticket.code, ticket.procedure) == ("A001", BIRTH)
    issued = [e for e in kiosk_service.events_after(0) if e.kind is EventKind.ISSUED]
    assert [e.data for e in issued] == [{"priority": False, "procedure": BIRTH}]
    # The printer got the ticket with the checklist: the longer image, decoded from its bytes.
    [job] = printed_jobs(config)
    longer = render_ticket(ticket_face(config, shown.args[0], birth), job.width)
    plain = render_ticket(ticket_face(config, shown.args[0]), job.width)
    assert job.tobytes() == longer.tobytes()
    assert job.height > plain.height + 8 * 15  # at least 15 mm of checklist under the number
    assert window.result.preview.source is not None
    assert window.result.preview.source.tobytes() == job.tobytes()


def test_only_fields_with_procedures_get_a_documents_control_of_a_touch_target(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service, catalogue=sample(kiosk_service.config), size=PORTRAIT)
    with_documents = {c for c, b in window.home.buttons.items() if b.documents is not None}
    assert with_documents == {"hotich", "chungthuc"}
    for code in with_documents:
        control = window.home.buttons[code].documents
        assert control is not None and control.isVisible()
        assert control.height() >= window.target_px and control.width() >= window.target_px
        card = window.home.buttons[code]
        inside = control.geometry()
        assert card.rect().contains(inside), (code, inside, card.rect())
        caption = control.caption  # the whole label shows: none of it is cut off
        assert caption.text() == "Giấy tờ cần mang"
        assert caption.heightForWidth(caption.width()) <= caption.height()


def test_without_a_catalogue_the_field_buttons_have_no_documents_control(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    assert all(b.documents is None for b in window.home.buttons.values())


def test_more_procedures_than_fit_are_turned_in_large_pages(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    catalogue = many(kiosk_service.config, 14)
    window, clock = open_documents(qtbot, kiosk_service, "hotich", catalogue=catalogue)
    screen = window.procedures
    assert len(screen.pages) > 1 and screen.pager.isVisible()
    seen: list[str] = []
    for page in range(len(screen.pages)):
        shown = [b for b in screen.buttons if b.isVisible()]
        assert shown, page
        for button in shown:
            assert button.height() >= window.target_px
            # Every button lies wholly on the screen above the back button: no scrolling.
            bottom = button.mapTo(screen, button.rect().bottomLeft()).y()
            back = screen.back_button
            assert bottom < back.mapTo(screen, back.rect().topLeft()).y()
        seen += [b.procedure.name for b in shown]
        if page < len(screen.pages) - 1:
            tap(qtbot, screen.pager.next)
    assert seen == [p.name for p in catalogue.of_field("hotich")]
    assert not screen.pager.next.isEnabled()
    clock.later()
    tap(qtbot, [b for b in screen.buttons if b.isVisible()][-1])
    assert window.procedure.name.text().startswith("Thủ tục số 14")


def test_idle_returns_home_from_the_list_and_the_detail(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    clock = Clock()
    window = open_kiosk(
        qtbot,
        kiosk_service,
        catalogue=sample(kiosk_service.config),
        timings=replace(FAST, idle_ms=400),
        monotonic=clock,
    )
    tap(qtbot, window.header.language)
    card = window.home.buttons["chungthuc"]
    assert card.documents is not None
    tap(qtbot, card.documents)
    assert window.screen_name == PROCEDURES
    assert window.procedures.title.text() == "Certification: documents to bring"
    qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)
    assert window.language is Language.VI
    tap(qtbot, card.documents)
    clock.later()
    tap(qtbot, window.procedures.buttons[1])
    assert window.screen_name == PROCEDURE
    qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)
    assert kiosk_service.tickets() == []


def test_back_goes_to_the_list_then_to_the_fields(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window, clock = open_documents(qtbot, kiosk_service, "hotich")
    clock.later()
    tap(qtbot, window.procedures.buttons[2])
    clock.later()
    tap(qtbot, window.procedure.back_button)
    assert window.screen_name == PROCEDURES
    clock.later()
    tap(qtbot, window.procedures.back_button)
    assert window.screen_name == HOME
    assert kiosk_service.tickets() == []


def test_double_taps_on_the_documents_path_never_issue_twice(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window, clock = open_documents(qtbot, kiosk_service, "hotich")
    # The second half of a double tap lands on the list just shown: it opens nothing.
    tap(qtbot, window.procedures.buttons[0])
    assert window.screen_name == PROCEDURES
    clock.later()
    tap(qtbot, window.procedures.buttons[0])
    # ... and on the detail just shown: it takes no number.
    with qtbot.assertNotEmitted(window.ops.started):
        tap(qtbot, window.procedure.take_button)
    assert window.screen_name == PROCEDURE
    clock.later()
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.procedure.take_button)
        tap(qtbot, window.procedure.take_button)  # while the first issue is still running
    tap(qtbot, window.result)
    assert window.screen_name == RESULT
    printed.wait()
    assert [(t.code, t.procedure) for t in kiosk_service.tickets()] == [("A001", BIRTH)]
    assert len(printed_jobs(kiosk_service.config)) == 1


def test_a_priority_citizen_keeps_priority_on_the_documents_path(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    kiosk_service.issue("chungthuc")
    clock = Clock()
    window = open_kiosk(
        qtbot, kiosk_service, catalogue=sample(kiosk_service.config), monotonic=clock
    )
    tap(qtbot, window.home.priority)
    control = window.home.buttons["chungthuc"].documents
    assert control is not None
    tap(qtbot, control)
    clock.later()
    tap(qtbot, window.procedures.buttons[0])
    clock.later()
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS) as shown:
        tap(qtbot, window.procedure.take_button)
    issued = shown.args[0]
    assert issued.ticket.priority and issued.people_ahead == 0
    assert issued.ticket.procedure == "Chứng thực bản sao từ bản chính"
    assert not window.home.priority_mode


def test_a_reprint_keeps_the_checklist(kiosk_service: QueueService) -> None:
    config = kiosk_service.config
    catalogue = sample(config)
    issued = kiosk_service.issue("hotich", procedure=BIRTH)
    done = jobs.reprint(kiosk_service, config, issued.ticket.id, catalogue)
    assert done.outcome.ok, done.outcome.message_en
    birth = catalogue.find("hotich", BIRTH)
    [job] = printed_jobs(config)
    view = kiosk_service.ticket_view(issued.ticket.id)
    assert job.tobytes() == render_ticket(ticket_face(config, view, birth), job.width).tobytes()
    assert job.height > render_ticket(ticket_face(config, view), job.width).height


@pytest.mark.parametrize("size", [PORTRAIT, (1920, 1080), (1280, 800)])
def test_the_checklist_uses_the_largest_type_the_screen_has_room_for(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService, size: tuple[int, int]
) -> None:
    """A tall portrait screen shows the checklist larger instead of leaving half of it empty;
    on every screen the last line stays above the buttons."""
    window, clock = open_documents(qtbot, kiosk_service, "hotich", size=size)
    clock.later()
    tap(qtbot, window.procedures.buttons[0])
    screen = window.procedure
    assert screen.isVisible() and screen.name.text() == BIRTH
    body = screen.fee.font().pixelSize()
    qtbot.wait(50)  # the layout settles on the event loop, as it does before painting
    last = screen.notes if screen.notes.isVisible() else screen.time
    bottom = last.mapTo(screen, last.rect().bottomLeft()).y()
    buttons = screen.take_button.mapTo(screen, screen.take_button.rect().topLeft()).y()
    assert bottom < buttons
    if size == PORTRAIT:
        assert body >= 46  # was 36 px with two thirds of the screen empty
        assert buttons - bottom < size[1] // 3
    assert body >= 32
