"""Ticket printing: Pillow renderer, ESC/POS encoding and printer targets (no Qt)."""
