"""The report of one delivery pass: what it queued, sent, delivered, gave up, withheld, and what failed.

Both steps of a pass (``passes``) and the record of each POST (``send``) count into one
:class:`PassReport`. Reached through ``quayside.hub.delivery``, the public import path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PassReport:
    """What one pass did: deliveries queued, POSTs made, events delivered / failed / withheld.

    ``stopped``: subscriptions passed over because the API key that made them was revoked or lacks a scope.
    """

    queued: int = 0
    posts: int = 0
    delivered: int = 0
    failed_posts: int = 0
    given_up: int = 0
    withheld: int = 0
    stopped: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "queued": self.queued,
            "posts": self.posts,
            "delivered": self.delivered,
            "failedPosts": self.failed_posts,
            "givenUp": self.given_up,
            "withheld": self.withheld,
            "stopped": self.stopped,
            "errors": list(self.errors),
        }
