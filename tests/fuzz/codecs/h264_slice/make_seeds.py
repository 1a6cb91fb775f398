#!/usr/bin/env python3
"""Writes the seeds of h264_slice_header_fuzzer into tests/fuzz/corpus/h264_slice_header/.

Each seed is a short Annex B stream from a real encoder: its SPS and PPS, then a few
consecutive slices cut to their first 48 bytes (the header is all the fuzzer reads).
x264 streams come from FFmpeg's libx264 in the configurations the unit tests use (CABAC,
B-pyramid, weighted prediction, several slices, MBAFF, 4:4:4); the OpenH264 one from
the linphone capture already in tests/fuzz/corpus/h264_decoder/.
Run from anywhere: python3 tests/fuzz/codecs/h264_slice/make_seeds.py
"""
import os
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "h264_slice_header")
X264 = {
    "x264_cavlc_baseline": ("yuv420p", "cabac=0:bframes=0:ref=1"),
    "x264_cabac_bpyramid_weighted": ("yuv420p", "bframes=3:b-pyramid=normal:weightp=2:weightb=1:ref=4:slices=4"),
    "x264_mbaff": ("yuv420p", "interlaced=1:bframes=2:ref=2"),
    "x264_444_weighted": ("yuv444p", "weightp=2:bframes=2"),
}
SLICE_TYPES = (1, 2, 5)
CUT = 48


def nal_units(stream):
    starts = []
    i = 0
    while True:
        i = stream.find(b"\x00\x00\x01", i)
        if i < 0:
            break
        starts.append(i + 3)
        i += 3
    for n, begin in enumerate(starts):
        end = starts[n + 1] - 3 if n + 1 < len(starts) else len(stream)
        nal = stream[begin:end].rstrip(b"\x00")
        if nal:
            yield nal


def seeds(stream, per_seed=3, count=6):
    sps = pps = None
    slices = []
    for nal in nal_units(stream):
        kind = nal[0] & 0x1F
        if kind == 7 and sps is None:
            sps = nal
        elif kind == 8 and pps is None:
            pps = nal
        elif kind in SLICE_TYPES:
            slices.append(nal[:CUT])
    step = max(1, (len(slices) - per_seed) // count)
    for n in range(0, min(len(slices), step * count), step):
        yield b"".join(b"\x00\x00\x00\x01" + u for u in [sps, pps] + slices[n:n + per_seed])


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (pix_fmt, params) in X264.items():
            path = os.path.join(tmp, name + ".h264")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                            "-frames:v", "24", "-pix_fmt", pix_fmt, "-c:v", "libx264", "-preset", "veryfast",
                            "-x264-params", params, "-bsf:v", "h264_mp4toannexb", path], check=True)
            with open(path, "rb") as f:
                for n, seed in enumerate(seeds(f.read())):
                    with open(os.path.join(OUT, "%s_%d.bin" % (name, n)), "wb") as out:
                        out.write(seed)
    with open(os.path.join(ROOT, "tests", "fuzz", "corpus", "h264_decoder", "linphone_openh264.bin"), "rb") as f:
        for n, seed in enumerate(seeds(f.read(), per_seed=1, count=3)):
            with open(os.path.join(OUT, "openh264_linphone_%d.bin" % n), "wb") as out:
                out.write(seed)


if __name__ == "__main__":
    main()
