#!/bin/bash
# Makes the decoder fixtures in this folder from real peers (see README.md):
#   ffmpeg_*   ffmpeg 5.1 encoders, written as elementary streams
#   baresip_*  baresip 1.0 calling baresip, RTP captured on lo with tshark
#   linphone_* linphonec 5.1 calling linphonec (OpenH264 plugin), RTP captured likewise
# then make_fixtures.py cuts them into .aus files. Run it only to refresh the fixtures:
#   tests/data/codecs/capture_fixtures.sh            (about a minute; needs root for tshark)
# It reuses the process helpers of ../shared/peers (PID-tracked start/stop, port checks)
# and its own ports, away from the peers scenarios': baresip SIP 5260/5270, ctrl
# 4451/4452, RTP 11000-11199; linphone SIP 5290/5292, RTP 17378/19378 and 17478/19478.
set -u
OUT="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$OUT/../../.." && pwd)"
# ../shared/peers beside the repository (or beside a worktree's parent).
for p in "${PEERS:-}" "$ROOT/../shared/peers" "$ROOT/../../shared/peers"; do
  [ -n "$p" ] && [ -f "$p/lib/common.sh" ] && { PEERS="$(cd "$p" && pwd)"; break; }
done
[ -f "${PEERS:-}/lib/common.sh" ] || { echo "capture_fixtures.sh: set PEERS to the peers harness" >&2; exit 1; }
export PEERS_WORK="${PEERS_WORK:-/tmp/tessera-codec-fixtures}"
. "$PEERS/lib/common.sh"
harness_init fixtures
MK="python3 $OUT/make_fixtures.py"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
T="$RUN/tmp"; mkdir -p "$T"

############ ffmpeg: elementary streams ############
ffmpeg_fixtures() {
log "ffmpeg fixtures"
V="testsrc2=size=320x180:rate=15:duration=2"
V1="testsrc2=size=320x180:rate=15:duration=1"
# H.264 High as ffmpeg's defaults make it (B-frames, CABAC, 8x8); AUDs mark access units.
ff -f lavfi -i "$V" -c:v libx264 -profile:v high -preset medium -b:v 150k -g 15 -pix_fmt yuv420p \
   -bsf:v h264_metadata=aud=insert -f h264 "$T/high.264"
$MK annexb "$T/high.264" "$OUT/ffmpeg_h264_high_320x180.aus" --ts-step 6000 --max 20
# Constrained baseline, zero latency, as ffmpeg sends RTP in the peers harness.
ff -f lavfi -i "$V1" -c:v libx264 -profile:v baseline -preset veryfast -tune zerolatency -b:v 150k -g 15 \
   -pix_fmt yuv420p -bsf:v h264_metadata=aud=insert -f h264 "$T/baseline.264"
$MK annexb "$T/baseline.264" "$OUT/ffmpeg_h264_baseline_320x180.aus" --ts-step 6000
# Fixed quantiser 10 keeps these small (testsrc2 is hard for H.263's rate control).
ff -f lavfi -i "testsrc2=size=176x144:rate=15:duration=1" -c:v h263 -q:v 10 -g 15 -f h263 "$T/qcif.h263"
$MK startcode "$T/qcif.h263" "$OUT/ffmpeg_h263_qcif.aus" --ts-step 6000 --kind h263
ff -f lavfi -i "testsrc2=size=320x240:rate=15:duration=0.6" -c:v h263p -q:v 10 -g 15 -f h263 "$T/qvga.h263p"
$MK startcode "$T/qvga.h263p" "$OUT/ffmpeg_h263p_320x240.aus" --ts-step 6000 --kind h263
ff -f lavfi -i "testsrc2=size=176x144:rate=15:duration=1" -c:v h261 -q:v 10 -g 15 -f h261 "$T/qcif.h261"
$MK startcode "$T/qcif.h261" "$OUT/ffmpeg_h261_qcif.aus" --ts-step 6000 --kind h261
ff -f lavfi -i "$V1" -c:v libvpx -deadline realtime -cpu-used 8 -b:v 150k -g 15 -f ivf "$T/vp8.ivf"
$MK ivf "$T/vp8.ivf" "$OUT/ffmpeg_vp8_320x180.aus"
A="sine=frequency=440:duration=1"
ff -f lavfi -i "$A:sample_rate=16000" -c:a g722 -f g722 "$T/tone.g722"
$MK fixed "$T/tone.g722" "$OUT/ffmpeg_g722_440hz.aus" --bytes 160 --ts-step 160
ff -f lavfi -i "$A:sample_rate=8000" -f mulaw "$T/tone.ulaw"
$MK fixed "$T/tone.ulaw" "$OUT/ffmpeg_pcmu_440hz.aus" --bytes 160 --ts-step 160
ff -f lavfi -i "$A:sample_rate=8000" -f alaw "$T/tone.alaw"
$MK fixed "$T/tone.alaw" "$OUT/ffmpeg_pcma_440hz.aus" --bytes 160 --ts-step 160
# Opus as ffmpeg sends it over RTP (libopus, 20 ms, stereo).
need_udp_free 41900
start_capture ffcap 15 "udp dst port 41900"
P_CAP=$LAST_PID
ff -re -f lavfi -i "$A:sample_rate=48000" -c:a libopus -b:a 32k -ac 2 -f rtp -payload_type 111 "rtp://127.0.0.1:41900"
sleep 1; stop_capture $P_CAP
$MK rtp "$RUN/ffcap.pcapng" "$OUT/ffmpeg_opus_440hz.aus" --filter "udp.dstport==41900 && rtp.p_type==111" --format audio
}

############ baresip 1.0: a calls b; what a sends is cut from the capture ############
BSCTL="python3 $PEERS/lib/bsctl.py"
TONE="$PEERS_WORK/media/tone440_48k_mono.wav"
mkdir -p "$PEERS_WORK/media"
[ -f "$TONE" ] || ff -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=30" -ac 1 -c:a pcm_s16le "$TONE"
# $1=dir $2=sip port $3=rtp ports $4=ctrl port (video $SIZE at 15 fps, 150 kbit/s: small fixtures)
SIZE=320x180
bconf() {
  mkdir -p "$1"
  cat > "$1/config" <<CONF
poll_method		epoll
sip_listen		127.0.0.1:$2
net_interface		127.0.0.1
audio_player		alsa,null
audio_alert		alsa,null
audio_source		aufile,$TONE
ausrc_srate		48000
ausrc_channels		1
video_source		avformat,lavfi,testsrc2=size=$SIZE:rate=15
video_display		fakevideo,nil
video_size		$SIZE
video_bitrate		150000
video_fps		15.00
rtp_ports		$3
rtcp_mux		no
module_path		/usr/lib/baresip/modules
module			g711.so
module			g722.so
module			opus.so
module			alsa.so
module			aufile.so
module			avcodec.so
module			avformat.so
module			vp8.so
module			fakevideo.so
module_tmp		uuid.so
module_tmp		account.so
module_app		contact.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$4
statmode_default	off
opus_bitrate		32000
avcodec_h264enc		libx264
avcodec_h264dec		h264
CONF
}
# $1=name $2=audio codecs $3=video codecs (empty: all)
baresip_call() {
  local name=$1 ac=$2 vc=$3
  need_udp_free 5260 5270; need_tcp_free 5260 5261 5270 5271 4451 4452
  bconf "$RUN/$name/a" 5260 11000-11099 4451
  bconf "$RUN/$name/b" 5270 11100-11199 4452
  local v=""; [ -n "$vc" ] && v=";video_codecs=$vc"
  echo "<sip:alice@127.0.0.1:5260>;regint=0;audio_codecs=$ac$v" > "$RUN/$name/a/accounts"
  echo "<sip:bob@127.0.0.1:5270>;regint=0;answermode=auto;audio_codecs=$ac$v" > "$RUN/$name/b/accounts"
  start_capture "$name" 30 "udp and (port 5260 or port 5270 or portrange 11000-11199)"; local cap=$LAST_PID
  start_bg "${name}_b" baresip -f "$RUN/$name/b" -t 25; local pb=$LAST_PID
  start_bg "${name}_a" baresip -f "$RUN/$name/a" -t 25; local pa=$LAST_PID
  wait_tcp_listen 4451 || die "baresip a not up"; wait_tcp_listen 4452 || die "baresip b not up"
  $BSCTL 4451 dial "sip:bob@127.0.0.1:5270" || die "dial failed"
  sleep 4
  $BSCTL 4451 hangup; sleep 0.5
  $BSCTL 4451 quit >/dev/null; $BSCTL 4452 quit >/dev/null
  stop_pid $pa; stop_pid $pb; sleep 0.5; stop_capture $cap
  tshark -r "$RUN/$name.pcapng" -o rtp.heuristic_rtp:TRUE -q -z rtp,streams 2>/dev/null | tee "$RUN/$name.streams" >&2
}
# The port of the m= line of `kind` (audio/video) in the first SDP sent from SIP port $2,
# and the payload type of that line's rtpmap entry for codec $4: $1=capture.
sdp_field() {
  tshark -r "$1" -d "udp.port==$2,sip" -d "udp.port==$3,sip" -Y "sdp && udp.srcport==$2" -T fields \
    -E aggregator='|' -e sdp.media -e sdp.media_attr 2>/dev/null | head -1 | tr '|\t' '\n\n'
}
media_port() { sdp_field "$1" "$2" "$3" | awk -v k="$4" '$1 == k { print $2; exit }'; }
rtpmap_pt() { sdp_field "$1" "$2" "$3" | grep -i "rtpmap:[0-9]* $4/" | head -1 | sed 's/rtpmap:\([0-9]*\).*/\1/'; }

baresip_fixtures() {
  log "baresip: opus + H.264 (packetization mode 0, its first choice)"
  baresip_call bs1 "opus/48000/2" ""
  local cap="$RUN/bs1.pcapng" ap vp
  ap=$(media_port "$cap" 5260 5270 audio); vp=$(media_port "$cap" 5260 5270 video)
  $MK rtp "$cap" "$OUT/baresip_opus_440hz.aus" --format audio --max 50 \
    --filter "udp.srcport==$ap && rtp.p_type==$(rtpmap_pt "$cap" 5260 5270 opus)"
  $MK rtp "$cap" "$OUT/baresip_h264_320x180.aus" --format h264 --max 12 \
    --filter "udp.srcport==$vp && rtp.p_type==$(rtpmap_pt "$cap" 5260 5270 H264)"
  log "baresip: G.722 + VP8"
  baresip_call bs2 "G722/16000/1" "VP8"
  cap="$RUN/bs2.pcapng"
  ap=$(media_port "$cap" 5260 5270 audio); vp=$(media_port "$cap" 5260 5270 video)
  $MK rtp "$cap" "$OUT/baresip_g722_440hz.aus" --format audio --max 50 --filter "udp.srcport==$ap && rtp.p_type==9"
  $MK rtp "$cap" "$OUT/baresip_vp8_320x180.aus" --format vp8 --max 5 \
    --filter "udp.srcport==$vp && rtp.p_type==$(rtpmap_pt "$cap" 5260 5270 VP8)"
  log "baresip: PCMU + H.263 (RFC 2190)"
  SIZE=176x144 baresip_call bs3 "PCMU" "H263"  # H.263 takes only its standard sizes
  cap="$RUN/bs3.pcapng"
  ap=$(media_port "$cap" 5260 5270 audio); vp=$(media_port "$cap" 5260 5270 video)
  $MK rtp "$cap" "$OUT/baresip_pcmu_440hz.aus" --format audio --max 50 --filter "udp.srcport==$ap && rtp.p_type==0"
  $MK rtp "$cap" "$OUT/baresip_h263_qcif.aus" --format h263 --max 4 --filter "udp.srcport==$vp && rtp.p_type==34"
}

############ linphonec 5.1: l1 calls l2; what l1 sends (still picture, OpenH264) ############
lconf() {  # $1=dir $2=sip port $3=audio rtp $4=video rtp $5=user
  mkdir -p "$1/.local/share/linphone"
  cat > "$1/linphonerc" <<CONF
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
CONF
}
# $1=name $2=audio codec regex $3=video codec
linphone_call() {
  local name=$1 aw=$2 vc=$3 fd d
  need_udp_free 5290 5292 17378 19378 17478 19478
  export XDG_RUNTIME_DIR="$RUN/$name/xdg"; mkdir -m 700 -p "$XDG_RUNTIME_DIR"
  lconf "$RUN/$name/l1" 5290 17378 19378 lin1
  lconf "$RUN/$name/l2" 5292 17478 19478 lin2
  local picture="$RUN/testpattern.jpg"
  [ -f "$picture" ] || ff -f lavfi -i "testsrc2=size=320x240:rate=1" -frames:v 1 -q:v 3 "$picture"
  mkfifo "$RUN/$name/l1.in" "$RUN/$name/l2.in"
  start_capture "$name" 40 "udp and (port 5290 or port 5292 or portrange 17378-17479 or portrange 19378-19479)"
  local cap=$LAST_PID
  exec 7<>"$RUN/$name/l1.in" 8<>"$RUN/$name/l2.in"
  HOME="$RUN/$name/l2" BG_STDIN="$RUN/$name/l2.in" start_bg "${name}_l2" timeout -k 5 30 linphonec -c "$RUN/$name/l2/linphonerc" -V -a
  local p2=$LAST_PID
  HOME="$RUN/$name/l1" BG_STDIN="$RUN/$name/l1.in" start_bg "${name}_l1" timeout -k 5 30 linphonec -c "$RUN/$name/l1/linphonerc" -V
  local p1=$LAST_PID
  wait_udp_listen 5290 || die "l1 not listening"; wait_udp_listen 5292 || die "l2 not listening"
  for fd in 7 8; do
    echo "soundcard use files" >&$fd; sleep 0.3
    echo "play $TONE" >&$fd; sleep 0.3
    echo "staticpic set $picture" >&$fd; sleep 0.3
    echo "staticpic fps 15" >&$fd; sleep 0.3
    d=l1; [ $fd = 8 ] && d=l2
    # enable only the wanted codecs (indexes differ between installs)
    for list in "codec list" "vcodec list"; do
      local want=$aw; [ "$list" = "vcodec list" ] && want="$vc \\(90000\\)"
      local n; n=$(wc -l < "$RUN/${name}_$d.log")
      echo "$list" >&$fd; sleep 0.7
      tail -n +$((n + 1)) "$RUN/${name}_$d.log" | grep -aoE '^ *[0-9]+: [A-Za-z0-9-]+ \([0-9]+\)' |
      while read -r i cname rest; do
        if echo "$cname $rest" | grep -qiE "^($want)$"; then echo "${list%% *} enable ${i%:}"; else echo "${list%% *} disable ${i%:}"; fi
      done > "$RUN/$name/cmds"
      while read -r c; do echo "$c" >&$fd; sleep 0.2; done < "$RUN/$name/cmds"
    done
  done
  echo "call sip:lin2@127.0.0.1:5292" >&7
  sleep 6
  echo "terminate" >&7; sleep 1
  echo "quit" >&7; echo "quit" >&8
  exec 7>&- 8>&-
  stop_pid $p1; stop_pid $p2; sleep 0.5; stop_capture $cap
}

linphone_fixtures() {
  TONE="$PEERS_WORK/media/tone440_48k_mono.wav"
  log "linphone: opus + H.264 (OpenH264, packetization mode 0)"
  linphone_call lp1 'opus \(48000\)' H264
  local cap="$RUN/lp1.pcapng" ap vp
  ap=$(media_port "$cap" 5290 5292 audio); vp=$(media_port "$cap" 5290 5292 video)
  $MK rtp "$cap" "$OUT/linphone_opus_440hz.aus" --format audio --skip 50 --max 50 \
    --filter "udp.srcport==$ap && rtp.p_type==$(rtpmap_pt "$cap" 5290 5292 opus)"
  $MK rtp "$cap" "$OUT/linphone_h264_320x240.aus" --format h264 --max 20 \
    --filter "udp.srcport==$vp && rtp.p_type==$(rtpmap_pt "$cap" 5290 5292 H264)"
  log "linphone: VP8"
  linphone_call lp2 'opus \(48000\)' VP8
  cap="$RUN/lp2.pcapng"
  vp=$(media_port "$cap" 5290 5292 video)
  $MK rtp "$cap" "$OUT/linphone_vp8_320x240.aus" --format vp8 --max 20 \
    --filter "udp.srcport==$vp && rtp.p_type==$(rtpmap_pt "$cap" 5290 5292 VP8)"
}

for part in ${*:-ffmpeg baresip linphone}; do "${part}_fixtures"; done
