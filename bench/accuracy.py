#!/usr/bin/python3
"""Reruns every line of README's accuracy table by its own command and says which figures this machine repeats.

    /usr/bin/python3 bench/accuracy.py [--lfw ../shared/data/lfw] [--only TEXT] [--fresh] [--json]

Reads the table under "## Accuracy (measured)", runs each line's `./visage evaluate $E ...` command with --json
(E as the section defines it), and prints, per line, README's DevTest accuracy, TAR at FAR 1e-2, threshold and
DevTrain accuracy beside the ones measured now (thresholds count as the same within 0.001). With --fresh, encodings are not reused from earlier runs (a
temporary VISAGE_HOME that shares the model packs and plans). Exits 1 when any figure differs. Build the CLI
first (./visage does), and run it from the repository root's checkout.
"""
import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys
import time

from fresh_home import fresh_home

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, ".build", "cli", "Visage.Cli.dll")


def table_rows(readme):
    """(label, figures from README, command arguments) for each line of the accuracy table."""
    section = readme.split("## Accuracy (measured)", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 7 or not cells[-1].startswith("`./visage evaluate"):
            continue
        command = cells[-1].strip("`").split()
        first = lambda cell: (cell.split() or [""])[0].strip("*")  # a cell may add a note after its figure
        rows.append((cells[0], {
            "accuracy": first(cells[1]),
            "tar": first(cells[2]),
            "threshold": first(cells[3]),
            "trainAccuracy": first(cells[4]),
        }, command[2:]))
    return rows


def percent(value, digits):
    return "" if value is None else f"{value * 100:.{digits}f}%"


def measured_figures(report):
    evaluation = report.get("evaluation", report)
    tar = next((p for p in evaluation["operatingPoints"]
                if abs(p["targetFalseAcceptRate"] - 0.01) < 1e-9 and p["status"] == "measured"), None)
    return {
        "accuracy": percent(evaluation["accuracy"], 2),
        "tar": percent(tar["trueAcceptRate"], 1) if tar else "",
        "threshold": f"{evaluation['threshold']:.4f}",
        "trainAccuracy": percent(evaluation["trainAccuracy"], 2),
    }


def same(readme, measured):
    """Percentages must match as printed; thresholds within 0.001 (float kernels differ between CPUs in the 4th place)."""
    for key, value in readme.items():
        if not value:
            continue
        if key == "threshold":
            if abs(float(value) - float(measured[key])) > 0.001:
                return False
        elif value != measured[key]:
            return False
    return True


def evaluate(arguments, lfw, env):
    expanded = []
    for argument in arguments:
        if argument == "$E":
            expanded += ["--train", os.path.join(lfw, "pairsDevTrain.txt"),
                         "--pairs", os.path.join(lfw, "pairsDevTest.txt"),
                         "--images", os.path.join(lfw, "images")]
        else:
            expanded.append(argument)
    command = ["dotnet", CLI, "evaluate", *expanded, "--json"]
    print(f"accuracy: ./visage evaluate {shlex.join(expanded)}", file=sys.stderr)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"accuracy: {shlex.join(command)} exited {result.returncode}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def main():
    shared = os.environ.get("VISAGE_SHARED") or os.path.join(ROOT, "..", "shared")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lfw", default=os.path.join(shared, "data", "lfw"), help="LFW folder (images/, pair files)")
    parser.add_argument("--only", help="rerun only the lines whose command contains this text")
    parser.add_argument("--fresh", action="store_true", help="encode every photo again (no cached encodings)")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    args = parser.parse_args()
    if not os.path.isfile(CLI):
        sys.exit(f"accuracy: {CLI}: not built (run ./visage --help once)")
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        rows = table_rows(f.read())
    if args.only:
        rows = [r for r in rows if args.only in " ".join(r[2])]
    if not rows:
        sys.exit("accuracy: no line of README's accuracy table to rerun")

    with (fresh_home(prefix="visage-accuracy-home-") if args.fresh else contextlib.nullcontext(dict(os.environ))) as env:
        results = []
        for label, readme, arguments in rows:
            started = time.monotonic()
            measured = measured_figures(evaluate(arguments, args.lfw, env))
            results.append({"line": label, "command": "./visage evaluate " + " ".join(arguments),
                            "readme": readme, "measured": measured,
                            "same": same(readme, measured),
                            "seconds": round(time.monotonic() - started, 1)})

    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        print("| line | DevTest (README / now) | TAR at 1e-2 | threshold | DevTrain | same |")
        print("| --- | --- | --- | --- | --- | --- |")
        for r in results:
            pair = lambda k: f"{r['readme'][k] or '-'} / {r['measured'][k] or '-'}"
            print(f"| {r['line']} | {pair('accuracy')} | {pair('tar')} | {pair('threshold')} | "
                  f"{pair('trainAccuracy')} | {'yes' if r['same'] else 'NO'} |")
    return 0 if all(r["same"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
