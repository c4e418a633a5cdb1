"""The API's JSON response: Starlette's ``JSONResponse``, rendered by orjson (:mod:`quayside.json_codec`).

The read routes answer with lists of stored DCSA documents; encoding them was the largest single step of
writing a response after the framework itself. The bytes are the same compact UTF-8 JSON that
``JSONResponse`` writes.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from quayside import json_codec


class FastJSONResponse(JSONResponse):
    """``application/json``, encoded by orjson."""

    def render(self, content: Any) -> bytes:
        return json_codec.dumps_bytes(content)


__all__ = ["FastJSONResponse"]
