"""Reports below the GUI: history, reports, exports, charts/PDF, simulator, capacity plans.

Qt widgets never appear here (charts and the PDF are drawn with QtGui only), so the CLI, the web
role and the city reports use these modules without importing the manager window.
"""
