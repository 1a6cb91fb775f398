#!/usr/bin/env python3
"""Seeds for h323_call_fuzzer and h245_session_fuzzer from the reference captures.

  tests/fuzz/signaling/h323/make_call_seeds.py ../shared/h323/captures tests/fuzz/corpus

h323_call/: each capture's call as one side received it — the TPKT payloads the other side
sent on the call signalling connection (TCP 1720) and on a separate H.245 connection, in
capture order — once as the callee (flags: accept) and as the caller in each H.245 mode.
h245_session/: each capture's H.245 PDUs (tests/fuzz/corpus/h245_message/<call>-<n>, which
came from the same captures) in order, after each start-flag variant.
Needs tshark.
"""
import os
import re
import subprocess
import sys


def segments(pcap):
    out = subprocess.run(
        ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=;", "-e", "frame.number", "-e", "tcp.stream",
         "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        frame, stream, src, dst, syn, ack, payload = line.split(";")
        yield int(frame), int(stream), int(src), int(dst), syn in ("1", "True"), ack in ("1", "True"), \
            bytes.fromhex(payload.replace(":", ""))


def calls(pcap):
    """(frame, stream, from_caller, is_signalling, tpkt payload) in capture order."""
    initiator = {}  # stream -> port that sent the SYN
    buffers = {}
    messages = []
    for frame, stream, src, dst, syn, ack, payload in segments(pcap):
        if syn and not ack:
            initiator[stream] = src
        if not payload:
            continue
        signalling = 1720 in (src, dst)
        from_caller = dst == 1720 if signalling else initiator.get(stream) == src
        key = (stream, src)
        buf = buffers.get(key, b"") + payload
        while len(buf) >= 4 and buf[0] == 3:
            length = buf[2] << 8 | buf[3]
            if length < 4 or len(buf) < length:
                break
            messages.append((frame, stream, from_caller, signalling, buf[4:length]))
            buf = buf[length:]
        buffers[key] = buf
    return messages


def record(control, payload):
    return bytes([control, len(payload) >> 8, len(payload) & 0xFF]) + payload


def main():
    captures, corpus = sys.argv[1], sys.argv[2]
    call_dir = os.path.join(corpus, "h323_call")
    session_dir = os.path.join(corpus, "h245_session")
    os.makedirs(call_dir, exist_ok=True)
    os.makedirs(session_dir, exist_ok=True)
    for name in sorted(os.listdir(captures)):
        if not name.endswith(".pcap"):
            continue
        call = name[:-5]
        messages = calls(os.path.join(captures, name))
        for role, flag_set in (("callee", [8]), ("caller", [1 | 2 | 4, 1 | 4, 1])):
            heard = [m for m in messages if m[2] == (role == "callee")]
            for flags in flag_set:
                data = bytes([flags])
                h245_up = False
                for _, _, _, signalling, payload in heard:
                    if signalling:
                        data += record(0, payload)
                    else:
                        # H.245 connection (bit 0); with its first PDU, action 1: it is up.
                        data += record(1 | (0 if h245_up else 1 << 1), payload)
                        h245_up = True
                with open(os.path.join(call_dir, f"{call}-{role}-{flags:02x}"), "wb") as f:
                    f.write(data)
        pdus = sorted((p for p in os.listdir(os.path.join(corpus, "h245_message")) if p.startswith(call + "-")),
                      key=lambda p: int(re.sub(r".*-", "", p)))
        for flags in (1 | 2 | 4, 0):
            data = bytes([flags])
            if not pdus:
                continue  # fast start only: no H.245 in this call
            for p in pdus:
                with open(os.path.join(corpus, "h245_message", p), "rb") as f:
                    data += record(0, f.read())
            with open(os.path.join(session_dir, f"{call}-{flags:02x}"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
