#!/usr/bin/python3
"""README's performance table from `visage bench --json` outputs (one per pack) and, optionally, bench/compare.py's,
bench/service_memory.py's and bench/speed.py's evaluate timing.

    ./visage bench --images FOLDER --count 300 --pack fusion --json > fusion.json     # and so on per pack
    /usr/bin/python3 bench/compare.py --images FOLDER --count 300 --pack fusion --json > peer-fusion.json
    /usr/bin/python3 bench/readme_table.py fusion.json faceplugin.json ... [--peer peer-fusion.json ...]
        [--service service-fusion.json ...] [--evaluate evaluate.json]

bench/speed runs all of these and writes the section to bench-out/speed/speed.md.
"""
import argparse
import json


def ms(value):
    return f"{value:.1f}"


def throughput(all_cores):
    rate = f"{all_cores['photosPerSecond']:.1f}"
    if all_cores.get("photosPerCpuSecond"):
        rate += f" ({all_cores['photosPerCpuSecond']:.1f})"
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--peer", action="append", default=[], help="bench/compare.py --json output (repeatable)")
    parser.add_argument("--service", action="append", default=[], help="bench/service_memory.py --json output (repeatable)")
    parser.add_argument("--evaluate", help="bench/speed.py's evaluate timing")
    parser.add_argument("--targets", help="PACK=MS,...: CPU ms per face on one thread (issues 12 and 13); a pack "
                                          "not named, PACK-int8 or PACK-mesh(-int8), is held to PACK's")
    args = parser.parse_args()

    reports = []
    for path in args.reports:
        with open(path) as f:
            reports.append(json.load(f))
    machine = reports[0]["machine"]
    loads = [l for r in reports for l in (r["machine"]["loadBefore"], r["machine"]["loadAfter"]) if l is not None]
    folder = "/".join(reports[0]["imagesFolder"].rstrip("/").split("/")[-2:])
    print(f"Measured with `visage bench` on {reports[0]['photos']} photos of `{folder}`, "
          f"{machine['cpu']}, {machine['cores']} cores ({machine['instructions']}), {reports[0]['libraries']}; "
          f"load average {min(loads):.1f} to {max(loads):.1f} during the runs." if loads else "")
    print()
    print("| pack | end to end, 1 thread: CPU ms per face, median / p95 | wall ms, median / p95 "
          f"| photos/s on {reports[0]['allCores']['workers']} threads (per CPU second) | resident MB loaded (pipeline's share) |")
    print("| --- | --- | --- | --- | --- |")
    for r in reports:
        e2e = r["endToEnd"]
        cells = [f"`{r['model']}`", f"**{ms(e2e['cpuMedianMs'])}** / {ms(e2e['cpuP95Ms'])}",
                 f"{ms(e2e['medianMs'])} / {ms(e2e['p95Ms'])}", throughput(r["allCores"]),
                 f"{r['memory']['loaded'] / 1048576:.0f} ({(r['memory']['loaded'] - r['memory']['beforeLoad']) / 1048576:.0f})"]
        print("| " + " | ".join(cells) + " |")
    print()
    names = ("decode", "detect", "landmarks", "align", "embed", "match")
    print("| pack, ms per face (median / p95) | " + " | ".join(names) + " |")
    print("| --- " * (len(names) + 1) + "|")
    for r in reports:
        stages = {s["stage"]: s for s in r["stages"]}
        for label, median, p95 in (("CPU", "cpuMedianMs", "cpuP95Ms"), ("wall", "medianMs", "p95Ms")):
            cells = [f"`{r['model']}` {label}"] + [f"{ms(stages[n][median])} / {ms(stages[n][p95])}" for n in names]
            print("| " + " | ".join(cells) + " |")
    print()
    print("| network | plan on one thread (bulk work) | tuned ms (load average then) | plan on all cores (one photo) |")
    print("| --- | --- | --- | --- |")
    seen = set()
    for r in reports:
        for p in r["plans"]:
            if p["network"] in seen:
                continue
            seen.add(p["network"])
            tuned = "-" if p["tunedMedianMs"] is None else f"{p['tunedMedianMs']:.2f}"
            if p.get("loadWhenTuned") is not None:
                tuned += f" ({p['loadWhenTuned']:.1f})"
            print(f"| `{p['network']}` | {p['plan']} | {tuned} | {p['allCoresPlan'] or '-'} |")
    if args.targets:
        targets = dict((k, float(v)) for k, v in (t.split("=") for t in args.targets.split(",") if t))
        print()
        print("| pack | CPU ms per face, 1 thread (median) | target | verdict in this run |")
        print("| --- | --- | --- | --- |")
        for r in reports:
            model = r["model"]
            # A pack's own target first; else an int8 or -mesh variant is held to its float pack's.
            base = model if model in targets else model.removesuffix("-int8").removesuffix("-mesh")
            if base not in targets:
                continue
            cpu = r["endToEnd"]["cpuMedianMs"]
            verdict = "met" if cpu <= targets[base] else f"**not met** ({cpu / targets[base]:.2f}x the target)"
            print(f"| `{r['model']}` | {ms(cpu)} | {targets[base]:g} (`{base}`) | {verdict} |")
    for path in args.peer:
        with open(path) as f:
            peer = json.load(f)
        loads = ", ".join(f"{l:.1f}" for l in peer["loadAverages"] if l is not None)
        print()
        print(f"Side by side on the same {peer['photos']} photos, one thread each, {len(peer['visage']['rounds'])} "
              f"alternating rounds (`bench/compare.py`, load average {loads} between rounds): `{peer['pack']}` takes "
              f"{ms(peer['visage']['cpuMedianMs'])} CPU ms per face ({ms(peer['visage']['medianMs'])} wall) in Visage and "
              f"{ms(peer['peer']['cpuMedianMs'])} ({ms(peer['peer']['medianMs'])} wall) in the peer "
              f"({peer['peer']['implementation']}): Visage is **{peer['cpuRatio']:.2f}x** faster by CPU time, "
              f"{peer['ratio']:.2f}x by wall time.")
    for path in args.service:
        with open(path) as f:
            service = json.load(f)
        print()
        print(f"`visage serve --pack {service['pack']}` on an empty gallery: {service['restingBytes'] / 1048576:.0f} MB "
              f"resident at rest after start, {service['restingAfterOneRequestBytes'] / 1048576:.0f} MB at rest after "
              f"its first request (`bench/service_memory.py`, VmRSS).")
    if args.evaluate:
        with open(args.evaluate) as f:
            evaluation = json.load(f)
        print()
        print(f"`visage evaluate` over LFW View 1 ({evaluation['photos']:,} photos, `{evaluation['pack']}`, no cached "
              f"encodings, {evaluation['cores']} cores): {evaluation['seconds']:.0f} s wall, "
              f"{evaluation['cpuSeconds']:.0f} s of CPU time ({evaluation['cpuSeconds'] / evaluation['photos'] * 1000:.1f} "
              f"ms per photo); load average {evaluation['loadBefore']:.1f} before, {evaluation['loadAfter']:.1f} after; "
              f"DevTest accuracy {evaluation['accuracy'] * 100:.2f}%.")

if __name__ == "__main__":
    main()
