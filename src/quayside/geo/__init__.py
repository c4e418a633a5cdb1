"""Port geography: profiles (boundary, anchorages, berths, ECA, VSR rings, lanes) and zone lookup."""

from quayside.geo.geodesy import haversine_nm, ring_polygon
from quayside.geo.profiles import EmissionControl, Gate, PortProfile, list_profiles, load_profile
from quayside.geo.zones import VsrRing, Zone, ZoneKind, ZoneLookup

__all__ = [
    "EmissionControl",
    "Gate",
    "PortProfile",
    "VsrRing",
    "Zone",
    "ZoneKind",
    "ZoneLookup",
    "haversine_nm",
    "list_profiles",
    "load_profile",
    "ring_polygon",
]
