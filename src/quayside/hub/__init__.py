"""The hub's application layer: each operation of the data hub, whoever calls it.

Every service takes the session, the acting :class:`~quayside.store.access.Principal` and typed input,
applies the read and write rules (:mod:`quayside.store.access`, :mod:`quayside.store.authority`) and the
limits (:mod:`quayside.hub.limits`), and returns an outcome whose rejects are
:class:`~quayside.visibility.rejects.Reject`. The API's routes (:mod:`quayside.api`) and the command line
(:mod:`quayside.cli`) are thin callers of these services.
"""
