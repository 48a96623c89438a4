#!/usr/bin/python3
"""Packs against each other with `visage bench`, in alternating rounds on the same photos.

    /usr/bin/python3 bench/alternate.py --images FOLDER --packs faceplugin-fast,faceplugin [--count 200] [--rounds 3] [--keep DIR]
        [--visage "dotnet OTHER/Visage.Cli.dll"] [--visage "./visage --detector-input fit" ...]

Runs `visage bench --json` for each pack in turn, --rounds times, so that a burst of load from other processes
falls on all of them, and prints a Markdown table: each round's end-to-end CPU milliseconds per face on one
thread (median), the median of the rounds, wall time, and each stage's CPU median in the middle round. --keep DIR
writes every round's raw report there (visage-PACK-N.json). --visage given several times (builds, or global
options such as --detector-input) runs every pack with each in turn, in the same rounds: one row per command and pack.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ["decode", "detect", "landmarks", "align", "embed", "match"]


def bench(visage, images, count, pack):
    command = [*visage.split(), "bench", "--images", images, "--count", str(count), "--pack", pack, "--json"]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"alternate: {' '.join(command)} failed ({done.returncode}):\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", required=True)
    parser.add_argument("--packs", required=True, help="comma-separated pack ids")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", help="folder to write every round's raw report to")
    parser.add_argument("--visage", action="append",
                        help="the command that runs visage (another build, say); several: each in turn (default ./visage)")
    args = parser.parse_args()
    commands = args.visage or ["./visage"]
    packs = args.packs.split(",")
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)

    rows = [(c, p) for p in packs for c in commands]
    reports = {row: [] for row in rows}
    for round_ in range(args.rounds):
        for command, pack in rows:
            print(f"round {round_ + 1} of {args.rounds}: {pack} ({command})", file=sys.stderr)
            report = bench(command, args.images, args.count, pack)
            reports[(command, pack)].append(report)
            if args.keep:
                name = f"visage-{pack}-{round_ + 1}.json" if len(commands) == 1 else f"visage-{pack}-v{commands.index(command) + 1}-{round_ + 1}.json"
                with open(os.path.join(args.keep, name), "w") as f:
                    json.dump(report, f, indent=2)

    first = reports[rows[0]][0]["machine"]
    loads = [r["machine"][k] for rs in reports.values() for r in rs for k in ("loadBefore", "loadAfter")]
    print(f"{first['cpu']}, {first['cores']} cores ({first['instructions']}); {args.count} photos of {args.images}; "
          f"one thread; load average {min(loads):.1f} to {max(loads):.1f} during the runs\n")
    print("| pack | end to end, CPU ms per face (rounds) | median of rounds | wall ms | "
          + " | ".join(f"{s} CPU" for s in STAGES) + " |")
    print("| --- " * (4 + len(STAGES)) + "|")
    for (command, pack), rounds in reports.items():
        cpu = [r["endToEnd"]["cpuMedianMs"] for r in rounds]
        wall = statistics.median(r["endToEnd"]["medianMs"] for r in rounds)
        middle = sorted(rounds, key=lambda r: r["endToEnd"]["cpuMedianMs"])[len(rounds) // 2]
        stages = {s["stage"]: s["cpuMedianMs"] for s in middle["stages"]}
        label = f"`{pack}`" if len(commands) == 1 else f"`{pack}` ({command})"
        print(f"| {label} | {', '.join(f'{c:.1f}' for c in cpu)} | **{statistics.median(cpu):.1f}** | {wall:.1f} | "
              + " | ".join(f"{stages.get(s, 0):.2f}" for s in STAGES) + " |")


if __name__ == "__main__":
    main()
