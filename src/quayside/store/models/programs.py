"""What the port's clean-ship programmes published: one incentive statement per operator, port and year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, utcnow


class ProgramStatementRow(Base):
    """An operator's incentive statement for a port and calendar year (``quayside programs run --db``).

    ``operator_code`` is the code the calls were attributed by (a carrier's SCAC); ``org_id`` the carrier
    organisation holding that code when the statement was stored, or NULL when the hub has none (the port
    authority still sees it). ``document`` is the statement as ``statements.json`` holds it.
    """

    __tablename__ = "program_statements"
    __table_args__ = (
        UniqueConstraint("port", "year", "operator_code", name="uq_program_statements_port_year_operator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    port: Mapped[str] = mapped_column(String(100))
    port_unlocodes: Mapped[str] = mapped_column(String(100))  # space-separated: who may read it as authority
    year: Mapped[int] = mapped_column(Integer)
    operator_code: Mapped[str] = mapped_column(String(50))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
