#!/usr/bin/python3
"""Visage against its Python peer, side by side on the same photos in the same run.

    /usr/bin/python3 bench/compare.py --images FOLDER [--count 200] [--rounds 3] [--pack fusion] [--keep DIR] [--json]

Runs `visage bench` (which also writes the networks it runs) and bench/peer_opencv.py (the same networks with
Debian's python3-opencv) in turn, --rounds times each, alternating so that a burst of load from other processes
falls on both, and reports each side's end-to-end milliseconds per face on one thread (median of the rounds'
medians; wall time and the thread's CPU time), each stage's CPU median, and the ratio. --keep DIR also writes every
round's raw reports there (visage-PACK-N.json, peer-PACK-N.json), so that README's table (bench/readme_table.py)
can come from the same run as the ratio. Needs python3-opencv (bench/speed installs it, as root).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_json(command):
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"compare: {' '.join(command)} failed ({done.returncode}):\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pack", default="fusion")
    parser.add_argument("--keep", help="folder to write every round's raw reports to")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)

    def keep(name, report):
        if args.keep:
            with open(os.path.join(args.keep, name), "w") as f:
                json.dump(report, f, indent=2)

    with tempfile.TemporaryDirectory(prefix="visage-peer-") as networks:
        visage, peer, loads = [], [], [load_average()]
        for round_ in range(args.rounds):
            print(f"round {round_ + 1} of {args.rounds}: visage bench", file=sys.stderr)
            visage.append(run_json(["./visage", "bench", "--images", args.images, "--count", str(args.count),
                                    "--pack", args.pack, "--save-networks", networks, "--json"]))
            keep(f"visage-{args.pack}-{round_ + 1}.json", visage[-1])
            print(f"round {round_ + 1} of {args.rounds}: peer", file=sys.stderr)
            peer.append(run_json(["/usr/bin/python3", "bench/peer_opencv.py", "--networks", networks,
                                  "--images", args.images, "--count", str(args.count), "--json"]))
            keep(f"peer-{args.pack}-{round_ + 1}.json", peer[-1])
            loads.append(load_average())

    def summary(reports):
        return {
            "medianMs": statistics.median(r["endToEnd"]["medianMs"] for r in reports),
            "cpuMedianMs": statistics.median(r["endToEnd"]["cpuMedianMs"] for r in reports),
            "rounds": [{"medianMs": r["endToEnd"]["medianMs"], "cpuMedianMs": r["endToEnd"]["cpuMedianMs"]} for r in reports],
            "faces": reports[0]["faces"],
            "stageCpuMedianMs": {s["stage"]: statistics.median(
                next(t for t in r["stages"] if t["stage"] == s["stage"])["cpuMedianMs"] for r in reports)
                for s in reports[0]["stages"]},
        }

    ours, theirs = summary(visage), summary(peer)
    result = {
        "pack": args.pack,
        "photos": visage[0]["photos"],
        "machine": visage[0]["machine"],
        "loadAverages": loads,
        "visage": {**ours, "libraries": visage[0]["libraries"], "plans": visage[-1]["plans"]},
        "peer": {**theirs, "implementation": peer[0]["implementation"]},
        "ratio": theirs["medianMs"] / ours["medianMs"],
        "cpuRatio": theirs["cpuMedianMs"] / ours["cpuMedianMs"],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    m = result["machine"]
    print(f"{args.pack}, {result['photos']} photos, one thread, {m['cpu']}, {m['cores']} cores; "
          f"load averages {', '.join('?' if l is None else f'{l:.1f}' for l in loads)}")
    print(f"  visage: {ours['medianMs']:.2f} ms per face (CPU {ours['cpuMedianMs']:.2f}), {ours['faces']} faces")
    print(f"  peer:   {theirs['medianMs']:.2f} ms per face (CPU {theirs['cpuMedianMs']:.2f}), {theirs['faces']} faces, "
          f"{result['peer']['implementation']}")
    print(f"  visage is {result['ratio']:.2f}x faster by wall time, {result['cpuRatio']:.2f}x by CPU time")
    print("  CPU ms per face by stage (visage / peer): " + ", ".join(
        f"{name} {ours['stageCpuMedianMs'][name]:.2f} / {theirs['stageCpuMedianMs'][name]:.2f}"
        for name in ours["stageCpuMedianMs"]))


if __name__ == "__main__":
    main()
