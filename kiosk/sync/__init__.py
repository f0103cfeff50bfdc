"""`kiosk sync`: a point ships its event log to the city centre, exactly once (issue #15).

Qt-free, its own process: it only reads the point's database (short read transactions) and
writes to the centre (kiosk.central). The design: docs/city.md.
"""
