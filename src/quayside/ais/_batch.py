"""Column buffers that turn decoded rows into Arrow record batches of the canonical schemas."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from quayside.ais.schema import POSITION_SCHEMA, STATIC_SCHEMA


@dataclass(frozen=True)
class AisBatch:
    """A bounded slice of one input: position rows and static rows, in the canonical schemas."""

    positions: pa.RecordBatch
    static: pa.RecordBatch


def empty_batch(schema: pa.Schema) -> pa.RecordBatch:
    """A record batch with no rows."""
    return pa.RecordBatch.from_pylist([], schema=schema)


@dataclass
class RowBuffer:
    """Append-only column lists for one schema, emptied by :meth:`take`."""

    schema: pa.Schema
    columns: dict[str, list[object]] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = {name: [] for name in self.schema.names}

    def __len__(self) -> int:
        return len(self.columns[self.schema.names[0]])

    def append(self, values: tuple[object, ...]) -> None:
        """Add one row; ``values`` follow the order of the schema."""
        for column, value in zip(self.columns.values(), values, strict=True):
            column.append(value)

    def take(self) -> pa.RecordBatch:
        """The buffered rows as a batch; the buffer is left empty."""
        arrays = [
            pa.array(col, type=f.type) for col, f in zip(self.columns.values(), self.schema, strict=True)
        ]
        self.__post_init__()
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def position_buffer() -> RowBuffer:
    """A buffer for :data:`POSITION_SCHEMA` rows."""
    return RowBuffer(POSITION_SCHEMA)


def static_buffer() -> RowBuffer:
    """A buffer for :data:`STATIC_SCHEMA` rows."""
    return RowBuffer(STATIC_SCHEMA)
