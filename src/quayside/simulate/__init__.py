"""Seeded port traffic: AIS positions (MarineCadastre columns), vessel registry and the true calls."""

from quayside.simulate.traffic import SimulatedCall, SimulationResult, simulate_traffic

__all__ = ["SimulatedCall", "SimulationResult", "simulate_traffic"]
