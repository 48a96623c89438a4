#!/usr/bin/env bash
# Two builds of Visage in alternating rounds on the same photos: which one runs first alternates every round.
#
#   bench/alternate_builds.sh "dotnet OTHER/Visage.Cli.dll" OUT_FOLDER [ROUNDS] [PACK] [IMAGES]
#
# Runs bench/alternate.py (one round each turn) for the other build and for this worktree's ./visage, and
# writes every round's raw report as OUT_FOLDER/other-N.json and OUT_FOLDER/this-N.json.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
other=$1
out=$2
rounds=${3:-10}
pack=${4:-faceplugin-fast}
images=${5:-${VISAGE_SHARED:-$root/../shared}/data/lfw/images}
mkdir -p "$out"
keep=$(mktemp -d)
trap 'rm -rf "$keep"' EXIT
for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then order="other this"; else order="this other"; fi
    for who in $order; do
        if [[ $who == other ]]; then visage=$other; else visage="$root/visage"; fi
        /usr/bin/python3 "$root/bench/alternate.py" --images "$images" --packs "$pack" --count 200 --rounds 1 \
            --keep "$keep/$who-$r" --visage "$visage" >/dev/null
        cp "$keep/$who-$r/visage-$pack-1.json" "$out/$who-$r.json"
    done
done
/usr/bin/python3 - "$out" <<'PY'
import glob, json, statistics, sys
out = sys.argv[1]
for who in ("other", "this"):
    reports = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{who}-*.json"))]
    stages = {}
    for r in reports:
        for s in r["stages"]:
            stages.setdefault(s["stage"], []).append(s["cpuMedianMs"])
    e2e = [r["endToEnd"]["cpuMedianMs"] for r in reports]
    print(f"{who}: end to end {statistics.median(e2e):.2f} CPU ms per face (median of {len(e2e)} rounds); "
          + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in stages.items()))
PY
