"""The Python example of docs/landside-emissions.md runs and prints what it says (STYLE habit 9)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "landside-emissions.md"


def test_documented_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block.group(1), str(DOC), "exec"), {})
    nox, wtw, defaulted = out.getvalue().split(" ", 2)
    # 320 kW x 0.20 x 2,000 h = 128,000 kWh x 2.0 g/kWh (Tier 4 interim) = 256,000 g, as the comment says
    assert float(nox) == 256_000.0
    assert round(float(wtw)) == 120_065_401
    assert defaulted.strip() == "()"
