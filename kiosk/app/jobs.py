"""What the kiosk's buttons do, as plain functions run in worker threads (no Qt here).

Each function is one step a widget starts through `kiosk.gui.operations.Operations`: issue a
ticket (committed before anything is shown or printed), render it, print it and log the
outcome, and the admin tasks (reprint, test page, printer status).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from kiosk.core.catalogue import Catalogue, Procedure
from kiosk.core.config import Config
from kiosk.core.errors import KioskError
from kiosk.core.model import IssuedTicket, Ticket
from kiosk.core.queue import QueueService
from kiosk.printing.escpos_output import ticket_dots
from kiosk.printing.job import PrintOutcome, print_ticket, printer_status
from kiosk.printing.targets import PrinterStatus, describe_target
from kiosk.printing.ticket_image import render_test_page, render_ticket, ticket_face

log = logging.getLogger(__name__)


def issue_ticket(
    service: QueueService, field: str, *, priority: bool, procedure: Procedure | None = None
) -> IssuedTicket:
    """Commit a new ticket for `field`, for `procedure` when the documents path chose one
    (the one database write of a tap)."""
    key = procedure.key if procedure is not None else None
    return service.issue(field, priority=priority, procedure=key, actor="kiosk")


def render_issued(
    config: Config, issued: IssuedTicket, procedure: Procedure | None = None
) -> Image.Image:
    """The ticket image (with the procedure's checklist when it was taken for one): the
    preview on screen is exactly what the printer receives."""
    return render_ticket(ticket_face(config, issued, procedure), ticket_dots(config.printer))


def print_and_log(
    service: QueueService, config: Config, ticket_id: int, image: Image.Image
) -> PrintOutcome:
    """Print a rendered ticket within the printer timeout and log `printed` / `print_failed`.

    Never raises for a printer fault. If the database is gone when logging, the outcome is
    still returned (the citizen's screen matters more than the log line).
    """
    outcome = print_ticket(config.printer, image)
    try:
        service.record_print(ticket_id, ok=outcome.ok, message=outcome.message_en)
    except KioskError as exc:
        log.warning("could not log the print outcome of ticket %d: %s", ticket_id, exc.message_en)
    return outcome


@dataclass(frozen=True)
class Reprint:
    ticket: Ticket
    image: Image.Image
    outcome: PrintOutcome


def recent_tickets(service: QueueService, limit: int = 6) -> list[Ticket]:
    """Today's newest tickets, newest first (the admin's reprint list)."""
    return service.tickets(service.business_day())[-limit:][::-1]


def reissued_view(service: QueueService, ticket: Ticket) -> IssuedTicket:
    """The ticket as it stands now: people ahead and estimated wait if it still waits."""
    return service.ticket_view(ticket.id)


def reprint(
    service: QueueService, config: Config, ticket_id: int, catalogue: Catalogue | None = None
) -> Reprint:
    """Render a ticket again (with its procedure's checklist while the catalogue still has
    it) and print it, logging the outcome like the first print."""
    ticket = service.ticket(ticket_id)
    procedure = (
        catalogue.find(ticket.field, ticket.procedure)
        if catalogue is not None and ticket.procedure
        else None
    )
    image = render_issued(config, reissued_view(service, ticket), procedure)
    outcome = print_and_log(service, config, ticket.id, image)
    return Reprint(ticket, image, outcome)


def print_test_page(config: Config, now: datetime | None = None) -> PrintOutcome:
    """Print the test page (every tone mark and a width ruler) on the configured printer."""
    printer = config.printer
    _, described = describe_target(printer)
    dots = ticket_dots(printer)
    page = render_test_page(dots, f"{described} · {printer.profile} · {printer.paper_mm} mm", now)
    return print_ticket(printer, page)


def check_printer(config: Config) -> PrinterStatus:
    """The printer's state for the admin panel (unknown when it does not answer in time)."""
    return printer_status(config.printer)
