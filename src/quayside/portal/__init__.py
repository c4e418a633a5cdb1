"""The port portal: server-rendered pages under ``/portal/`` for people signed in with a password.

- :mod:`~quayside.portal.session`: who is signed in (:class:`~quayside.portal.session.PortalUser`), the
  dependency every page takes;
- the sign-in, sign-out and user administration routes, and ``quayside user create``;
- the pages, each answering with what the signed-in organisation may see, through the same access rules
  as the API (``quayside.store.access``).
"""
