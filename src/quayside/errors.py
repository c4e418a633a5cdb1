"""The one error hierarchy of Quayside.

Every error names where the bad value is (file or request, record, field), quotes the value and, where it
can, says how to fix it. The CLI prints ``str(error)`` on one line and exits non-zero; the API answers with
the HTTP status of the class and the same text.
"""

from __future__ import annotations

from typing import Any


class QuaysideError(Exception):
    """Base class of every error Quayside raises on purpose.

    Parameters
    ----------
    message
        What is wrong, in plain words.
    source
        The file (or request, or message) the bad value came from.
    record
        Line number, row index or record index inside ``source`` (1-based for lines).
    field
        The field (column, JSON key, EDIFACT element) that holds the bad value.
    value
        The bad value itself; quoted in the message.
    hint
        How to fix it.
    """

    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        record: int | str | None = None,
        field: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.record = record
        self.field = field
        self.value = value
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.source is not None:
            where.append(str(self.source))
        if self.record is not None:
            where.append(f"record {self.record}")
        prefix = ", ".join(where)
        text = self.message
        if self.field is not None:
            text = f"field '{self.field}': {text}"
        if self.value is not None:
            shown = repr(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            text = f"{text} (got {shown})"
        if self.hint:
            text = f"{text}; {self.hint}"
        return f"{prefix}: {text}" if prefix else text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description, as the API returns it."""
        return {
            "error": type(self).__name__,
            "message": str(self),
            "source": self.source,
            "record": self.record,
            "field": self.field,
        }


class InputError(QuaysideError):
    """Input data that cannot be used: malformed file, row, message or request body."""

    http_status = 422


class ConfigError(QuaysideError):
    """A setting, option or reference (port profile, factor table, GWP set) that does not exist or is invalid."""

    http_status = 400


class NotFoundError(QuaysideError):
    """A record that does not exist, or that the caller may not see (never say which)."""

    http_status = 404


class AuthenticationError(QuaysideError):
    """No credentials, or credentials that are not valid."""

    http_status = 401


class PermissionDeniedError(QuaysideError):
    """Valid credentials without the right (scope or role) to do this."""

    http_status = 403


class ConflictError(QuaysideError):
    """The request conflicts with the stored state (duplicate name, revoked key reused)."""

    http_status = 409
