#!/usr/bin/env bash
# Re-creates the baresip golden captures in this folder (root: dumpcap on lo; needs the
# Debian packages baresip-core and baresip-ffmpeg, which only this script uses).
# Two baresip 1.0.0 user agents call each other on loopback with Opus and H.264 (baresip
# prefers packetization-mode 0); A's first video and audio packets and all of A's RTCP
# (SR/SDES, and BYE at hang-up) are kept, cut to a few KB with editcap.
#   tests/data/rtp/capture_baresip.sh [output dir]
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
A_SIP=5260 B_SIP=5270 A_CTRL=4541 B_CTRL=4542

ffmpeg -hide_banner -loglevel error -f lavfi -i sine=frequency=440:sample_rate=48000 -t 30 -ac 1 -c:a pcm_s16le "$work/tone.wav"

# ctrl_tcp speaks JSON in netstrings: "<len>:<json>,"
ctrl() {
  local msg="{\"command\":\"$2\",\"params\":\"${3:-}\",\"token\":\"1\"}"
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf '%d:%s,' ${#msg} "$msg" >&3
  timeout 2 head -c 300 <&3 >/dev/null || true
  exec 3>&-
}

mkconf() {  # dir sip rtp_range ctrl
  mkdir -p "$1"
  cat > "$1/config" <<CFG
poll_method		epoll
sip_listen		127.0.0.1:$2
net_interface		127.0.0.1
audio_player		alsa,null
audio_alert		alsa,null
audio_source		aufile,$work/tone.wav
ausrc_srate		48000
ausrc_channels		1
video_source		avformat,lavfi,testsrc2=size=256x144:rate=10
video_display		fakevideo,nil
video_size		256x144
video_bitrate		150000
video_fps		10.00
rtp_ports		$3
rtcp_mux		no
module_path		/usr/lib/baresip/modules
module			opus.so
module			alsa.so
module			aufile.so
module			avcodec.so
module			avformat.so
module			fakevideo.so
module_tmp		uuid.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$4
statmode_default	off
avcodec_h264enc		libx264
avcodec_h264dec		h264
CFG
}
mkconf "$work/a" $A_SIP 10200-10299 $A_CTRL
mkconf "$work/b" $B_SIP 10300-10399 $B_CTRL
echo "<sip:alice@127.0.0.1:$A_SIP>;regint=0;audio_codecs=opus/48000/2" > "$work/a/accounts"
echo "<sip:bob@127.0.0.1:$B_SIP>;regint=0;answermode=auto;audio_codecs=opus/48000/2" > "$work/b/accounts"

dumpcap -q -i lo -f "udp and src portrange 10200-10299" -w "$work/cap.pcapng" -a duration:20 2>/dev/null &
pids+=($!)
sleep 1
baresip -f "$work/b" -t 25 >"$work/b.log" 2>&1 &
pids+=($!)
baresip -f "$work/a" -t 25 >"$work/a.log" 2>&1 &
pids+=($!)
for port in $A_CTRL $B_CTRL; do
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done
ctrl $A_CTRL dial "sip:bob@127.0.0.1:$B_SIP"
sleep 8
ctrl $A_CTRL hangup
sleep 2
ctrl $A_CTRL quit
ctrl $B_CTRL quit
sleep 1
kill "${pids[0]}" 2>/dev/null || true
wait "${pids[0]}" 2>/dev/null || true
editcap -F pcap "$work/cap.pcapng" "$work/cap.pcap"

# A's two RTP ports both use payload type 96; audio is the one whose timestamps step by
# 960 (20 ms of Opus at 48 kHz), video the other.
read -r audio_port video_port < <(tshark -r "$work/cap.pcap" -o rtp.heuristic_rtp:TRUE -Y rtp \
  -T fields -e udp.srcport -e rtp.timestamp 2>/dev/null | awk '
    { if ($1 in last && !($1 in step)) step[$1] = $2 - last[$1]; last[$1] = $2 }
    END { for (p in step) if (step[p] == 960) a = p; else v = p; print a, v }')
[[ -n "$video_port" && -n "$audio_port" ]] || { echo "no RTP captured (see $work/a.log)" >&2; exit 1; }
keep() {  # filter count name
  tshark -r "$work/cap.pcap" -Y "$1" -w "$work/$3.all.pcap" -F pcap 2>/dev/null
  editcap -F pcap -r "$work/$3.all.pcap" "$out/$3.pcap" "1-$2"
}
keep "udp.srcport == $video_port" 21 baresip_h264_mode0
keep "udp.srcport == $audio_port" 6 baresip_opus
keep "udp.srcport == $((video_port + 1)) || udp.srcport == $((audio_port + 1))" 20 baresip_rtcp
for f in baresip_h264_mode0 baresip_opus baresip_rtcp; do
  echo "$f: $(capinfos -c "$out/$f.pcap" | awk '/Number of packets/ {print $4}') packets, $(stat -c %s "$out/$f.pcap") bytes"
done
