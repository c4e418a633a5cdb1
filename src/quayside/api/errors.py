"""Errors as DCSA error bodies (TNT 2.2 ``components/schemas/error``), never a stack trace.

Every :class:`~quayside.errors.QuaysideError` answers with its class's ``http_status`` and the same text it
prints on the command line; request validation and malformed JSON answer 400/422 naming the field.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from quayside.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    QuaysideError,
)
from quayside.hub.limits import Limits

log = logging.getLogger(__name__)

# DCSA ``subErrors_inner.reason`` per error class: a short machine-readable word.
REASONS: dict[type[QuaysideError], str] = {
    InputError: "invalidInput",
    ConfigError: "invalidParameter",
    NotFoundError: "notFound",
    AuthenticationError: "unauthorized",
    PermissionDeniedError: "forbidden",
    ConflictError: "conflict",
}


def error_body(request: Request, status: int, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A DCSA ``error`` object for ``request``."""
    return {
        "httpMethod": request.method,
        "requestUri": str(request.url),
        "statusCode": status,
        "statusCodeText": HTTPStatus(status).phrase,
        "errorDateTime": datetime.now(UTC).isoformat(timespec="seconds"),
        "errors": errors,
    }


def _reason(exc: QuaysideError) -> str:
    for cls in type(exc).__mro__:
        if cls in REASONS:
            return REASONS[cls]
    return "badRequest"


def _quayside(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(QuaysideError, exc)  # registered for this class only
    sub: dict[str, Any] = {"reason": _reason(exc), "message": str(exc)}
    if exc.field is not None:
        sub["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationError) else None
    return JSONResponse(error_body(request, exc.http_status, [sub]), exc.http_status, headers=headers)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _validation(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(RequestValidationError, exc)
    errors: list[dict[str, Any]] = []
    status = 422
    problems = exc.errors()
    # A body of a million bad items must not answer with a million errors.
    shown = getattr(request.app.state, "limits", Limits()).rejects_listed
    for problem in problems[:shown]:
        field = _field_path(problem.get("loc", ()))
        if problem.get("type") == "json_invalid":
            status = 400
            reason, message = "invalidJson", f"body is not valid JSON: {problem.get('msg', '')}"
            ctx = problem.get("ctx") or {}
            if "error" in ctx:
                message = f"{message} ({ctx['error']})"
        else:
            reason, message = "invalidInput", f"field '{field}': {problem.get('msg', 'invalid value')}"
            if problem.get("loc", ("",))[0] == "query":
                status = 400
        errors.append({"reason": reason, "message": message, "field": field})
    if len(problems) > shown:
        more = len(problems) - shown
        errors.append(
            {"reason": "invalidInput", "message": f"{more} more errors not listed", "field": "body"}
        )
    return JSONResponse(error_body(request, status, errors), status)


def _http(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(StarletteHTTPException, exc)
    status = exc.status_code
    message = str(exc.detail) if exc.detail else HTTPStatus(status).phrase
    reason = "notFound" if status == 404 else "httpError"
    # A redirect (the portal's sign-in) or an authentication challenge keeps its headers (Location, ...).
    headers = dict(exc.headers) if exc.headers else None
    return JSONResponse(
        error_body(request, status, [{"reason": reason, "message": message}]), status, headers=headers
    )


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    body = error_body(request, 500, [{"reason": "internalError", "message": "unexpected server error"}])
    return JSONResponse(body, 500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(QuaysideError, _quayside)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
