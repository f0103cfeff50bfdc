"""The counter console (`kiosk counter N`): one clerk's screen, keyboard and numeric keypad."""
