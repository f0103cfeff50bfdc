"""kiosk: offline-first queue ticketing for a one-stop public service point."""

__version__ = "0.1.0"
