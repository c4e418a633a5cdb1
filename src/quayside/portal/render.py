"""Rendering the portal: the Jinja2 environment and the table every page lists its rows in.

Templates are package files (``quayside/portal/templates``), autoescaped, with undefined names an error.

A page's table is built in three steps, the same for the page and its CSV export, so the export holds
exactly the rows the page lists (all pages of them) and nothing the page's reader may not see:

1. the page reads its rows through the access-controlled repositories (the visibility is decided there);
2. :func:`select_rows` keeps the rows whose text contains the filter and sorts them by one column;
3. :meth:`TableView.build` cuts one page out of them for HTML, :func:`csv_response` writes all of them.

Query string of a table (every value optional; a bad value falls back to the default):

==========  ============================================================================================
parameter   meaning
==========  ============================================================================================
``sort``    key of the column to sort by (default: the page's default column)
``dir``     ``asc`` or ``desc``
``filter``  keep rows where some cell's text contains this, case-insensitive
``page``    page number, from 1
``per``     rows per page, one of :data:`PAGE_SIZES`
==========  ============================================================================================
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Generic, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import Response

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "PAGE_SIZES",
    "Cell",
    "Column",
    "TableQuery",
    "TableView",
    "cell_text",
    "csv_response",
    "environment",
    "select_rows",
]

R = TypeVar("R")
#: What a column reads from a row: text, a number, a UTC date-time, or nothing (shown as an empty cell).
Cell = str | int | float | datetime | None

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
#: Characters that make a spreadsheet read a cell as a formula (CSV injection); such text cells get a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@cache
def environment() -> Environment:
    """The portal's Jinja2 environment (built once): package templates, autoescape on, strict names."""
    env = Environment(
        loader=PackageLoader("quayside.portal", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = cell_text
    return env


def cell_text(value: Cell, decimals: int = 1) -> str:
    """The text of a cell, the same on the page and in the CSV export.

    Date-times as ``YYYY-MM-DD HH:MM`` in UTC, floats with ``decimals`` decimals, nothing as "".
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    return str(value)


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a table: its query-string ``key``, its heading, and how it reads a row."""

    key: str
    label: str
    value: Callable[[R], Cell]
    numeric: bool = False  # right-aligned; its text is never a formula
    decimals: int = 1
    #: A link for the cell (already a path of the portal), or None.
    link: Callable[[R], str | None] | None = None

    def text(self, row: R) -> str:
        """The cell's text."""
        return cell_text(self.value(row), self.decimals)


@dataclass(frozen=True)
class TableQuery:
    """The sort, filter and page a request asks of a table (see the module doc)."""

    sort: str
    descending: bool = False
    filter: str = ""
    page: int = 1
    per: int = DEFAULT_PAGE_SIZE

    @classmethod
    def parse(
        cls,
        params: Mapping[str, str],
        columns: Sequence[Column[R]],
        *,
        default_sort: str,
        default_descending: bool = False,
    ) -> TableQuery:
        """Read the query string; unknown columns, bad numbers and page sizes fall back to the default."""
        keys = {column.key for column in columns}
        sort = params.get("sort", default_sort)
        if sort not in keys:
            sort = default_sort
        direction = params.get("dir")
        descending = default_descending if direction not in ("asc", "desc") else direction == "desc"
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        try:
            per = int(params.get("per", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            per = DEFAULT_PAGE_SIZE
        if per not in PAGE_SIZES:
            per = DEFAULT_PAGE_SIZE
        text = params.get("filter", "").strip()[:100]
        return cls(sort=sort, descending=descending, filter=text, page=page, per=per)


def _sort_key(value: Cell) -> tuple[float, str]:
    """Numbers and times by value, text by its case-folded self (a column holds one kind; None is not
    passed here)."""
    if isinstance(value, datetime):
        return (value.timestamp(), "")
    if isinstance(value, int | float):
        return (float(value), "")
    return (0.0, str(value).casefold())


def select_rows(rows: Sequence[R], columns: Sequence[Column[R]], query: TableQuery) -> list[R]:
    """The rows whose cell text contains ``query.filter`` (any column), sorted by ``query.sort``.

    Empty cells sort last in either direction; rows with equal cells keep the order they came in.
    """
    needle = query.filter.casefold()
    kept = [row for row in rows if not needle or any(needle in c.text(row).casefold() for c in columns)]
    column = next(c for c in columns if c.key == query.sort)
    present = [row for row in kept if column.value(row) is not None]
    absent = [row for row in kept if column.value(row) is None]
    present.sort(key=lambda row: _sort_key(column.value(row)), reverse=query.descending)
    return present + absent


@dataclass(frozen=True)
class HeaderCell:
    """A column heading: its sort link and its ``aria-sort`` state."""

    label: str
    href: str
    numeric: bool
    aria_sort: str  # "ascending" | "descending" | "none"


@dataclass(frozen=True)
class BodyCell:
    """A cell of the page: its text, and a link when the column has one."""

    text: str
    numeric: bool
    href: str | None = None


def _href(path: str, extra: Mapping[str, str], query: TableQuery, changes: Mapping[str, Cell]) -> str:
    values: dict[str, Cell] = {
        **extra,
        "sort": query.sort,
        "dir": "desc" if query.descending else "asc",
        "filter": query.filter or None,
        "page": query.page if query.page > 1 else None,
        "per": query.per if query.per != DEFAULT_PAGE_SIZE else None,
    }
    values.update(changes)
    encoded = urlencode({key: str(value) for key, value in values.items() if value is not None})
    return f"{path}?{encoded}" if encoded else path


@dataclass(frozen=True)
class TableView:
    """One page of a table, ready for ``templates/pages/_table.html``."""

    caption: str
    path: str  # the page's path; links keep the page's own parameters and the table's
    query: TableQuery
    headers: list[HeaderCell]
    rows: list[list[BodyCell]]
    total: int
    pages: int
    csv_href: str | None
    extra: dict[str, str]  # the page's own query parameters (a search, a date range)

    @classmethod
    def build(
        cls,
        caption: str,
        path: str,
        rows: Sequence[R],
        columns: Sequence[Column[R]],
        query: TableQuery,
        *,
        extra: Mapping[str, str] | None = None,
        csv_path: str | None = None,
    ) -> TableView:
        """The page ``query.page`` of :func:`select_rows`; ``extra``: the page's own query parameters,
        kept in every link and in the CSV link (empty values are dropped)."""
        kept = select_rows(rows, columns, query)
        pages = max(1, math.ceil(len(kept) / query.per))
        query = TableQuery(query.sort, query.descending, query.filter, min(query.page, pages), query.per)
        own = {key: value for key, value in (extra or {}).items() if value}
        headers = []
        for column in columns:
            current = column.key == query.sort
            flip = "asc" if current and query.descending else ("desc" if current else "asc")
            headers.append(
                HeaderCell(
                    label=column.label,
                    href=_href(path, own, query, {"sort": column.key, "dir": flip, "page": None}),
                    numeric=column.numeric,
                    aria_sort=("descending" if query.descending else "ascending") if current else "none",
                )
            )
        start = (query.page - 1) * query.per
        return cls(
            caption=caption,
            path=path,
            query=query,
            headers=headers,
            rows=[
                [BodyCell(c.text(row), c.numeric, None if c.link is None else c.link(row)) for c in columns]
                for row in kept[start : start + query.per]
            ],
            total=len(kept),
            pages=pages,
            csv_href=None if csv_path is None else _href(csv_path, own, query, {"page": None, "per": None}),
            extra=own,
        )

    def href(self, **changes: Cell) -> str:
        """A link to this table with ``changes`` to its query string (None drops a parameter)."""
        return _href(self.path, self.extra, self.query, changes)

    @property
    def first_row(self) -> int:
        """Number of the page's first row, from 1 (0 when the table is empty)."""
        return 0 if not self.total else (self.query.page - 1) * self.query.per + 1

    @property
    def last_row(self) -> int:
        """Number of the page's last row."""
        return min(self.total, self.query.page * self.query.per)

    @property
    def page_sizes(self) -> tuple[int, ...]:
        """The choices of rows per page."""
        return PAGE_SIZES


def _csv_cell(column: Column[R], row: R) -> str:
    text = column.text(row)
    if not column.numeric and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_response(
    rows: Sequence[R], columns: Sequence[Column[R]], query: TableQuery, *, filename: str
) -> Response:
    """Every row of :func:`select_rows` (not one page) as CSV, with the column headings as its header.

    Cells are the page's text; a text cell that a spreadsheet would run as a formula starts with ``'``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.label for column in columns])
    for row in select_rows(rows, columns, query):
        writer.writerow([_csv_cell(column, row) for column in columns])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
