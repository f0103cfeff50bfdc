"""`kiosk rate N`: the citizen's rating screen at counter N (issue #18)."""
