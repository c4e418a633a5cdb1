"""Quayside: an open port community system.

Supply-chain visibility for everyone who moves cargo through a port, and measurable carbon reduction
(emissions inventories, targets, incentives) for the port, in one system built on open standards.
"""

__version__ = "0.1.0"
