"""Writes indicators/present/reports/fonts/coverage.txt: the characters every one of the report's fonts draws.

    .venv/bin/pip install fonttools && .venv/bin/python scripts/font_coverage.py

Run it after changing the fonts in indicators/present/reports/fonts/. The PDF is PDF/UA-1, where a character no
font can draw is an error that stops the whole PDF, so every text is first cut down to these characters (others
print as U+FFFD, the replacement character). fontTools is needed only here, not by the product.
"""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "indicators" / "present" / "reports" / "fonts"


def ranges(points: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for point in points:
        if out and point == out[-1][1] + 1:
            out[-1] = (out[-1][0], point)
        else:
            out.append((point, point))
    return out


def main() -> None:
    files = sorted(FONTS.glob("*.ttf"))
    common = set.intersection(*(set(TTFont(f).getBestCmap()) for f in files))
    lines = [f"# Characters drawn by every font of this folder ({', '.join(f.name for f in files)}), as ranges."]
    lines += [f"{a:04X}-{b:04X}" if a != b else f"{a:04X}" for a, b in ranges(sorted(common))]
    (FONTS / "coverage.txt").write_text("\n".join(lines) + "\n")
    print(f"{len(common)} characters in {len(lines) - 1} ranges")


if __name__ == "__main__":
    main()
