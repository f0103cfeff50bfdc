"""Manager tools: wait-time history, exports, reports with charts, simulator, manager window."""
