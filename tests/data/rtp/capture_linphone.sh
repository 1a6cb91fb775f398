#!/usr/bin/env bash
# Re-creates the linphone golden captures in this folder (root: dumpcap on lo; needs the
# Debian packages linphone-cli and mediastreamer2-plugin-openh264, used only here).
# Two linphonec 5.1 instances call each other on loopback with Opus and video from a
# still picture, twice: with VP8 (linphone's first choice) and with H.264 alone (OpenH264,
# no packetization-mode = mode 0). L1's first video packets of each call and the RTCP of
# both sides of the first (SR/RR, SDES, XR, AVPF feedback) are kept.
#   tests/data/rtp/capture_linphone.sh [output dir]
set -euo pipefail
out="$(cd "${1:-$(dirname "$0")}" && pwd)"
work=$(mktemp -d)
pids=()
# KEEP_WORK=1 keeps the work folder (logs, full captures) for debugging.
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n "${KEEP_WORK:-}" ]] && echo "work folder: $work" || rm -rf "$work"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$work/xdg"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"

ffmpeg -hide_banner -loglevel error -f lavfi -i sine=frequency=440:sample_rate=48000 -t 30 -ac 1 -c:a pcm_s16le "$work/tone.wav"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=320x240 -frames:v 1 "$work/picture.jpg"

mkrc() {  # dir sip audio_rtp video_rtp user
  mkdir -p "$1/.local/share/linphone"
  cat > "$1/linphonerc" <<RC
[sip]
sip_port=$2
sip_tcp_port=0
sip_tls_port=0
default_proxy=-1
use_ipv6=0
bind_address=127.0.0.1
contact=sip:$5@127.0.0.1
guess_hostname=0
register_only_when_network_is_up=0
[rtp]
bind_address=127.0.0.1
audio_rtp_port=$3
video_rtp_port=$4
[sound]
echocancellation=0
[video]
automatically_initiate=1
automatically_accept=1
show_local=0
displaytype=MSExtDisplay
size=qvga
RC
}
call() {  # name video_codec(VP8|H264)
  local run="$work/$1"
  mkdir -p "$run"
  mkrc "$run/L1" 5290 17378 19378 lin1
  mkrc "$run/L2" 5292 17478 19478 lin2
  mkfifo "$run/L1.in" "$run/L2.in"
  dumpcap -q -i lo -f "udp and (portrange 17378-17479 or portrange 19378-19479)" -w "$run/cap.pcapng" \
    -a duration:25 2>/dev/null &
  local cap=$!
  pids+=($cap)
  exec 7<>"$run/L1.in" 8<>"$run/L2.in"
  HOME="$run/L2" timeout -k 5 40 linphonec -c "$run/L2/linphonerc" -V -a <"$run/L2.in" >"$run/L2.log" 2>&1 &
  pids+=($!)
  HOME="$run/L1" timeout -k 5 40 linphonec -c "$run/L1/linphonerc" -V <"$run/L1.in" >"$run/L1.log" 2>&1 &
  pids+=($!)
  sleep 2
  for fd in 7 8; do
    cmd $fd "soundcard use files"
    cmd $fd "play $work/tone.wav"
    cmd $fd "staticpic set $work/picture.jpg"
    cmd $fd "staticpic fps 10"
    # "vcodec list" prints "<index>: <name> (90000)"; keep only the wanted codec.
    cmd $fd "vcodec list"
  done
  sleep 1
  for fd in 7 8; do
    local log="$run/L1.log"
    [[ $fd == 8 ]] && log="$run/L2.log"
    grep -aoE '^ *[0-9]+: [A-Za-z0-9-]+ \(90000\)' "$log" | sort -u | while read -r index name _; do
      if [[ "$name" == "$2" ]]; then cmd $fd "vcodec enable ${index%:}"; else cmd $fd "vcodec disable ${index%:}"; fi
    done
  done
  cmd 7 "call sip:lin2@127.0.0.1:5292"
  sleep 12
  cmd 7 "terminate"
  sleep 2
  cmd 7 "quit"
  cmd 8 "quit"
  sleep 2
  exec 7>&- 8>&-
  kill "$cap" 2>/dev/null || true
  wait "$cap" 2>/dev/null || true
  editcap -F pcap "$run/cap.pcapng" "$run/cap.pcap"
}
cmd() { echo "${*:2}" >&"$1"; sleep 0.3; }
call vp8 VP8
call h264 H264

# linphone also sends ICE/STUN on its media ports; keep RTP and RTCP only.
decode=()
for port in 17378 17478 19378 19478; do decode+=(-d "udp.port==$port,rtp" -d "udp.port==$((port + 1)),rtcp"); done
keep() {  # run filter count name
  tshark -r "$work/$1/cap.pcap" "${decode[@]}" -Y "$2" -w "$work/$4.all.pcap" -F pcap 2>/dev/null
  editcap -F pcap -r "$work/$4.all.pcap" "$out/$4.pcap" "1-$3"
}
keep vp8 "rtp && udp.srcport == 19378" 14 linphone_vp8
keep h264 "rtp && udp.srcport == 19378" 14 linphone_h264_mode0
keep vp8 "rtcp && !stun" 14 linphone_rtcp
for f in linphone_vp8 linphone_h264_mode0 linphone_rtcp; do
  echo "$f: $(capinfos -c "$out/$f.pcap" | awk '/Number of packets/ {print $4}') packets, $(stat -c %s "$out/$f.pcap") bytes"
done
