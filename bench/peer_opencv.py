#!/usr/bin/python3
"""The Python peer of `visage bench`: the very networks Visage runs, as a Python user would run them with
OpenCV's DNN module (Debian's python3-opencv), on the same photos, timed stage by stage on one thread.

    ./visage bench --images FOLDER --count N --save-networks NETS     # writes NETS/networks.json and the .onnx files
    /usr/bin/python3 bench/peer_opencv.py --networks NETS --images FOLDER --count N [--json]

bench/compare.py runs both in turn and prints the ratio. The pipeline is the one `visage bench` measures:
UltraFace detection (score >= threshold, non-maximum suppression), 68 landmarks on a 64x64 grey square crop,
the 5-point 112x112 crop for the 512-d network, dlib's 150x150 chip for face-api's ResNet, the two unit-length
encodings fused with the pack's weights, then the nearest encoding of a gallery of every face found.
Times are milliseconds per face (a photo's time shared among its faces): wall time and this thread's CPU time.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np

EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
STAGES = ["decode", "detect", "landmarks", "align", "embed", "match"]
ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                        [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float64)
# dlib's mean face shape (landmarks 17..67) as fractions of the unit square: data from dlib's get_face_chip_details.
DLIB_MEAN_X = [0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004,
               0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737,
               0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751,
               0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
               0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127,
               0.42689]
DLIB_MEAN_Y = [0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915,
               0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326,
               0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423,
               0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
               0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182,
               0.831803, 0.824182]
DLIB_LANDMARKS = list(range(27, 55)) + list(range(60, 65))
CHIP_SIZE, CHIP_PADDING = 150, 0.25


def find_photos(folder, count):
    found = []
    for root, _, files in os.walk(folder):
        for name in files:
            if os.path.splitext(name)[1].lower() in EXTENSIONS:
                found.append(os.path.join(root, name))
    return sorted(found)[:count]


def similarity(source, target):
    """Least-squares similarity (Umeyama, no reflection) taking source points onto target: 2x3 matrix."""
    s_mean, t_mean = source.mean(axis=0), target.mean(axis=0)
    s, t = source - s_mean, target - t_mean
    norm = (s ** 2).sum()
    a = (s * t).sum() / norm
    b = (s[:, 0] * t[:, 1] - s[:, 1] * t[:, 0]).sum() / norm
    tx = t_mean[0] - (a * s_mean[0] - b * s_mean[1])
    ty = t_mean[1] - (b * s_mean[0] + a * s_mean[1])
    return np.array([[a, -b, tx], [b, a, ty]], dtype=np.float64)


def unit(rows):
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1)


class Peer:
    def __init__(self, folder):
        with open(os.path.join(folder, "networks.json")) as f:
            manifest = json.load(f)
        self.detection_threshold = manifest["detectionThreshold"]
        self.nms_threshold = manifest["nmsIouThreshold"]
        self.threshold = manifest["threshold"]
        self.parts = []
        for entry in manifest["networks"]:
            net = cv2.dnn.readNetFromONNX(os.path.join(folder, entry["file"]))
            if entry["role"] == "detector":
                self.detector = net
            elif entry["role"] == "landmarks":
                self.landmarker = net
            else:
                self.parts.append((entry, net))
        total = sum(e["weight"] for e, _ in self.parts)
        self.scales = [np.sqrt(e["weight"] / total) for e, _ in self.parts]
        chip_scale = CHIP_SIZE / (1 + 2 * CHIP_PADDING)
        self.chip_points = np.array([[(CHIP_PADDING + DLIB_MEAN_X[i - 17]) * chip_scale,
                                      (CHIP_PADDING + DLIB_MEAN_Y[i - 17]) * chip_scale] for i in DLIB_LANDMARKS])

    def detect(self, image):
        h, w = image.shape[:2]
        blob = cv2.dnn.blobFromImage(image, 1 / 128.0, (320, 240), (127, 127, 127), swapRB=True, crop=False)
        self.detector.setInput(blob)
        scores, boxes = self.detector.forward(["scores", "boxes"])
        keep = scores[0, :, 1] >= self.detection_threshold
        corners = np.clip(boxes[0, keep] * np.array([w, h, w, h], dtype=np.float32), 0, [w, h, w, h])
        rects = [(x1, y1, x2 - x1, y2 - y1) for x1, y1, x2, y2 in corners.tolist()]
        found = [(r, s) for r, s in zip(rects, scores[0, keep, 1].tolist()) if r[2] > 1 and r[3] > 1]
        if not found:
            return []
        kept = cv2.dnn.NMSBoxes([r for r, _ in found], [s for _, s in found], self.detection_threshold, self.nms_threshold)
        return [found[i][0] for i in np.array(kept).flatten()]

    def landmarks(self, image, boxes):
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        crops, squares = [], []
        for x, y, w, h in boxes:
            side = h
            x0, y0 = x + w / 2 - side / 2, y + h / 2 - side / 2
            scale = 64 / side
            matrix = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], dtype=np.float64)
            crops.append(cv2.warpAffine(grey, matrix, (64, 64), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
            squares.append((x0, y0, side))
        self.landmarker.setInput(cv2.dnn.blobFromImages(crops, 1 / 256.0, (64, 64), 0, swapRB=False, crop=False))
        out = self.landmarker.forward().reshape(len(boxes), 68, 2)
        return [np.array([[x0, y0]]) + points * side for points, (x0, y0, side) in zip(out, squares)]

    def align(self, image, points):
        inputs = []
        for entry, _ in self.parts:
            if entry["role"] == "five-point":
                size = entry["inputSize"]
                crops = []
                for p in points:
                    five = np.array([p[36:42].mean(axis=0), p[42:48].mean(axis=0), p[30],
                                     (p[48] + p[60]) / 2, (p[54] + p[64]) / 2], dtype=np.float32).astype(np.float64)
                    matrix = similarity(five, ARCFACE_112)
                    crops.append(cv2.warpAffine(image, matrix, (size, size), flags=cv2.INTER_LINEAR,
                                                borderMode=cv2.BORDER_CONSTANT, borderValue=0))
                mean = entry["mean"]
                inputs.append(cv2.dnn.blobFromImages(crops, 1 / entry["scale"], (size, size), (mean, mean, mean),
                                                     swapRB=entry["colorOrder"] == "rgb", crop=False))
            else:
                pyramid = [image]
                chips = []
                for p in points:
                    fit = similarity(self.chip_points, p[DLIB_LANDMARKS].astype(np.float64))
                    fitted_scale = np.hypot(fit[0, 0], fit[1, 0])
                    fit[:, :2] *= CHIP_SIZE / (CHIP_SIZE - 1)
                    level = 0
                    while fitted_scale > 2:
                        fitted_scale /= 2
                        level += 1
                        fit /= 2
                    while len(pyramid) <= level:
                        pyramid.append(cv2.pyrDown(pyramid[-1]))
                    chips.append(cv2.warpAffine(pyramid[level], fit, (CHIP_SIZE, CHIP_SIZE),
                                                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                                borderMode=cv2.BORDER_CONSTANT, borderValue=0))
                inputs.append(cv2.dnn.blobFromImages(chips, 1.0, (CHIP_SIZE, CHIP_SIZE), (0, 0, 0), swapRB=True,
                                                     crop=False))
        return inputs

    def embed(self, inputs):
        encodings = []
        for (entry, net), blob, scale in zip(self.parts, inputs, self.scales):
            net.setInput(blob)
            encodings.append(unit(net.forward().reshape(blob.shape[0], -1)) * scale)
        return np.concatenate(encodings, axis=1)


def timed(stage):
    cpu, wall = time.thread_time(), time.perf_counter()
    result = stage()
    return result, (time.perf_counter() - wall) * 1e3, (time.thread_time() - cpu) * 1e3


def percentile(values, p):
    return float(np.percentile(np.array(values), p * 100)) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--networks", required=True, help="folder written by visage bench --save-networks")
    parser.add_argument("--images", required=True, help="folder of photos, searched recursively")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    cv2.setNumThreads(1)
    peer = Peer(args.networks)
    photos = [(path, np.fromfile(path, dtype=np.uint8)) for path in find_photos(args.images, args.count)]
    if not photos:
        sys.exit(f"peer: {args.images}: no photos")

    def run(data, timings=None):
        image, *t_decode = timed(lambda: cv2.imdecode(data, cv2.IMREAD_COLOR))
        if image is None:
            return None
        boxes, *t_detect = timed(lambda: peer.detect(image))
        if not boxes:
            return []
        points, *t_landmarks = timed(lambda: peer.landmarks(image, boxes))
        inputs, *t_align = timed(lambda: peer.align(image, points))
        encodings, *t_embed = timed(lambda: peer.embed(inputs))
        if timings is not None:
            timings.append([t_decode, t_detect, t_landmarks, t_align, t_embed, [0.0, 0.0], len(boxes)])
        return encodings

    for _, data in photos[:3]:
        run(data)  # warm-up: OpenCV allocates on first use
    timings, encoded, without_faces = [], [], 0
    for path, data in photos:
        encodings = run(data, timings)
        if encodings is None:
            continue
        if len(encodings) == 0:
            without_faces += 1
        encoded.extend((os.path.basename(os.path.dirname(path)), e) for e in encodings)

    known = np.array([e for _, e in encoded])
    names = [n for n, _ in encoded]
    k = 0
    for t in timings:
        for _ in range(t[6]):
            face = known[k]
            (_, wall, cpu) = timed(lambda: names[int(np.argmin(np.linalg.norm(known - face, axis=1)))])
            t[5][0] += wall
            t[5][1] += cpu
            k += 1

    def stage(name, index=None):
        def per_face(kind):
            if index is None:
                return [sum(s[kind] for s in t[:6]) / t[6] for t in timings]
            return [t[index][kind] / t[6] for t in timings]
        wall, cpu = per_face(0), per_face(1)
        return {"stage": name, "medianMs": percentile(wall, 0.5), "p95Ms": percentile(wall, 0.95),
                "cpuMedianMs": percentile(cpu, 0.5), "cpuP95Ms": percentile(cpu, 0.95)}

    report = {
        "implementation": f"Python {sys.version.split()[0]}, OpenCV {cv2.__version__} DNN, numpy {np.__version__}",
        "threads": 1,
        "photos": len(photos),
        "faces": sum(t[6] for t in timings),
        "photosWithoutFaces": without_faces,
        "stages": [stage(name, i) for i, name in enumerate(STAGES)],
        "endToEnd": stage("end to end"),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['implementation']}, 1 thread: {report['photos']} photos, {report['faces']} faces")
        for s in report["stages"] + [report["endToEnd"]]:
            print(f"  {s['stage']:<11} median {s['medianMs']:7.2f} ms  p95 {s['p95Ms']:7.2f}  "
                  f"CPU median {s['cpuMedianMs']:7.2f}  CPU p95 {s['cpuP95Ms']:7.2f}")


if __name__ == "__main__":
    main()
