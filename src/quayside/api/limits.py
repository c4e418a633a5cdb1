"""The body limit of the API (:attr:`quayside.hub.limits.Limits.body_bytes`), applied before any route runs."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quayside.hub.limits import Limits

__all__ = ["BodyLimitMiddleware"]


def _too_large_body(scope: Scope, limits: Limits, received: int | None) -> bytes:
    """The DCSA error body of a 413 for ``scope``, naming the body limit."""
    size = "more" if received is None else f"{received} bytes, more"
    message = (
        f"{scope.get('method', '')} {scope.get('path', '')}: field 'body': {size} than the limit of "
        f"{limits.body_bytes} bytes per request; send it in parts ({limits.setting('body_bytes')})"
    )
    return json.dumps(
        {
            "httpMethod": scope.get("method", ""),
            "requestUri": scope.get("path", ""),
            "statusCode": 413,
            "statusCodeText": "Content Too Large",
            "errors": [{"reason": "invalidInput", "field": "body", "message": message}],
        }
    ).encode()


class BodyLimitMiddleware:
    """Answer 413 to a request body over ``limits.body_bytes`` before any route reads it.

    A declared ``Content-Length`` over the limit is refused at once. A body without one (chunked) is read
    up to the limit first and handed on only when it fits, so that no route ever sees part of a body.
    """

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.limits.body_bytes
        declared: int | None = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
                break
        if declared is not None:
            if declared > limit:
                await self._refuse(scope, send, declared)
                return
            # The server holds the body to its declared length, so nothing more can arrive.
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await self._refuse(scope, send, None)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks)}], receive), send)

    async def _refuse(self, scope: Scope, send: Send, received: int | None) -> None:
        body = _too_large_body(scope, self.limits, received)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A ``receive`` that gives ``messages`` first, then waits on ``then`` (e.g. for a disconnect)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive
