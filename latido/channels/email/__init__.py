"""Email channel: parsing (pure) now; transports and threading build on it."""
