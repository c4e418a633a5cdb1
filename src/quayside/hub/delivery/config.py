"""Delivery settings: the timing of callback deliveries and the retry schedule it defines.

:class:`DeliveryConfig` holds every figure a delivery pass uses (retry delays, give-up age, request timeout,
batch sizes, how far back the queue looks again, the worker's poll interval); :func:`backoff_delay` turns
it into the wait before the next attempt. DCSA TNT 2.2 fixes none of these. Reached through
``quayside.hub.delivery``, the public import path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from quayside.errors import ConfigError


@dataclass(frozen=True)
class DeliveryConfig:
    """Timing of deliveries. DCSA TNT 2.2 fixes none of these: every default is a project assumption (U).

    Retry ``n`` (1-based) waits ``min(first_delay_s * backoff_factor ** (n - 1), max_delay_s)`` seconds after
    the ``n``-th failed attempt: 1, 2, 4, 8, ... up to 5 minutes. A delivery failing for ``max_age_s`` (one
    day) is given up (``failed``, replayable). ``grace_s`` is how far back in ``created_at`` the queue
    looks again for events whose transaction committed after a later one's.
    """

    first_delay_s: float = 1.0
    backoff_factor: float = 2.0
    max_delay_s: float = 300.0
    max_age_s: float = 86_400.0
    timeout_s: float = 10.0
    batch_size: int = 100
    scan_limit: int = 1000
    max_batches_per_pass: int = 20
    grace_s: float = 60.0
    poll_interval_s: float = 1.0

    def __post_init__(self) -> None:
        for name in (
            "first_delay_s",
            "backoff_factor",
            "max_delay_s",
            "max_age_s",
            "timeout_s",
            "poll_interval_s",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError("must be positive", field=name, value=getattr(self, name))
        for name in ("batch_size", "scan_limit", "max_batches_per_pass"):
            if getattr(self, name) < 1:
                raise ConfigError("must be at least 1", field=name, value=getattr(self, name))
        if self.grace_s < 0:
            raise ConfigError("must not be negative", field="grace_s", value=self.grace_s)

    @property
    def lease(self) -> timedelta:
        """How long a worker holds a subscription while it sends: well past one request's timeout."""
        return timedelta(seconds=self.timeout_s * 3)


def backoff_delay(attempts: int, config: DeliveryConfig) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (``attempts >= 1``)."""
    exponent = max(attempts, 1) - 1
    seconds = min(config.first_delay_s * config.backoff_factor**exponent, config.max_delay_s)
    return timedelta(seconds=seconds)
