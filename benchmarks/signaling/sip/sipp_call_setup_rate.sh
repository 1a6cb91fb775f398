#!/usr/bin/env bash
# Call set-up rate and latency of the tessera binary with the conference engine, measured
# with SIPp on loopback: INVITE with SDP (PCMU + H.264) → 200 with the answer → ACK → BYE
# into a room, each call joining the room as a participant (ports, RTP links, the room's
# tick takes it) and leaving it. Two runs:
#   rate:  N calls offered at a rate above what the server takes (-r 1000, at most -l 200
#          outstanding), hold 0 s; rate = completed calls / elapsed s; INVITE → 200 latency
#          p50/p99 from SIPp's response-time trace. Median of 3 fresh servers.
#   paced: 2000 calls offered at 200 calls/s (the goal rate), hold 0 s: the set-up latency
#          below saturation (the rate run's latency is mostly queueing in SIPp's window).
#   load:  200 calls at 20 calls/s, each held 10 s (up to 200 participants in the room at
#          once); every call must succeed.
#
#   benchmarks/signaling/sip/sipp_call_setup_rate.sh [build dir] [calls per rate run]
#
# SIPp measures response times in whole milliseconds: a p50 of 0 means under 1 ms.
# The last lines read "name: value".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
build="${1:-$root/build/release}"
count="${2:-3000}"
binary="$build/tessera"
scenario="$root/tests/signaling/sip/integration/scenarios/uac_room_call.xml"
[[ -x "$binary" ]] || { echo "no tessera binary at $binary (build the release preset)" >&2; exit 2; }
command -v sipp >/dev/null || { echo "sipp not found (apt-get install sip-tester)" >&2; exit 2; }

work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port=$(free_port)
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/tessera.toml" <<TOML
[server]
worker_threads = 1
[log]
level = "warn"
[http]
listen = "127.0.0.1:$http_port"
[sip]
udp = "127.0.0.1:$sip_port"
tcp = ""
requests_per_second_per_source = 0
[rtp]
address = "127.0.0.1"
port_min = 20000
port_max = 29999
[[rungs]]
name = "360p"
width = 640
height = 360
fps = 15
bitrate_kbps = 500
[[rooms]]
id = "1000"
max_participants = 1000
TOML
wait_udp() {
  local hex
  hex=$(printf '0100007F:%04X' "$1")
  for _ in $(seq 200); do
    grep -q "$hex" /proc/net/udp && return 0
    sleep 0.05
  done
  return 1
}
start_tessera() {
  "$binary" --config "$work/tessera.toml" > "$work/tessera.log" 2>&1 &
  pid=$!
  wait_udp "$sip_port" || { echo "tessera did not bind $sip_port" >&2; cat "$work/tessera.log" >&2; exit 1; }
}
stop_tessera() {
  kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  pid=""
}

# run <calls> <rate> <limit> <hold ms>: prints "completed failed calls/s p50_ms p99_ms".
run() {
  local calls=$1 rate=$2 limit=$3 hold=$4 port start end
  port=$(free_port)
  rm -f "$work"/*_rtt.csv
  start=$(date +%s.%N)
  (cd "$work" && sipp -sf "$scenario" "127.0.0.1:$sip_port" -s 1000 -i 127.0.0.1 -p "$port" -mp "$(free_port)" \
     -m "$calls" -r "$rate" -l "$limit" -d "$hold" -nostdin -timeout 180s -trace_rtt -rtt_freq 1 \
     -trace_stat -trace_screen > "$work/sipp.out" 2>&1) || true
  end=$(date +%s.%N)
  local ok failed
  ok=$(grep -a "Successful call" "$work/sipp.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  failed=$(grep -a "Failed call" "$work/sipp.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  python3 - "$ok" "$failed" "$start" "$end" "$work"/*_rtt.csv <<'PY'
import sys, csv
ok, failed, start, end, path = int(sys.argv[1] or 0), int(sys.argv[2] or 0), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
v = []
with open(path) as f:
    for row in csv.reader(f, delimiter=';'):
        try: v.append(float(row[1]))
        except (ValueError, IndexError): pass
v.sort()
q = lambda p: v[min(len(v) - 1, int(p * len(v)))] if v else float('nan')
print(f"{ok} {failed} {ok / (end - start):.0f} {q(0.50):.2f} {q(0.99):.2f}")
PY
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

rates=() p50s=() p99s=()
for _ in 1 2 3; do
  start_tessera
  read -r ok failed rate p50 p99 <<<"$(run "$count" 1000 200 0)"
  stop_tessera
  echo "rate run: $ok completed, $failed failed, $rate calls/s, INVITE→200 p50 $p50 ms p99 $p99 ms" >&2
  rates+=("$rate"); p50s+=("$p50"); p99s+=("$p99")
done
echo "sipp_call_setup_calls_per_second: $(median "${rates[@]}")"
echo "sipp_call_setup_latency_p50_ms: $(median "${p50s[@]}")"
echo "sipp_call_setup_latency_p99_ms: $(median "${p99s[@]}")"

start_tessera
read -r ok failed rate p50 p99 <<<"$(run 2000 200 1000 0)"
stop_tessera
echo "paced run (2000 calls offered at 200/s): $ok completed, $failed failed, $rate calls/s, INVITE→200 p50 $p50 ms p99 $p99 ms" >&2
echo "sipp_call_setup_at_200cps_failed: $failed"
echo "sipp_call_setup_at_200cps_latency_p50_ms: $p50"
echo "sipp_call_setup_at_200cps_latency_p99_ms: $p99"

start_tessera
read -r ok failed rate p50 p99 <<<"$(run 200 20 1000 10000)"
stop_tessera
echo "load run (200 calls, 20/s, 10 s each): $ok completed, $failed failed, INVITE→200 p50 $p50 ms p99 $p99 ms" >&2
echo "sipp_load_200_calls_completed: $ok"
echo "sipp_load_200_calls_failed: $failed"
echo "sipp_load_200_calls_setup_p99_ms: $p99"
