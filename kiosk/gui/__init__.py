"""Qt support shared by every screen: the qasync runtime, background operations, theme."""
