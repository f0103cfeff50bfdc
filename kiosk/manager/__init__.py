"""The manager window: reports, charts and exports behind the admin PIN (code in kiosk.reports)."""
