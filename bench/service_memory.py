#!/usr/bin/python3
"""The service's resident memory at rest: `visage serve` on an empty gallery in a temporary folder.

    /usr/bin/python3 bench/service_memory.py [--pack fusion] [--photo PHOTO] [--json]

Starts the CLI's `serve` (as ./visage builds it, .build/cli/Visage.Cli.dll) on 127.0.0.1 with a free port,
waits for it to say where it serves, lets it settle, and reads VmRSS and VmHWM from /proc/PID/status: at rest
after start, then again at rest after one /api/detect of --photo (the first request runs the networks, and ONNX
Runtime and OpenCV allocate on first use). Stops the service and removes the folder afterwards.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return None


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def detect(url, key, photo):
    boundary = uuid.uuid4().hex
    with open(photo, "rb") as f:
        data = f.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{os.path.basename(photo)}\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url + "/api/detect", data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Api-Key": key})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.load(answer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pack", default="fusion")
    shared = os.environ.get("VISAGE_SHARED") or os.path.join(ROOT, "..", "shared")
    parser.add_argument("--photo", default=os.path.join(shared, "seed", "skuli.jpg"))
    parser.add_argument("--settle", type=float, default=5, help="seconds to wait before each reading")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cli = os.path.join(ROOT, ".build", "cli", "Visage.Cli.dll")
    if not os.path.exists(cli):
        sys.exit(f"service memory: {cli}: not built (run ./visage --help once)")
    if not os.path.exists(args.photo):
        sys.exit(f"service memory: {args.photo}: no such photo (--photo)")

    work = tempfile.mkdtemp(prefix="visage-serve-memory-")
    lines, found = [], threading.Event()
    process = subprocess.Popen(
        ["dotnet", cli, "serve", "--db", os.path.join(work, "gallery.db"), "--data", os.path.join(work, "data"),
         "--urls", "http://127.0.0.1:0", "--pack", args.pack],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)

    def read():
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if re.search(r"serving on http://", line):
                found.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        started = time.monotonic()
        if not found.wait(600):
            sys.exit("service memory: visage serve did not start:\n" + "\n".join(lines))
        startup = time.monotonic() - started
        text = "\n".join(lines)
        url = re.search(r"serving on (http://127\.0\.0\.1:\d+)", text).group(1)
        key = re.search(r"keep it: (visage_\S+)", text).group(1)
        time.sleep(args.settle)
        at_rest = status(process.pid, "VmRSS")
        faces = len(detect(url, key, args.photo)["faces"])
        time.sleep(args.settle)
        after_request = status(process.pid, "VmRSS")
        peak = status(process.pid, "VmHWM")
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)

    report = {"pack": args.pack, "startupSeconds": startup, "restingBytes": at_rest,
              "restingAfterOneRequestBytes": after_request, "peakBytes": peak, "photo": os.path.abspath(args.photo),
              "faces": faces, "loadAverage": load_average()}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"visage serve ({args.pack}, empty gallery): {at_rest / 1048576:.0f} MB resident at rest after start, "
              f"{after_request / 1048576:.0f} MB at rest after one /api/detect ({faces} faces), "
              f"peak {peak / 1048576:.0f} MB; started in {startup:.1f} s; load average {report['loadAverage']:.1f}")


if __name__ == "__main__":
    main()
