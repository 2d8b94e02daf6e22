"""Product code never imports the demo app: it is installed in the local and test settings only."""

import re
from pathlib import Path

RMA = Path(__file__).resolve().parents[2] / "rma"


def test_no_product_module_imports_the_demo():
    importing = re.compile(r"^\s*(from|import)\s+rma\.demo\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(RMA))
        for path in RMA.rglob("*.py")
        if path.parent.name != "demo"
        and "demo" not in path.relative_to(RMA).parts
        and importing.search(path.read_text())
    ]
    assert offenders == []
