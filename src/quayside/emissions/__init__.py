"""emissions."""
