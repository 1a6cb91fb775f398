#!/usr/bin/env bash
# Re-creates the ffmpeg golden captures in this folder (run as root: dumpcap on lo).
# Each pcap holds the first packets ffmpeg 5.1 (Debian 12) sent as an RTP sender, cut
# to a few KB with editcap. The tests only read the committed files; this script records
# how they were made.
#   tests/data/rtp/capture_ffmpeg.sh [output dir]
set -euo pipefail
out="$(cd "${1:-$(dirname "$0")}" && pwd)"
work=$(mktemp -d)
trap 'kill ${sink_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
port=46000

# A UDP sink so ffmpeg's sends are not answered by ICMP port-unreachable.
python3 -c '
import socket, select, sys, time
socks = []
for p in range(int(sys.argv[1]), int(sys.argv[1]) + 4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", p)); socks.append(s)
end = time.time() + 600
while time.time() < end:
    r, _, _ = select.select(socks, [], [], 1)
    for s in r: s.recv(65536)
' $port & sink_pid=$!
sleep 0.5

# capture <name> <packets to keep> <seconds> <ffmpeg args...>
capture() {
  local name=$1 keep=$2 seconds=$3; shift 3
  dumpcap -q -i lo -f "udp and dst portrange $port-$((port + 1))" -w "$work/$name.pcapng" -a duration:$((seconds + 2)) 2>/dev/null &
  local cap=$!
  sleep 1
  ffmpeg -hide_banner -loglevel error -y "$@" \
    "rtp://127.0.0.1:$port?localrtpport=46100&localrtcpport=46101&pkt_size=1200" >/dev/null || true
  wait $cap || true
  editcap -F pcap -r "$work/$name.pcapng" "$out/$name.pcap" "1-$keep"
  echo "$name: $(capinfos -c "$out/$name.pcap" | awk '/Number of packets/ {print $4}') packets, $(stat -c %s "$out/$name.pcap") bytes"
}

video_in=(-re -f lavfi -i testsrc2=size=256x144:rate=10)
capture ffmpeg_h264_mode1 14 2 "${video_in[@]}" -t 1.5 -c:v libx264 -profile:v baseline -preset veryfast \
  -tune zerolatency -g 10 -pix_fmt yuv420p -b:v 150k -x264-params slice-max-size=4000 \
  -f rtp -payload_type 96 -ssrc 287454020 -cname ffmpeg@tessera
capture ffmpeg_h264_mode0 16 2 "${video_in[@]}" -t 1.5 -c:v libx264 -profile:v baseline -preset veryfast \
  -tune zerolatency -g 10 -pix_fmt yuv420p -b:v 150k -x264-params slice-max-size=1100 \
  -f rtp -rtpflags h264_mode0 -payload_type 97 -ssrc 287454021
capture ffmpeg_h263p 16 2 -re -f lavfi -i testsrc2=size=176x144:rate=10 -t 1.5 -c:v h263p -g 10 -b:v 150k \
  -f rtp -payload_type 98 -ssrc 287454022
capture ffmpeg_h263_rfc2190 18 2 -re -f lavfi -i testsrc2=size=176x144:rate=10 -t 1.5 -c:v h263 -g 10 -b:v 150k \
  -ps 1000 -f rtp -rtpflags rfc2190 -payload_type 34 -ssrc 287454023
capture ffmpeg_h261 14 2 -re -f lavfi -i testsrc2=size=176x144:rate=10 -t 1.5 -c:v h261 -g 10 -b:v 150k \
  -strict experimental -f rtp -payload_type 31 -ssrc 287454030
capture ffmpeg_vp8 12 2 "${video_in[@]}" -t 1.5 -c:v libvpx -deadline realtime -g 10 -b:v 150k \
  -f rtp -payload_type 100 -ssrc 287454024
audio_in=(-re -f lavfi -i sine=frequency=440:sample_rate=48000)
capture ffmpeg_opus 12 1 "${audio_in[@]}" -t 0.5 -c:a libopus -b:a 32k -ar 48000 -ac 2 \
  -f rtp -payload_type 111 -ssrc 287454025
capture ffmpeg_pcmu 8 1 "${audio_in[@]}" -t 0.5 -af "aresample=8000,asetnsamples=n=160:p=0" -c:a pcm_mulaw \
  -f rtp -payload_type 0 -ssrc 287454026
capture ffmpeg_g722 8 1 "${audio_in[@]}" -t 0.5 -af "aresample=16000,asetnsamples=n=320:p=0" -c:a g722 \
  -f rtp -payload_type 9 -ssrc 287454027
# RTCP: ffmpeg sends a sender report (SR + SDES CNAME) on port+1 and, with send_bye, a BYE.
dumpcap -q -i lo -f "udp and dst port $((port + 1))" -w "$work/rtcp.pcapng" -a duration:9 2>/dev/null &
cap=$!
sleep 1
ffmpeg -hide_banner -loglevel error -y "${audio_in[@]}" -t 6 -af "aresample=8000,asetnsamples=n=160:p=0" \
  -c:a pcm_mulaw -f rtp -rtpflags send_bye -payload_type 0 -ssrc 287454028 -cname ffmpeg@tessera \
  "rtp://127.0.0.1:$port?localrtpport=46100&localrtcpport=46101" >/dev/null 2>&1 || true
wait $cap || true
editcap -F pcap "$work/rtcp.pcapng" "$out/ffmpeg_rtcp.pcap"
echo "ffmpeg_rtcp: $(capinfos -c "$out/ffmpeg_rtcp.pcap" | awk '/Number of packets/ {print $4}') packets"

# SRTP and SRTCP from ffmpeg's own SRTP code (independent of libsrtp), with a published
# test key: base64 of "123456789012345678901234567890" (16-byte key + 14-byte salt).
srtp_key=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw
for suite in AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32; do
  name=ffmpeg_srtp_$(echo "$suite" | tr 'A-Z' 'a-z' | sed 's/.*_sha1_/sha1_/')
  dumpcap -q -i lo -f "udp and dst portrange $port-$((port + 1))" -w "$work/$name.pcapng" -a duration:9 2>/dev/null &
  cap=$!
  sleep 1
  ffmpeg -hide_banner -loglevel error -y "${audio_in[@]}" -t 6 -af "aresample=8000,asetnsamples=n=160:p=0" \
    -c:a pcm_mulaw -f rtp -payload_type 0 -ssrc 287454029 -cname ffmpeg@tessera \
    -srtp_out_suite "$suite" -srtp_out_params "$srtp_key" \
    "srtp://127.0.0.1:$port?localrtpport=46100&localrtcpport=46101" >/dev/null 2>&1 || true
  wait $cap || true
  # The first RTP packets and every SRTCP packet (sender reports every few seconds).
  editcap -F pcap "$work/$name.pcapng" "$work/$name.all.pcap"
  tshark -r "$work/$name.all.pcap" -Y "udp.dstport == $port" -w "$work/$name.rtp.pcap" -c 6 2>/dev/null
  tshark -r "$work/$name.all.pcap" -Y "udp.dstport == $((port + 1))" -w "$work/$name.rtcp.pcap" 2>/dev/null
  mergecap -F pcap -w "$out/$name.pcap" "$work/$name.rtp.pcap" "$work/$name.rtcp.pcap"
  echo "$name: $(capinfos -c "$out/$name.pcap" | awk '/Number of packets/ {print $4}') packets"
done
