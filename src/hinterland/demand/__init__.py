"""demand stage."""
