"""The citizen kiosk: touchscreen ticket issuing, printing and its locked-down admin panel."""
