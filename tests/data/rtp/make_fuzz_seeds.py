#!/usr/bin/env python3
"""Writes the fuzz seed corpora (tests/fuzz/corpus/<target>/) from the golden captures in
this folder, in each fuzz target's input format. Re-run after changing the captures:
    tests/data/rtp/make_fuzz_seeds.py
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "fuzz", "corpus")


def udp_payloads(name):
    data = open(os.path.join(HERE, name), "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(endian + "I", data[20:24])[0]
    skip = {1: 14, 113: 16, 101: 0, 0: 4}[link]
    off, out = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        ip = frame[skip:]
        if not ip or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        udp = ip[ihl:]
        out.append(bytes(udp[8:struct.unpack(">H", udp[4:6])[0]]))
    return out


def is_rtcp(d):
    return len(d) > 1 and 192 <= d[1] <= 223


def rtp_payload(d):
    cc, x, p = d[0] & 15, (d[0] >> 4) & 1, (d[0] >> 5) & 1
    off = 12 + 4 * cc
    if x:
        off += 4 + 4 * struct.unpack(">H", d[off + 2:off + 4])[0]
    end = len(d) - (d[-1] if p else 0)
    return d[off:end]


def frames(name):
    """Payload lists of the complete frames of a capture (timestamp groups ending in a marker)."""
    groups, current, ts = [], [], None
    for d in udp_payloads(name):
        if is_rtcp(d) or len(d) < 12:
            continue
        t = struct.unpack(">I", d[4:8])[0]
        if ts is not None and t != ts:
            current = []
        current.append(rtp_payload(d))
        ts = t
        if d[1] & 0x80:
            groups.append(current)
            current = []
    return groups


def payload_list(payloads):
    return b"".join(struct.pack(">H", len(p)) + p for p in payloads)


def write(target, name, blob):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def main():
    rtp_files = [f for f in sorted(os.listdir(HERE)) if f.endswith(".pcap") and "srtp" not in f]
    for f in rtp_files:
        datagrams = udp_payloads(f)
        rtp = [d for d in datagrams if not is_rtcp(d)]
        rtcp = [d for d in datagrams if is_rtcp(d)]
        for i, d in enumerate(rtp[:3]):
            write("rtp_packet", f"{f[:-5]}-{i}", d)
        for i, d in enumerate(rtcp[:3]):
            write("rtcp_compound", f"{f[:-5]}-{i}", d)
        # The receive path: every packet 5 ms apart.
        if rtp:
            write("receive_stream", f[:-5], b"".join(bytes([5]) + struct.pack(">H", len(d)) + d for d in rtp))
    for f in [f for f in sorted(os.listdir(HERE)) if "srtp" in f]:
        for i, d in enumerate(udp_payloads(f)):
            write("srtp_unprotect", f"{f[:-5]}-{i}", d)
    for f, target in [("ffmpeg_h264_mode1.pcap", "h264_depacketizer"), ("ffmpeg_h264_mode0.pcap", "h264_depacketizer"),
                      ("baresip_h264_mode0.pcap", "h264_depacketizer"), ("linphone_h264_mode0.pcap", "h264_depacketizer"),
                      ("ffmpeg_h263p.pcap", "h263_depacketizer"), ("ffmpeg_h263_rfc2190.pcap", "h263_depacketizer"),
                      ("ffmpeg_vp8.pcap", "vp8_depacketizer"), ("linphone_vp8.pcap", "vp8_depacketizer")]:
        for i, payloads in enumerate(frames(f)):
            write(target, f"{f[:-5]}-frame{i}", payload_list(payloads))
    for f in ["sipp_dtmf_2833_1.pcap", "sipp_dtmf_2833_pound.pcap"]:
        blob = b"".join(bytes([1]) + struct.pack(">H", len(rtp_payload(d))) + rtp_payload(d) for d in udp_payloads(f))
        write("telephone_event", f[:-5], blob)
    for f in ["ffmpeg_opus.pcap", "baresip_opus.pcap", "ffmpeg_g722.pcap"]:
        for i, d in enumerate(udp_payloads(f)[:2]):
            if not is_rtcp(d):
                write("audio_payload", f"{f[:-5]}-{i}", rtp_payload(d))
    crypto = [
        "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4",
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^31",
        "3 AEAD_AES_128_GCM inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3OA== KDR=0 WSH=128",
        "4 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR;inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|1:1 UNENCRYPTED_SRTCP FEC_ORDER=FEC_SRTP",
    ]
    for i, text in enumerate(crypto):
        write("crypto_attribute", f"rfc4568-{i}", text.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
