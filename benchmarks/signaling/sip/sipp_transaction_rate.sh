#!/usr/bin/env bash
# Transaction rate of the tessera binary measured with SIPp on loopback: OPTIONS (a UDP
# non-INVITE transaction each) and INVITE→404→ACK to an unknown room (an INVITE server
# transaction with its ACK, through ConferenceDialIn). Whole calls into a room are measured
# by sipp_call_setup_rate.sh.
#
#   benchmarks/signaling/sip/sipp_transaction_rate.sh [build dir] [transactions per run]
#
# SIPp offers a fixed rate (-r) above what the server can take and limits outstanding
# transactions (-l); the rate reported is completed transactions / elapsed seconds, median
# of 3 runs. When kamailio is installed, the same OPTIONS load is also sent to a kamailio
# with one worker answering statelessly (sl_send_reply), as a peer measured in the same run.
# The last lines read "name: value".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
build="${1:-$root/build/release}"
count="${2:-15000}"  # below the 20000 live server transactions tessera keeps
binary="$build/tessera"
scenarios="$root/tests/signaling/sip/integration/scenarios"
[[ -x "$binary" ]] || { echo "no tessera binary at $binary (build the release preset)" >&2; exit 2; }
command -v sipp >/dev/null || { echo "sipp not found (apt-get install sip-tester)" >&2; exit 2; }

work="$(mktemp -d)"
pid=""
kpid=""
cleanup() {
  [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n "$kpid" ]] && kill -TERM "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
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
[[rooms]]
id = "1000"
TOML
# wait_udp <port>: bounded wait until something listens on 127.0.0.1:<port> (the log level
# is "warn" so that logging does not weigh on the rate; there is no start-up line to wait for).
wait_udp() {
  local hex
  hex=$(printf '0100007F:%04X' "$1")
  for _ in $(seq 200); do
    grep -q "$hex" /proc/net/udp && return 0
    sleep 0.05
  done
  return 1
}
# A fresh tessera per run: completed server transactions stay for Timer J (32 s) and the
# transaction layer answers 503 beyond 20000 of them, so back-to-back bursts would measure
# that cap instead of the rate.
start_tessera() {
  "$binary" --config "$work/tessera.toml" > "$work/tessera.log" 2>&1 &
  pid=$!
  wait_udp "$sip_port" || { echo "tessera did not bind $sip_port" >&2; cat "$work/tessera.log" >&2; exit 1; }
}
stop_tessera() {
  kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  pid=""
}

sed 's/@STATUS@/404/; s/@REASON@/Room Not Found/; s/@PT@/0/g; s|@CODEC@|PCMU/8000|; s/<pause milliseconds="1200"\/>//' \
  "$scenarios/invite_rejected.xml.in" > "$work/invite_404.xml"

# run <scenario> <service> [target port]: prints completed, failed, transactions per second.
run() {
  local scenario=$1 service=$2 target=${3:-$sip_port} port
  port=$(free_port)
  local start end
  start=$(date +%s.%N)
  (cd "$work" && sipp -sf "$scenario" "127.0.0.1:$target" -s "$service" -i 127.0.0.1 -p "$port" \
     -m "$count" -r 20000 -l 500 -nostdin -timeout 120s -trace_stat -stf "$work/stat.csv" > "$work/sipp.out" 2>&1) || true
  end=$(date +%s.%N)
  local ok failed
  ok=$(grep -a "Successful call" "$work/sipp.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  failed=$(grep -a "Failed call" "$work/sipp.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  echo "$ok $failed $(python3 -c "print(f'{int(\"$ok\")/($end-$start):.0f}')")"
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

for kind in options invite404; do
  rates=()
  for _ in 1 2 3; do
    start_tessera
    if [[ $kind == options ]]; then r=$(run "$scenarios/options.xml" ping); else r=$(run "$work/invite_404.xml" 9999); fi
    stop_tessera
    read -r ok failed rate <<<"$r"
    echo "$kind: $ok completed, $failed failed, $rate/s" >&2
    rates+=("$rate")
  done
  echo "sipp_${kind}_transactions_per_second: $(median "${rates[@]}")"
done

if command -v kamailio >/dev/null; then
  kport=$(free_port)
  cat > "$work/kamailio.cfg" <<KCFG
#!KAMAILIO
debug=1
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:$kport
disable_tcp=yes
loadmodule "sl.so"
loadmodule "textops.so"
request_route {
  # The scenario checks Allow/Accept/Supported, so kamailio adds the same headers tessera sends.
  if (is_method("OPTIONS")) {
    append_to_reply("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE\\r\\nAccept: application/sdp\\r\\nSupported: timer, 100rel\\r\\n");
    sl_send_reply("200", "OK");
    exit;
  }
  sl_send_reply("404", "Not here");
}
KCFG
  kamailio -f "$work/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$work" -P "$work/kamailio.pid" > "$work/kamailio.log" 2>&1 &
  kpid=$!
  wait_udp "$kport" || { echo "kamailio did not bind $kport" >&2; cat "$work/kamailio.log" >&2; exit 1; }
  rates=()
  for _ in 1 2 3; do
    read -r ok failed rate <<<"$(run "$scenarios/options.xml" ping "$kport")"
    echo "kamailio options: $ok completed, $failed failed, $rate/s" >&2
    rates+=("$rate")
  done
  echo "kamailio_stateless_options_per_second: $(median "${rates[@]}")"
fi
