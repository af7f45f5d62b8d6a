"""Write the illustrative demo workbook and the blank template into data/.

Usage: python data/generate_demo.py [--seed N]

The output is byte-reproducible: the same seed gives the same files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indicators.demo import demo_programme  # noqa: E402
from indicators.present.template import template_bytes, write_workbook  # noqa: E402

DEMO_PATH = ROOT / "data" / "demo" / "monitoring_demo.xlsx"
TEMPLATE_PATH = ROOT / "data" / "monitoring_template.xlsx"


def main(argv: list[str] | None = None) -> int:
    """Write the demo workbook and the template; the exit code."""
    parser = argparse.ArgumentParser(description="Write the illustrative demo workbook and the blank template.")
    parser.add_argument("--seed", type=int, default=2023, help="seed of the illustrative programme (default 2023)")
    args = parser.parse_args(argv)
    programme = demo_programme(args.seed)
    DEMO_PATH.parent.mkdir(parents=True, exist_ok=True)
    DEMO_PATH.write_bytes(write_workbook(programme, lists_from=programme))
    TEMPLATE_PATH.write_bytes(template_bytes(lists_from=programme))
    print(f"wrote {DEMO_PATH.relative_to(ROOT)} ({programme.row_count} rows) and {TEMPLATE_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
