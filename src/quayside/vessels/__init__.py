"""vessels."""
