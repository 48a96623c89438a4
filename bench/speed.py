#!/usr/bin/python3
"""Every figure of README's "Speed" section in one run, and the section itself.

    bench/speed [--images FOLDER] [--count 200] [--rounds 3] [--packs fusion,faceplugin] [--out bench-out/speed]
                [--solo-packs faceplugin-mesh,faceplugin-fast] [--int8-packs fusion-int8]
                [--targets faceplugin=12,fusion=20,faceplugin-mesh=20,faceplugin-fast=10]
                [--skip-evaluate | --evaluate-from EVALUATE.json] [--quiet-below LOAD --quiet-wait MINUTES]

(bench/speed installs python3-opencv when run as root, builds the CLI, then runs this.) For each pack:
bench/compare.py (`visage bench` and the Python OpenCV DNN peer in alternating rounds, every raw report kept) and
bench/service_memory.py; the int8 packs with `visage bench` alone (their float packs' peer comparison stands for
the float networks only); then `visage evaluate` over LFW View 1 (DevTrain chooses the threshold, DevTest is
measured) with the default pack, timed with no cached encodings (a temporary VISAGE_HOME that shares the model
packs and plans); then bench/readme_table.py on the round of each pack whose CPU median is the middle one.
Writes OUT/speed.md (the section) and every JSON report beside it. With --quiet-below, waits (at most --quiet-wait
minutes, then goes on and says so) until the one-minute load average is below LOAD before it starts.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

from fresh_home import fresh_home

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run_to(path, command, env=None):
    print(f"speed: {' '.join(command)}", file=sys.stderr)
    with open(path, "w") as out:
        done = subprocess.run(command, cwd=ROOT, stdout=out, env=env)
    if done.returncode != 0:
        sys.exit(f"speed: {' '.join(command)} failed ({done.returncode})")
    with open(path) as f:
        return json.load(f)


def time_evaluate(lfw, pack, out):
    """`visage evaluate` over View 1 with nothing cached but the model packs and plans: wall and CPU seconds."""
    with fresh_home(prefix="visage-evaluate-home-") as env:
        command = ["dotnet", os.path.join(ROOT, ".build", "cli", "Visage.Cli.dll"), "evaluate", "--pack", pack,
                   "--pairs", os.path.join(lfw, "pairsDevTest.txt"), "--train", os.path.join(lfw, "pairsDevTrain.txt"),
                   "--images", os.path.join(lfw, "images"), "--json"]
        before_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before, start = load_average(), time.monotonic()
        report = run_to(os.path.join(out, "evaluate-output.json"), command, env)
        seconds = time.monotonic() - start
        after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    photos = len({os.path.join(dirpath, name) for dirpath, _, names in os.walk(os.path.join(lfw, "images"))
                  for name in names if name.lower().endswith(".jpg")})
    timing = {
        "pack": pack,
        "photos": photos,
        "cores": os.cpu_count(),
        "seconds": seconds,
        "cpuSeconds": (after_cpu.ru_utime - before_cpu.ru_utime) + (after_cpu.ru_stime - before_cpu.ru_stime),
        "loadBefore": load_before,
        "loadAfter": load_average(),
        "accuracy": find_accuracy(report),
    }
    with open(os.path.join(out, "evaluate.json"), "w") as f:
        json.dump(timing, f, indent=2)
    return timing


def find_accuracy(report):
    """The DevTest accuracy in evaluate's JSON (the first "accuracy" field, searched depth first)."""
    if isinstance(report, dict):
        if isinstance(report.get("accuracy"), (int, float)):
            return report["accuracy"]
        values = report.values()
    elif isinstance(report, list):
        values = report
    else:
        return None
    for value in values:
        found = find_accuracy(value)
        if found is not None:
            return found
    return None


def main():
    shared = os.environ.get("VISAGE_SHARED") or os.path.join(ROOT, "..", "shared")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lfw", default=os.path.join(shared, "data", "lfw"), help="LFW folder (images/, pair files)")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--packs", default="fusion,faceplugin", help="packs measured beside the Python peer")
    parser.add_argument("--solo-packs", default="faceplugin-mesh,faceplugin-fast",
                        help="packs the peer cannot run (FaceMesh landmarks, BlazeFace): measured by visage bench alone")
    parser.add_argument("--int8-packs", default="fusion-int8",
                        help="quantised packs: measured by visage bench alone (no peer, no service), rows beside the float ones")
    parser.add_argument("--targets", default="faceplugin=12,fusion=20,faceplugin-mesh=20,faceplugin-fast=10",
                        help="CPU ms per face on one thread (issue 12's two; issue 13's default pack and 10 ms pack); "
                             "a pack not named, PACK-int8 or PACK-mesh(-int8), is held to PACK's")
    parser.add_argument("--evaluate-pack", default="faceplugin-mesh", help="the pack evaluate is timed with (the default)")
    parser.add_argument("--evaluate-from", help="an earlier run's evaluate.json to report instead of timing evaluate again")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench-out", "speed"))
    parser.add_argument("--skip-evaluate", action="store_true")
    parser.add_argument("--quiet-below", type=float, help="wait for a one-minute load average below this first")
    parser.add_argument("--quiet-wait", type=float, default=30, help="minutes to wait for it at most")
    args = parser.parse_args()
    images = os.path.join(args.lfw, "images")
    if not os.path.isdir(images):
        sys.exit(f"speed: {images}: no such folder (--lfw, or set VISAGE_SHARED)")
    packs = [p for p in args.packs.split(",") if p]
    raw = os.path.join(args.out, "raw")
    os.makedirs(raw, exist_ok=True)

    if args.quiet_below is not None:
        deadline = time.monotonic() + args.quiet_wait * 60
        while load_average() >= args.quiet_below and time.monotonic() < deadline:
            time.sleep(10)
        print(f"speed: load average {load_average():.2f} at the start"
              + (" (not below --quiet-below: measuring anyway)" if load_average() >= args.quiet_below else ""),
              file=sys.stderr)

    tables, peers, services = [], [], []
    for pack in packs:
        compare = os.path.join(args.out, f"compare-{pack}.json")
        result = run_to(compare, [PYTHON, "bench/compare.py", "--images", images, "--count", str(args.count),
                                  "--rounds", str(args.rounds), "--pack", pack, "--keep", raw, "--json"])
        rounds = [r["cpuMedianMs"] for r in result["visage"]["rounds"]]
        middle = rounds.index(statistics.median_low(rounds)) + 1
        tables.append(os.path.join(raw, f"visage-{pack}-{middle}.json"))
        peers.append(compare)
        service = os.path.join(args.out, f"service-{pack}.json")
        run_to(service, [PYTHON, "bench/service_memory.py", "--pack", pack, "--photo",
                         os.path.join(shared, "seed", "skuli.jpg"), "--json"])
        services.append(service)

    for pack in [p for p in args.solo_packs.split(",") + args.int8_packs.split(",") if p]:
        reports = []
        for round_ in range(args.rounds):
            path = os.path.join(raw, f"visage-{pack}-{round_ + 1}.json")
            reports.append(run_to(path, ["./visage", "bench", "--images", images, "--count", str(args.count),
                                         "--pack", pack, "--json"]))
        rounds = [r["endToEnd"]["cpuMedianMs"] for r in reports]
        tables.append(os.path.join(raw, f"visage-{pack}-{rounds.index(statistics.median_low(rounds)) + 1}.json"))
        if pack in args.int8_packs.split(","):
            continue
        service = os.path.join(args.out, f"service-{pack}.json")
        run_to(service, [PYTHON, "bench/service_memory.py", "--pack", pack, "--photo",
                         os.path.join(shared, "seed", "skuli.jpg"), "--json"])
        services.append(service)

    command = [PYTHON, "bench/readme_table.py", *tables, "--targets", args.targets]
    for peer in peers:
        command += ["--peer", peer]
    for service in services:
        command += ["--service", service]
    if args.evaluate_from:
        command += ["--evaluate", os.path.abspath(args.evaluate_from)]
    elif not args.skip_evaluate:
        time_evaluate(args.lfw, args.evaluate_pack, args.out)
        command += ["--evaluate", os.path.join(args.out, "evaluate.json")]
    section = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True).stdout
    with open(os.path.join(args.out, "speed.md"), "w") as f:
        f.write(section)
    print(section)


if __name__ == "__main__":
    main()
