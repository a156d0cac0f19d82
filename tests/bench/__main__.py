"""Run every tests/bench/bench_*.py, print a summary table, write bench-results.json."""

import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

import tests.bench as package

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ("scenario", "requests", "429s", "retries", "failed", "seconds", "x floor")


def modules():
    """Yield each benchmark module of this package, by name."""
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("bench_"):
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def table(rows, columns=COLUMNS):
    """Return the rows as an aligned text table."""
    cells = [columns] + [tuple(str(row.get(c, "")) for c in columns) for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = [
        "  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in cells
    ]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


SUMMARY = ("benchmark", "measure", "ours", "baseline", "result")


def summary_rows(results):
    """Return one line per benchmark: what it measured, our figure, the baseline's, OK or not."""
    return [
        {
            "benchmark": r["module"].rsplit(".", 1)[-1].removeprefix("bench_"),
            **r.get("summary", {"measure": r["verdict"]}),
            "result": "OK" if r["ok"] else "FAILED",
        }
        for r in results
    ]


def main():
    """Run the benchmarks; exit 1 when any of them failed its own check."""
    results = []
    for module in modules():
        print(f"== {module.__name__} ==", flush=True)
        result = module.run()
        print(table(result["rows"], result.get("columns", COLUMNS)))
        print(("OK: " if result["ok"] else "FAILED: ") + result["verdict"], flush=True)
        results.append({"module": module.__name__, **result})
    summary = summary_rows(results)
    print("== summary ==")
    print(table(summary, SUMMARY))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "summary": summary,
        "results": results,
    }
    (ROOT / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {ROOT / 'bench-results.json'}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
