#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# End to end over the software link, with the real binaries: dpdk-tlp-responder
# (device side, tlp_sim vdev) answers dpdk-tlp-hostsim bench-rtt (host side).
# Checks the bench saw no error or timeout, the responder's counters, the
# telemetry endpoints (/tlpdev/list, info, stats; /pcifn/list, stats, config),
# and that a second host can attach after the first one is gone.
# usage: test_responder_e2e.sh <responder> <hostsim>

set -u

resp=$1
hostsim=$2
dir=$(mktemp -d /tmp/tlpemu-e2e.XXXXXX)
prefix="tlpemu-e2e-$$"
sock="$dir/link.sock"
pid=""
fail=0

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		kill -KILL "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
	fi
	rm -rf "$dir" "/var/run/dpdk/$prefix"
}
trap cleanup EXIT

check() {
	if eval "$1"; then
		echo "ok: $2"
	else
		echo "FAIL: $2"
		fail=1
	fi
}

"$resp" -l 0 --no-huge -m 256 --no-pci --file-prefix "$prefix" \
	--log-level=lib.eal:error --vdev "tlp_sim0,path=$sock" -- > "$dir/resp.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
check '[ -S "$sock" ]' "device side listens"

for round in 1 2; do
	"$hostsim" bench-rtt --socket "$sock" --count 2000 --warmup 100 --duration-ms 200 \
		> "$dir/bench$round.txt" 2>&1
	rc=$?
	check '[ $rc -eq 0 ]' "host $round: bench-rtt exit status ($rc)"
	check 'grep -q "^errors=0$" "$dir/bench$round.txt"' "host $round: no errors"
	check 'grep -q "^cpl_timeouts=0$" "$dir/bench$round.txt"' "host $round: no timeouts"
	check 'grep -qE "^cfg_rtt_p99_us=[0-9.]+$" "$dir/bench$round.txt"' \
		"host $round: latency printed"
	check 'grep -qE "^mem_tlps_per_s=[1-9][0-9]*$" "$dir/bench$round.txt"' \
		"host $round: throughput printed"
done

# Telemetry: a SOCK_SEQPACKET socket in the runtime directory.
cat > "$dir/tel.py" <<'PYEOF'
import json, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(path)
json.loads(s.recv(16384).decode())
out = {}
for cmd in sys.argv[2:]:
    s.send(cmd.encode())
    key = cmd.split(",")[0]
    out[key] = json.loads(s.recv(65536).decode())[key]
print(json.dumps(out))
PYEOF
tel=$(python3 "$dir/tel.py" "/var/run/dpdk/$prefix/dpdk_telemetry.v2" \
	/tlpdev/list /tlpdev/info,0 /tlpdev/stats,0 /pcifn/list /pcifn/stats,0 /pcifn/config,0 \
	2> "$dir/tel.err")
check '[ -n "$tel" ]' "telemetry answers ($(cat "$dir/tel.err"))"
check 'echo "$tel" | python3 -c "
import json, sys
t = json.load(sys.stdin)
assert t[\"/tlpdev/list\"] == [0], t[\"/tlpdev/list\"]
assert t[\"/tlpdev/info\"][\"driver\"] == \"tlp_sim\", t[\"/tlpdev/info\"]
st = t[\"/tlpdev/stats\"]
assert st[\"rx_CfgRd0\"] > 4000 and st[\"rx_MRd\"] > 4000, st
assert st[\"tx_CplD\"] == st[\"rx_CfgRd0\"] + st[\"rx_MRd\"], st
assert t[\"/pcifn/list\"] == [0], t[\"/pcifn/list\"]
fs = t[\"/pcifn/stats\"]
assert fs[\"cfg_rd\"] == st[\"rx_CfgRd0\"] and fs[\"mem_rd\"] == st[\"rx_MRd\"], (fs, st)
assert fs[\"cpl_ur\"] == 0 and fs[\"cpl_ca\"] == 0, fs
cfg = t[\"/pcifn/config\"]
assert len(cfg) == 64 and cfg[0] == 0x00051b36, cfg[:4]
"' "telemetry list, info and stats agree with the traffic"

kill -INT "$pid"
wait "$pid"
rc=$?
pid=""
check '[ $rc -eq 0 ]' "responder exits cleanly on SIGINT ($rc)"
check 'grep -qE "cfg_rd=[1-9][0-9]* .*mem_rd=[1-9][0-9]* .*ur=0 .*cpl_dropped=0 malformed=0" \
	"$dir/resp.log"' "responder counters"
check '[ "$(grep -c "link up with host pid" "$dir/resp.log")" -eq 2 ]' "two hosts attached in turn"
if [ $fail -ne 0 ]; then
	for f in "$dir"/bench*.txt "$dir/resp.log"; do
		echo "--- $f"
		cat "$f"
	done
	exit 1
fi
exit 0
