"""Queries and writes of the visibility store; every read applies the access rules of ``access.py``."""
