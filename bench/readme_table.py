#!/usr/bin/python3
"""README's performance table from `visage bench --json` outputs (one per pack) and, optionally, bench/compare.py's.

    ./visage bench --images FOLDER --count 300 --pack fusion --json > fusion.json     # and so on per pack
    /usr/bin/python3 bench/compare.py --images FOLDER --count 300 --json > peer.json
    /usr/bin/python3 bench/readme_table.py fusion.json faceplugin.json ... [--peer peer.json]
"""
import argparse
import json


def ms(value):
    return f"{value:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--peer")
    args = parser.parse_args()

    reports = []
    for path in args.reports:
        with open(path) as f:
            reports.append(json.load(f))
    machine = reports[0]["machine"]
    loads = [l for r in reports for l in (r["machine"]["loadBefore"], r["machine"]["loadAfter"]) if l is not None]
    print(f"Measured with `visage bench` on {reports[0]['photos']} photos of {reports[0]['imagesFolder']}, "
          f"{machine['cpu']}, {machine['cores']} cores ({machine['instructions']}), {reports[0]['libraries']}; "
          f"load average {min(loads):.1f} to {max(loads):.1f} during the runs." if loads else "")
    print()
    print("| pack | end to end, 1 thread: CPU ms per face (wall) | decode | detect | landmarks | align | embed | match "
          f"| photos/s on {reports[0]['allCores']['workers']} threads | resident MB (pipeline) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in reports:
        stages = {s["stage"]: s for s in r["stages"]}
        e2e = r["endToEnd"]
        cells = [f"`{r['model']}`", f"**{ms(e2e['cpuMedianMs'])}** ({ms(e2e['medianMs'])})"]
        cells += [ms(stages[name]["cpuMedianMs"]) for name in ("decode", "detect", "landmarks", "align", "embed", "match")]
        cells += [f"{r['allCores']['photosPerSecond']:.1f}",
                  f"{r['memory']['loaded'] / 1048576:.0f} ({(r['memory']['loaded'] - r['memory']['beforeLoad']) / 1048576:.0f})"]
        print("| " + " | ".join(cells) + " |")
    print()
    print("| network | plan on one thread (bulk work) | tuned ms | plan on all cores (one photo) |")
    print("| --- | --- | --- | --- |")
    seen = set()
    for r in reports:
        for p in r["plans"]:
            if p["network"] in seen:
                continue
            seen.add(p["network"])
            tuned = "-" if p["tunedMedianMs"] is None else f"{p['tunedMedianMs']:.2f}"
            print(f"| `{p['network']}` | {p['plan']} | {tuned} | {p['allCoresPlan'] or '-'} |")
    if args.peer:
        with open(args.peer) as f:
            peer = json.load(f)
        print()
        print(f"Side by side on the same {peer['photos']} photos, one thread each, {len(peer['visage']['rounds'])} "
              f"alternating rounds (`bench/compare.py`): `{peer['pack']}` takes "
              f"{ms(peer['visage']['cpuMedianMs'])} CPU ms per face ({ms(peer['visage']['medianMs'])} wall) in Visage and "
              f"{ms(peer['peer']['cpuMedianMs'])} ({ms(peer['peer']['medianMs'])} wall) in the peer "
              f"({peer['peer']['implementation']}): Visage is **{peer['cpuRatio']:.2f}x** faster by CPU time, "
              f"{peer['ratio']:.2f}x by wall time.")


if __name__ == "__main__":
    main()
