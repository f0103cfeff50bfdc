"""`kiosk web`: ticket pages for citizens' phones, the board as a page, the head's dashboard."""
