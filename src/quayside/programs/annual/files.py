"""The files of ``quayside report annual``: ``annual.json``, three CSV files and ``annual.html``.

- ``annual.csv``: one row per year held (up to the report year) and category, plus a ``total`` row per year:
  ``port, year, category``, ``<p>_g`` tank-to-wheel grams per pollutant stem (``co2_g``, ``pm2_5_g``...) and
  ``co2e_wtw_g`` (well-to-wheel).
- ``annual_targets.csv``: one row per target, the fields of ``annual.json``'s ``targets``.
- ``annual_equipment.csv``: the report year's ``by_equipment``: ``kind, power_source, category, units,
  hours, kwh, kg_h2, fuel_l, fuel_kg``, ``<p>_g`` and ``co2e_wtw_g``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from quayside.emissions.types import Pollutant
from quayside.programs.annual.report import TOTAL, AnnualReport
from quayside.programs.annual.totals import CategoryTotals

_GRAM_COLUMNS = [f"{p.column}_g" for p in Pollutant]
ANNUAL_COLUMNS = ["port", "year", "category", *_GRAM_COLUMNS, "co2e_wtw_g"]
TARGET_COLUMNS = [
    "id",
    "metric",
    "scope",
    "unit",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_kind",
    "target_value",
    "target",
    "value",
    "trajectory",
    "gap",
    "year_met",
    "status",
    "note",
    "source",
]
EQUIPMENT_COLUMNS = [
    "kind",
    "power_source",
    "category",
    "units",
    "hours",
    "kwh",
    "kg_h2",
    "fuel_l",
    "fuel_kg",
    *_GRAM_COLUMNS,
    "co2e_wtw_g",
]


def _grams(values: CategoryTotals) -> dict[str, float]:
    out = {f"{p.column}_g": float(values.ttw_g.get(p.value, 0.0)) for p in Pollutant}
    out["co2e_wtw_g"] = values.wtw_co2e_g
    return out


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})


def write_files(report: AnnualReport, out_dir: Path) -> dict[str, Path]:
    """Write the files into ``out_dir`` (created) and return their paths by name."""
    from quayside.web.annual_report import write_annual_report

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "annual_json": out_dir / "annual.json",
        "annual_csv": out_dir / "annual.csv",
        "targets_csv": out_dir / "annual_targets.csv",
        "equipment_csv": out_dir / "annual_equipment.csv",
        "annual_html": out_dir / "annual.html",
    }
    document = report.to_json()
    paths["annual_json"].write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    annual_rows: list[dict[str, Any]] = []
    for totals in report.trend:
        for name, values in [*totals.by_category.items(), (TOTAL, totals.totals)]:
            annual_rows.append({"port": totals.port, "year": totals.year, "category": name, **_grams(values)})
    _write_csv(paths["annual_csv"], ANNUAL_COLUMNS, annual_rows)
    _write_csv(paths["targets_csv"], TARGET_COLUMNS, document["targets"])
    equipment_rows = [
        {
            **{k: v for k, v in group.to_dict().items() if k not in ("ttw_g", "wtw_co2e_g")},
            **_grams(CategoryTotals(group.ttw_g, group.wtw_co2e_g)),
        }
        for group in report.current.by_equipment
    ]
    _write_csv(paths["equipment_csv"], EQUIPMENT_COLUMNS, equipment_rows)
    write_annual_report(paths["annual_html"], report)
    return paths
