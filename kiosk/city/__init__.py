"""The city's reports across its points, read from the centre (issue #15).

`kiosk report --central URL` (kiosk/city/report.py: the figures, computed in PostgreSQL;
pdf.py and xlsx.py: the document and the workbook). Above both the centre (kiosk.central)
and the point's reports (kiosk.reports), whose rules it calls instead of copying them.
"""
