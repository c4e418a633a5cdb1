"""Vessel particulars: the registry CSV, defaults by ship type and size bin, and the shared vocabulary."""
