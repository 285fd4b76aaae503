"""MASIP: the case system for multi-agency stalking units."""
