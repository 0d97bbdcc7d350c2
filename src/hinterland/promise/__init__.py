"""promise stage."""
