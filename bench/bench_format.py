"""Formatting time (``flare-ls format``, textDocument/formatting) on the generated 100-line and
2,000-line manifests of bench_analyze.py, and the minimal edits for them.

    PYTHONPATH=server python bench/bench_format.py [--repeat N]

Each manifest is first written in another style (4-space indentation, unindented sequences, trailing
spaces), so the formatter has every line to change, as on a real file that needs it.
"""

from __future__ import annotations

import argparse
import re

from bench_analyze import best_ms, generated

from flare_ls.formatting import FormatStyle, format_text, line_edits


def restyled(text: str) -> str:
    """``text`` in 4-space indentation with unindented sequences, a trailing space on every line outside
    block scalars: nearly every line to reformat."""
    other = format_text(text, FormatStyle(indent=4, indent_sequences=False))
    assert other.refused is None, other.refused
    return re.sub(r"^(\s*\S.*?)(?<![|>-])$", r"\1 ", other.text, flags=re.M)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    format_text("a: 1\n")  # import ruamel.yaml outside the timings
    print(f"{'manifest':<34} {'lines':>6} {'format':>9} {'edits':>9}   (ms, best of {repeat})")
    for lines in (100, 2000):
        for label, text in (
            (f"generated {lines}, formatted", generated(lines)),
            (f"generated {lines}, restyled", None),
        ):
            if text is None:
                text = restyled(generated(lines))
            result = format_text(text)
            assert result.refused is None, result.refused
            took = best_ms(lambda text=text: format_text(text), repeat)
            edits = best_ms(lambda text=text, out=result.text: line_edits(text, out), repeat)
            print(f"{label:<34} {text.count(chr(10)):>6} {took:>9.1f} {edits:>9.1f}")


if __name__ == "__main__":
    main()
