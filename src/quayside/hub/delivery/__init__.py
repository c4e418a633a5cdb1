"""The delivery engine of event subscriptions: queue matching events, call back, retry, log.

One pass (:func:`run_once`) does two things:

1. **Queue.** For every subscription, the events stored since its cursor that match its filters and that its
   owner may see (:func:`~quayside.store.access.event_visibility`) are copied into the outbox
   (``event_deliveries``), one row per subscription and event ``seq``. The outbox is in the database, so a
   receiver that is down, or a server that restarts, loses nothing.
2. **Send.** Per subscription, pending deliveries go out in ``seq`` order, up to ``batch_size`` events per
   POST: a JSON array of TNT 2.2 events, with the headers ``Subscription-ID`` and
   ``Notification-Signature: sha256=<hex HMAC-SHA256>`` keyed with the decoded bytes of the subscription's
   base64 secret over the exact body bytes (TNT 2.2, ``callbacks`` of ``POST /v2/event-subscriptions``).
   A 2xx answer marks the batch delivered (never sent again). Anything else (another status, a refused
   connection, a timeout) is logged as an attempt and retried with exponential backoff; later events wait
   behind the first one, so order is kept. A delivery still failing after ``max_age`` is marked ``failed``
   and stays in the log until the owner replays it.

Before sending, each event is checked again against the owner's access rule; one it may no longer see is
``withheld`` rather than sent; so is everything pending of a subscription whose API key was revoked (it
is stopped). The HTTP call goes to the callback address that was resolved and checked, not to a second
lookup of the name. :class:`DeliveryWorker` runs passes in a thread: ``quayside serve`` and ``demo-serve``
run one by default (:func:`server_delivery`, ``--no-delivery`` to turn it off); ``quayside deliver`` runs
them from the command line (once, or in a loop for cron-less deployments).

This package is the public import path. The parts live in its modules: the settings and retry schedule
(``config``), the callback body and its signature (``signing``), one POST and its
record in the log (``send``), the report of a pass (``report``), the pass itself
(``passes``), the server's worker thread (``worker``) and ``quayside deliver``
(``command``).
"""

from __future__ import annotations

from quayside.hub.delivery.command import deliver
from quayside.hub.delivery.config import DeliveryConfig, backoff_delay
from quayside.hub.delivery.passes import queue_new_events, run_once, send_due
from quayside.hub.delivery.report import PassReport
from quayside.hub.delivery.send import API_VERSION

# Private, re-exported for the tests of the callback network rule (tests/api/test_callback_network.py).
from quayside.hub.delivery.send import _Batch as _Batch
from quayside.hub.delivery.send import _post as _post
from quayside.hub.delivery.signing import SIGNATURE_TYPE, encode_body, sign
from quayside.hub.delivery.worker import (
    WORKER_ENV,
    DeliveryChoice,
    DeliveryWorker,
    delivery_wanted,
    server_delivery,
    worker_enabled,
)

__all__ = [
    "API_VERSION",
    "SIGNATURE_TYPE",
    "WORKER_ENV",
    "DeliveryChoice",
    "DeliveryConfig",
    "DeliveryWorker",
    "PassReport",
    "backoff_delay",
    "deliver",
    "delivery_wanted",
    "encode_body",
    "queue_new_events",
    "run_once",
    "send_due",
    "server_delivery",
    "sign",
    "worker_enabled",
]
