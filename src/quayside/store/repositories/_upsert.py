"""Store records by a natural key: new ones inserted, changed ones updated, the same ones left alone.

The loads of the carbon side (equipment register, throughput figures, shore-power connections) all store
this way, so loading a file twice changes nothing and a corrected file updates what changed. A key repeated
within one load is stored once, its last values winning.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from quayside.store.models.base import utcnow
from quayside.store.repositories._dialect import insert_ignore

__all__ = ["Keyed", "Upserted", "upsert_keyed"]


@dataclass(frozen=True)
class Upserted:
    """Indexes of the input records stored new, updated (other values than stored), and unchanged."""

    stored: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Keyed:
    """One record to store: its key (the values of the key columns, in order), the values compared with
    what is stored, and the values written but not compared (where it was read from)."""

    key: tuple[Hashable, ...]
    values: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)


def upsert_keyed(
    session: Session,
    table: Any,
    key_columns: Sequence[str],
    items: Sequence[Keyed],
    existing: Mapping[Any, Any],
) -> Upserted:
    """Store ``items`` in ``table`` given the rows already stored under their keys (``existing``); flushes.

    A changed row gets the new values and ``updated_at``; new keys are inserted in one statement that
    ignores a key a concurrent load inserted first (that row is then left as the other load stored it).
    """
    out = Upserted()
    pending: dict[tuple[Hashable, ...], dict[str, Any]] = {}
    now = utcnow()
    for index, item in enumerate(items):
        row = existing.get(item.key)
        if row is not None:
            if all(getattr(row, name) == value for name, value in item.values.items()):
                out.unchanged.append(index)
                continue
            for name, value in {**item.values, **item.extra}.items():
                setattr(row, name, value)
            row.updated_at = now
            out.updated.append(index)
        elif item.key in pending:
            held = pending[item.key]
            changed = any(held[name] != value for name, value in item.values.items())
            (out.updated if changed else out.unchanged).append(index)
            held.update(item.values, **item.extra)
        else:
            pending[item.key] = {**dict(zip(key_columns, item.key, strict=True)), **item.values, **item.extra}
            pending[item.key] |= {"created_at": now, "updated_at": now}
            out.stored.append(index)
    if pending:
        session.execute(insert_ignore(session, table, list(key_columns)), list(pending.values()))
    session.flush()
    return out
