"""The terminal summary of an inventory run (Rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from quayside.engines.inventory import InventoryResult

#: Above this share of accepted reports outside the boundary, the summary asks whether --port is right.
OUTSIDE_WARNING_SHARE = 0.5
#: Pollutants shown in the terminal, in this order (all of them are in inventory.json).
SHOWN = ("CO2e", "CO2", "NOx", "SO2", "PM2_5", "DPM")


def print_inventory_summary(result: InventoryResult, console: Console) -> None:
    """Print ingestion counts, totals in tonnes by engine group and mode, and where the files are."""
    counts = result.counts
    console.print(f"[bold]{result.port_name}[/] — emissions inventory")
    console.print(
        "records: "
        + ", ".join(f"{k} {counts[k]:,}" for k in ("read", "accepted", "rejected", "duplicates", "untimed"))
        + f"; outside boundary {counts['outside_boundary']:,}; vessels {counts['vessels']:,}; "
        f"calls {counts['calls']:,}"
    )
    accepted = result.ingest.accepted
    if accepted and counts["outside_boundary"] / accepted > OUTSIDE_WARNING_SHARE:
        console.print(
            f"[yellow]note:[/] {counts['outside_boundary'] / accepted:.0%} of the accepted reports lie outside "
            f"the boundary of {result.port_key}: is it the right --port?",
            highlight=False,
        )
    period = result.period
    if period is not None:
        console.print(f"period: {period['start']} to {period['end']}", highlight=False)
    if result.ingest.rejected:
        reasons = ", ".join(f"{r} {n:,}" for r, n in sorted(result.ingest.rejected_by_reason.items()))
        console.print(f"rejected by reason: {reasons}")
        for example in result.ingest.examples[:3]:
            console.print(f"  e.g. {example}", highlight=False, soft_wrap=True)
    reg = result.registry
    if reg["rows"]:
        console.print(
            f"registry: {reg['rows']:,} rows, accepted {reg['accepted']:,}, rejected {reg['rejected']:,}"
        )
        for bad in reg["examples"][:3]:
            console.print(
                f"  e.g. {bad['source']}, line {bad['record']}, field '{bad['field']}': {bad['reason']} "
                f"({bad['raw']!r})",
                highlight=False,
                soft_wrap=True,
            )
    calls = result.calls
    by_type = {
        t: calls.filter(calls["call_type"] == t).height for t in ("berth", "anchorage", "pass_through")
    }
    console.print(
        f"calls: berth {by_type['berth']:,}, anchorage {by_type['anchorage']:,}, "
        f"pass-through {by_type['pass_through']:,}"
    )
    through = result.apart["pass_through"]
    leisure = result.apart["excluded"]["recreational"]
    console.print(
        f"reported apart, not in the totals: pass-through {through['calls']:,} calls of {through['vessels']:,} "
        f"vessels ({through['totals_g']['CO2e'] / 1e6:,.2f} t CO2e); recreational craft {leisure['vessels']:,} "
        f"({leisure['totals_g']['CO2e'] / 1e6:,.2f} t CO2e)",
        highlight=False,
    )

    categories = Table(title="The port's inventory by source category (tonnes)")
    categories.add_column("")
    for p in SHOWN:
        categories.add_column(p.replace("_", "."), justify="right")
    for category, values in result.by_category_g.items():
        categories.add_row(category, *(f"{values[p] / 1e6:,.2f}" for p in SHOWN))
    console.print(categories)

    table = Table(title="The port's inventory by engine group (tonnes)")
    table.add_column("")
    for p in SHOWN:
        table.add_column(p.replace("_", "."), justify="right")
    for group, values in result.by_engine_g.items():
        table.add_row(group, *(f"{values[p] / 1e6:,.2f}" for p in SHOWN))
    table.add_row("[bold]total[/]", *(f"[bold]{result.totals_g[p] / 1e6:,.2f}[/]" for p in SHOWN))
    console.print(table)

    modes = Table(title="By operating mode (tonnes)")
    modes.add_column("mode")
    mode_keys = [k for k in ("CO2e", "NOx", "PM2_5") if any(k in v for v in result.by_mode_g.values())]
    for p in mode_keys:
        modes.add_column(p.replace("_", "."), justify="right")
    for mode, values in result.by_mode_g.items():
        modes.add_row(mode, *(f"{values.get(p, 0.0) / 1e6:,.2f}" for p in mode_keys))
    console.print(modes)
    for name, path in result.paths.items():
        console.print(f"{name}: {path}", highlight=False, soft_wrap=True)
