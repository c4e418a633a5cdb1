"""The one-case calculators of the clean-ship programmes: ``quayside programs NAME [FILE|-]``.

Each reads one JSON document and answers JSON with the inputs as understood, the result, and every rule and
factor used with its source and status (``docs/programs.md``). A calculator is a module's
``calculate(document, *, source) -> dict``; the registry names them so that the command line imports only
the one asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from quayside.errors import InputError

__all__ = ["CALCULATORS", "calculate"]

#: Calculator name -> module holding its ``calculate``.
CALCULATORS: dict[str, str] = {
    "vsr": "quayside.programs.incentives.vsr",
    "esi": "quayside.programs.incentives.esi",
    "at-berth": "quayside.programs.incentives.at_berth",
    "cii": "quayside.programs.compliance.cii",
    "eu-ets": "quayside.programs.compliance.eu_ets",
    "fueleu": "quayside.programs.compliance.fueleu",
}


def calculate(name: str, document: Any, *, source: str) -> dict[str, Any]:
    """The answer of calculator ``name`` for ``document``.

    Raises
    ------
    InputError
        An unknown calculator, or what the calculator refuses in the document (naming the field).
    """
    if name not in CALCULATORS:
        raise InputError(
            "no such programme calculator",
            field="programme",
            value=name,
            hint=f"use one of {sorted(CALCULATORS)}",
        )
    function: Callable[..., dict[str, Any]] = import_module(CALCULATORS[name]).calculate
    return function(document, source=source)
