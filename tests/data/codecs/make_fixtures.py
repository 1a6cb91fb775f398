#!/usr/bin/env python3
"""Turns captured or generated media into access-unit fixture files (.aus) for the codec
tests: "TAU1", then per record a big-endian u32 RTP timestamp, u32 length and the bytes of
one access unit (video) or one packet payload (audio), as a depacketizer would hand them
to a decoder. Used by capture_fixtures.sh; see README.md.

  make_fixtures.py rtp CAPTURE OUT --filter 'udp.dstport==11102 && rtp.p_type==96' \
      --format h264|vp8|h263|audio [--max N]
  make_fixtures.py annexb FILE.264 OUT --ts-step T [--max N]   (AUD-delimited Annex B)
  make_fixtures.py startcode FILE OUT --ts-step T --kind h263|h261 [--max N]
  make_fixtures.py ivf FILE.ivf OUT [--max N]
  make_fixtures.py fixed FILE OUT --bytes B --ts-step T [--max N]
  make_fixtures.py fuzzseed IN.aus OUT [--max N] [--prefix HEXBYTES]
      (a fuzz seed: units framed by a 2-byte big-endian length, see
       tests/fuzz/codecs/video/video_decoder_fuzz.h; --prefix goes in front)
"""
import argparse
import struct
import subprocess
import sys


def write_aus(path, units):
    with open(path, "wb") as f:
        f.write(b"TAU1")
        for ts, data in units:
            f.write(struct.pack(">II", ts & 0xFFFFFFFF, len(data)))
            f.write(data)
    print(f"{path}: {len(units)} units, {sum(len(d) for _, d in units)} bytes", file=sys.stderr)


def rtp_packets(capture, display_filter):
    """(seq, timestamp, marker, payload) of the RTP packets matching `display_filter`, read
    with tshark (which strips RTP header, CSRCs, extensions and padding). RTP is found by
    tshark's heuristic, so no SDP or port list is needed."""
    out = subprocess.run(
        ["tshark", "-r", capture, "-o", "rtp.heuristic_rtp:TRUE", "-Y", display_filter,
         "-T", "fields", "-e", "rtp.seq", "-e", "rtp.timestamp", "-e", "rtp.marker", "-e", "rtp.payload"],
        check=True, capture_output=True, text=True).stdout
    packets = []
    for line in out.splitlines():
        seq, ts, marker, payload = (line.split("\t") + ["", "", "", ""])[:4]
        if not seq:
            continue
        packets.append((int(seq), int(ts), marker in ("1", "True"), bytes.fromhex(payload.replace(":", ""))))
    return packets


def depacketize_h264(packets):
    """RFC 6184 single NAL units, STAP-A and FU-A, into Annex B access units (one per RTP
    timestamp). An access unit with a lost packet is dropped."""
    units, current, ts, last_seq, broken, fu = [], b"", None, None, False, None
    def flush():
        nonlocal current, broken
        if current and not broken:
            units.append((ts, current))
        current, broken = b"", False
    for seq, pts, marker, payload in packets:
        if ts is not None and pts != ts:
            flush()
        if last_seq is not None and seq != (last_seq + 1) & 0xFFFF:
            broken = True
        last_seq, ts = seq, pts
        if not payload:
            continue
        nal_type = payload[0] & 0x1F
        if 1 <= nal_type <= 23:
            current += b"\x00\x00\x00\x01" + payload
        elif nal_type == 24:  # STAP-A
            pos = 1
            while pos + 2 <= len(payload):
                size = struct.unpack(">H", payload[pos:pos + 2])[0]
                current += b"\x00\x00\x00\x01" + payload[pos + 2:pos + 2 + size]
                pos += 2 + size
        elif nal_type == 28:  # FU-A
            start, end = payload[1] & 0x80, payload[1] & 0x40
            if start:
                fu = bytes([(payload[0] & 0xE0) | (payload[1] & 0x1F)]) + payload[2:]
            elif fu is not None:
                fu += payload[2:]
            if end and fu is not None:
                current += b"\x00\x00\x00\x01" + fu
                fu = None
        if marker:
            flush()
    flush()
    return units


def depacketize_vp8(packets):
    """RFC 7741 payload descriptor stripped, partitions joined into frames (one per RTP
    timestamp, ending at the marker)."""
    units, current, ts = [], b"", None
    for _, pts, marker, payload in packets:
        if ts is not None and pts != ts and current:
            units.append((ts, current))
            current = b""
        ts = pts
        pos, x = 1, payload[0] & 0x80
        if x:
            ext = payload[1]
            pos = 2
            if ext & 0x80:  # I: picture id
                pos += 2 if payload[pos] & 0x80 else 1
            if ext & 0x40:  # L: tl0picidx
                pos += 1
            if ext & 0x30:  # T or K
                pos += 1
        current += payload[pos:]
        if marker:
            units.append((ts, current))
            current = b""
    return units


def depacketize_h263_rfc2190(packets):
    """RFC 2190: strip the mode A/B/C header (4/8/12 bytes by F and P) and join the
    picture's packets, merging the shared byte when a packet ends (EBIT) mid-byte."""
    units, current, ts, ebit = [], bytearray(), None, 0
    for _, pts, marker, payload in packets:
        if ts is not None and pts != ts and current:
            units.append((ts, bytes(current)))
            current, ebit = bytearray(), 0
        ts = pts
        f, p = payload[0] & 0x80, payload[0] & 0x40
        header = 4 if not f else (8 if not p else 12)
        sbit, this_ebit = (payload[0] >> 3) & 7, payload[0] & 7
        data = payload[header:]
        if sbit and current and ebit:
            current[-1] |= data[0] & (0xFF >> sbit)
            data = data[1:]
        current += data
        ebit = this_ebit
        if marker:
            units.append((ts, bytes(current)))
            current, ebit = bytearray(), 0
    return units


def split_annexb(data, step):
    """AUD-delimited Annex B (ffmpeg -bsf:v h264_metadata=aud=insert) into access units."""
    marks = [i for i in range(len(data) - 4) if data[i:i + 4] == b"\x00\x00\x00\x01" and data[i + 4] & 0x1F == 9]
    marks.append(len(data))
    return [(n * step, data[a:b]) for n, (a, b) in enumerate(zip(marks, marks[1:]))]


def split_startcodes(data, step, kind):
    """Byte-aligned picture start codes: H.263 PSC 0000 0000 0000 0000 1000 00, H.261 PSC
    0000 0000 0000 0001 0000 (ffmpeg's encoders start every picture on a byte)."""
    if kind == "h263":
        marks = [i for i in range(len(data) - 3) if data[i] == 0 and data[i + 1] == 0 and (data[i + 2] & 0xFC) == 0x80]
    else:
        marks = [i for i in range(len(data) - 3) if data[i] == 0 and data[i + 1] == 1 and (data[i + 2] & 0xF0) == 0]
    marks.append(len(data))
    return [(n * step, data[a:b]) for n, (a, b) in enumerate(zip(marks, marks[1:]))]


def split_ivf(data):
    assert data[:4] == b"DKIF", "not IVF"
    header = struct.unpack("<H", data[6:8])[0]
    pos, units = header, []
    while pos + 12 <= len(data):
        size, pts = struct.unpack("<IQ", data[pos:pos + 12])
        units.append((pts, data[pos + 12:pos + 12 + size]))
        pos += 12 + size
    return units


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["rtp", "annexb", "startcode", "ivf", "fixed", "fuzzseed"])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--filter")
    p.add_argument("--format", choices=["h264", "vp8", "h263", "audio"])
    p.add_argument("--kind", choices=["h263", "h261"])
    p.add_argument("--ts-step", type=int, default=3000)
    p.add_argument("--bytes", type=int)
    p.add_argument("--max", type=int, default=0)
    p.add_argument("--skip", type=int, default=0, help="drop this many leading units")
    p.add_argument("--prefix", default="")
    a = p.parse_args()
    if a.mode == "fuzzseed":
        data, pos, out = open(a.input, "rb").read(), 4, bytearray.fromhex(a.prefix)
        count = 0
        while pos + 8 <= len(data) and (not a.max or count < a.max):
            _, length = struct.unpack(">II", data[pos:pos + 8])
            unit = data[pos + 8:pos + 8 + length][:0x7FFF]
            out += struct.pack(">H", len(unit)) + unit
            pos += 8 + length
            count += 1
        open(a.output, "wb").write(out)
        print(f"{a.output}: {count} units, {len(out)} bytes", file=sys.stderr)
        return
    if a.mode == "rtp":
        packets = rtp_packets(a.input, a.filter)
        if a.format == "h264":
            units = depacketize_h264(packets)
        elif a.format == "vp8":
            units = depacketize_vp8(packets)
        elif a.format == "h263":
            units = depacketize_h263_rfc2190(packets)
        else:
            units = [(ts, payload) for _, ts, _, payload in packets]
    else:
        data = open(a.input, "rb").read()
        if a.mode == "annexb":
            units = split_annexb(data, a.ts_step)
        elif a.mode == "startcode":
            units = split_startcodes(data, a.ts_step, a.kind)
        elif a.mode == "ivf":
            units = split_ivf(data)
        else:
            units = [(n * a.ts_step, data[i:i + a.bytes]) for n, i in enumerate(range(0, len(data) - a.bytes + 1, a.bytes))]
    units = units[a.skip:]
    if a.max:
        units = units[:a.max]
    if not units:
        sys.exit(f"{a.input}: nothing extracted")
    write_aus(a.output, units)


if __name__ == "__main__":
    main()
