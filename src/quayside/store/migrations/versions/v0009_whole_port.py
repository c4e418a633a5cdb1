"""The whole port's carbon: the equipment register, its activity logs, and ship emissions per call.

- ``equipment_units``: one machine of a port's register, unique per port profile key and ``unit_id``.
- ``equipment_activity``: what a unit did over a period (inclusive local dates), unique per unit and period.
- ``ship_call_emissions``: the grams of each ship call counted in a port's totals (from an inventory's
  ``calls.parquet``), one column per pollutant, unique per port, MMSI and boundary arrival.
- ``port_throughput``: the TEU a port handled in a calendar year (from a throughput file), unique per port,
  UN/LOCODE (``''`` for the whole port: a NULL in a unique key would let it be stored twice) and year.

Revision ID: 0009_whole_port
Revises: 0008_write_authority
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0009_whole_port"
down_revision = "0008_write_authority"
branch_labels = None
depends_on = None

#: Pollutant columns of ``ship_call_emissions``, in the order of ``quayside.emissions.types.Pollutant``
#: (written out: a migration must not change when the enum does).
_GRAM_COLUMNS = (
    "co2_g",
    "ch4_g",
    "n2o_g",
    "co2e_g",
    "nox_g",
    "so2_g",
    "pm10_g",
    "pm2_5_g",
    "dpm_g",
    "co_g",
    "hc_g",
)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("source", sa.String(500)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "equipment_units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("port", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(50), nullable=False),
        sa.Column("unlocode", sa.String(5)),
        sa.Column("operator", sa.String(100)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("power_source", sa.String(32), nullable=False),
        sa.Column("rated_kw", sa.Float()),
        sa.Column("model_year", sa.Integer()),
        sa.Column("tier", sa.String(32)),
        sa.Column("line", sa.Integer()),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_equipment_units"),
        sa.UniqueConstraint("port", "unit_id", name="uq_equipment_units_port_unit_id"),
    )
    op.create_index("ix_equipment_units_unit_id", "equipment_units", ["unit_id"])
    op.create_table(
        "equipment_activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "unit_pk",
            sa.Integer(),
            sa.ForeignKey(
                "equipment_units.id", name="fk_equipment_activity_unit_pk_equipment_units", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float()),
        sa.Column("fuel_l", sa.Float()),
        sa.Column("fuel_kg", sa.Float()),
        sa.Column("kwh", sa.Float()),
        sa.Column("kg_h2", sa.Float()),
        sa.Column("miles", sa.Float()),
        sa.Column("moves", sa.BigInteger()),
        sa.Column("line", sa.Integer()),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_equipment_activity"),
        sa.UniqueConstraint(
            "unit_pk", "period_start", "period_end", name="uq_equipment_activity_unit_period"
        ),
    )
    op.create_index("ix_equipment_activity_period", "equipment_activity", ["period_start", "period_end"])
    op.create_table(
        "ship_call_emissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("port", sa.String(100), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("arrival", UTCDateTime(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("unlocode", sa.String(5)),
        sa.Column("terminal_code", sa.String(20)),
        *(sa.Column(name, sa.Float(), nullable=False) for name in _GRAM_COLUMNS),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_ship_call_emissions"),
        sa.UniqueConstraint("port", "mmsi", "arrival", name="uq_ship_call_emissions_port_mmsi_arrival"),
    )
    op.create_index("ix_ship_call_emissions_port_year", "ship_call_emissions", ["port", "year"])
    op.create_table(
        "port_throughput",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("port", sa.String(100), nullable=False),
        sa.Column("unlocode", sa.String(5), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("teu", sa.Float(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("loaded_from", sa.String(500)),
        sa.Column("line", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_port_throughput"),
        sa.UniqueConstraint("port", "unlocode", "year", name="uq_port_throughput_port_unlocode_year"),
    )


def downgrade() -> None:
    op.drop_table("port_throughput")
    op.drop_index("ix_ship_call_emissions_port_year", table_name="ship_call_emissions")
    op.drop_table("ship_call_emissions")
    op.drop_index("ix_equipment_activity_period", table_name="equipment_activity")
    op.drop_table("equipment_activity")
    op.drop_index("ix_equipment_units_unit_id", table_name="equipment_units")
    op.drop_table("equipment_units")
