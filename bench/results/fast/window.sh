#!/bin/bash
# The quiet window of helper "fast": faceplugin-fast against faceplugin, alternating rounds.
set -u
cd /work/wt/fast
export VISAGE_SHARED=/work/shared
L=/work/shared/data/lfw
if [ -e /work/notes/QUIET ]; then echo "QUIET held by: $(head -1 /work/notes/QUIET)"; exit 1; fi
echo "fast: bench faceplugin-fast vs faceplugin (visage bench, 1 thread), until 18:35 UTC" > /work/notes/QUIET
trap 'rm -f /work/notes/QUIET' EXIT
date -u; cat /proc/loadavg
for i in $(seq 1 9); do l=$(cut -d' ' -f1 /proc/loadavg); awk "BEGIN{exit !($l < 1.5)}" && break; sleep 10; done
date -u; cat /proc/loadavg
rm -f ~/.cache/visage/plans/face_detection_front_128x128_barracuda.onnx-*.json
mkdir -p bench/results/fast/warm-match bench/results/fast/cold-match
python3 bench/alternate.py --images $L/images --count 200 --rounds 3 --packs faceplugin-fast,faceplugin,faceplugin-blazefront \
  --keep bench/results/fast/warm-match > bench/results/fast/warm-match.md 2> bench/results/fast/warm-match.log
date -u; cat /proc/loadavg
# the previous build (commit bce7def, before the match warm-up), copied from .build/cli to /tmp/scratch/cli-old
python3 bench/alternate.py --images $L/images --count 200 --rounds 3 --packs faceplugin-fast,faceplugin \
  --visage "dotnet /tmp/scratch/cli-old/Visage.Cli.dll" \
  --keep bench/results/fast/cold-match > bench/results/fast/cold-match.md 2> bench/results/fast/cold-match.log
date -u; cat /proc/loadavg
