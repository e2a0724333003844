#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# net_virtio_emu in Debian's dpdk-testpmd (interactive, driven through a
# FIFO), the port's life cycle seen from both sides:
#  - link: the host-visible LINK_UP follows port start/stop, the ethdev link
#    is up only while the host driver runs (LSC events both ways);
#  - telemetry /virtio_emu/list and /virtio_emu/info,<port> (features,
#    status, queue states) while the host drives two queue pairs with the
#    link's DMA as TLPs;
#  - no mbuf leaked after traffic, host resets and port stop (mempool count);
#  - mtu_set reaches the host (device-config mtu) or is refused clearly;
#  - offload capabilities follow the offered/negotiated features;
#  - frames the host has no room for: returned to the caller by default,
#    dropped and counted (xstat tx_q0_drop_full) with tx_drop_full=1.
# usage: test_pmd_lifecycle.sh <build dir> <dpdk-tlp-hostsim> [dpdk-testpmd]

set -u

. "$(dirname "$0")/pmd_testpmd_lib.sh"
pmd_test_init tlpemu-pmdlc "$@"
trap pmd_cleanup EXIT
if ! env -u LD_PRELOAD python3 -c 'import socket; socket.AF_UNIX' 2> /dev/null; then
	echo "skip: no python3 for the telemetry socket"
	exit 77
fi
eal=""
hargs=""

check() {
	if eval "$1"; then
		echo "ok: $2"
	else
		echo "FAIL: $2"
		fail=1
		return 1
	fi
}

cat > "$dir/tel.py" <<'PYEOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
json.loads(s.recv(16384).decode())
s.send(sys.argv[2].encode())
print(json.dumps(json.loads(s.recv(65536).decode())[sys.argv[2].split(",")[0]]))
PYEOF

# tel <command>: the answer's value as JSON (python without the sanitizer runtimes).
tel() {
	env -u LD_PRELOAD python3 "$dir/tel.py" "/var/run/dpdk/$fprefix/dpdk_telemetry.v2" "$1" \
		2> "$dir/tel.err"
}

# tel_check <command> <python expression on t> <what> [tries, 100 ms apart]
tel_check() {
	k=${4:-1}
	while :; do
		t=$(tel "$1")
		if [ -n "$t" ] && env -u LD_PRELOAD python3 -c "import json, sys
t = json.loads(sys.argv[1])
sys.exit(0 if ($2) else 1)" "$t"; then
			break
		fi
		k=$((k - 1))
		[ $k -gt 0 ] || break
		sleep 0.1
	done
	if [ $k -gt 0 ]; then
		echo "ok: $3"
	else
		echo "FAIL: $3: $1 -> $t $(cat "$dir/tel.err")"
		fail=1
	fi
}

# start <tlp_sim args> <net_virtio_emu args> <testpmd args...>: interactive testpmd
# ($eal: more EAL arguments).
start() {
	n=$((n + 1))
	sock="$dir/link$n.sock"
	log="$dir/testpmd$n.log"
	fprefix="$prefix-$n"
	sargs=$1
	vargs=$2
	shift 2
	rm -f "$dir/stdin"
	mkfifo "$dir/stdin"
	# shellcheck disable=SC2086
	stdbuf -oL "$testpmd" ${eal:--l 0,1} --no-huge -m 1024 --no-pci --file-prefix "$fprefix" \
		--log-level=lib.eal:error -d librte_tlpdev_sim.so -d librte_net_virtio_emu.so \
		--vdev "tlp_sim0,path=$sock$sargs" --vdev "net_virtio_emu0,tlpdev=tlp_sim0$vargs" \
		-- -i --total-num-mbufs=8192 --no-mlockall --print-event intr_lsc "$@" \
		< "$dir/stdin" > "$log" 2>&1 &
	pid=$!
	exec 3> "$dir/stdin"
	if ! wait_log 0 "^testpmd> " 400; then
		echo "FAIL: testpmd did not start:"
		sed 's/^/    /' "$log"
		fail=1
		return 1
	fi
	return 0
}

# wait_log <byte offset> <pattern> [tries of 50 ms]: the pattern appears after the offset.
wait_log() {
	i=0
	while [ $i -lt "${3:-200}" ]; do
		if tail -c +$(($1 + 1)) "$log" | grep -q -- "$2"; then
			return 0
		fi
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	tail -c +$(($1 + 1)) "$log" | grep -q -- "$2"
}

# cmd <testpmd command>: run it and wait for the next prompt; its output in $dir/out.
cmd() {
	off=$(wc -c < "$log")
	echo "$1" >&3
	wait_log "$off" "^testpmd> " 200 || true
	sleep 0.1
	tail -c +$((off + 1)) "$log" > "$dir/out"
}

# mempool_free: no mbuf of testpmd's pool is held (pool + lcore caches = size).
mempool_free() {
	cmd "dump_mempool mb_pool_0"
	awk '/^  size=/ { split($0, a, "="); size = a[2] }
	     /common_pool_count=/ { split($0, a, "="); free += a[2] }
	     /cache_count\[/ { split($0, a, "="); free += a[2] }
	     END { exit !(size > 0 && free == size) }' "$dir/out"
}

quit() {
	off=$(wc -c < "$log")
	echo "quit" >&3
	wait_log "$off" "Bye" 200 || true
	check 'grep -q "Bye" "$log"' "testpmd quits cleanly"
	stop_device
}

# traffic <file> <args...>
traffic() {
	out=$1
	shift
	# shellcheck disable=SC2086
	"$hostsim" traffic --socket "$sock" $hargs "$@" > "$out" 2>&1
}

lsc_count() {
	grep -c "link state change event" "$log"
}

# 1. Two queue pairs, DMA as TLPs: link, telemetry, LSC, mempool, mtu. A
# service lcore runs the control work (the PMD maps its service to it): the
# simulated host serves the data queues' DMA only between its own register
# accesses, which the control work must answer meanwhile.
# Completion timeouts of 500 ms on both sides: the machine may be busy.
eal="--lcores 0@0,1@1,2@0 -s 0x2"
hargs="--queues 3 --cpl-timeout-ms 500"
if start ",queues=3,dma=tlp,cpl_timeout_ms=500" ",queues=2" --rxq=2 --txq=2; then
	cmd "show port 0 tx_offload capabilities"
	check 'grep -q "TCP_CKSUM" "$dir/out" && grep -q "TCP_TSO" "$dir/out"' \
		"tx offloads offered with GUEST_CSUM/GUEST_TSO"
	cmd "show port 0 rx_offload capabilities"
	check 'grep -q "TCP_LRO" "$dir/out" && grep -q "TCP_CKSUM" "$dir/out"' \
		"rx offloads offered with CSUM/HOST_TSO"
	tel_check /virtio_emu/list 't == [0]' "telemetry lists the port"
	tel_check /virtio_emu/info,0 \
		't["started"] == 1 and t["host_link_up"] == 1 and t["driver_ok"] == 0 and
		 t["link_up"] == 0' \
		"started port, no host driver: host sees LINK_UP, ethdev link down"
	tel_check /virtio_emu/info,7 't is None' "telemetry refuses a bad port"
	lsc0=$(lsc_count)
	cmd "start"
	traffic "$dir/t1.txt" --pairs 2 --duration 4 --size 64-1518 &
	tpid=$!
	tel_check /virtio_emu/info,0 \
		't["driver_ok"] == 1 and t["link_up"] == 1 and
		 int(t["features_negotiated"], 16) != 0 and t["q0"]["size"] == 256 and
		 t["q1"]["running"] == 1 and t["q3"]["layout"] == "split" and
		 t["q2"]["dma_queue"] == 2 and "drops" in t["q1"]' \
		"telemetry during traffic: driver, link, queues" 30
	wait $tpid
	check 'grep -q "^result=ok$" "$dir/t1.txt" && grep -q "^lost=0$" "$dir/t1.txt"' \
		"2 queue pairs, dma=tlp: every frame back ($(grep '^verified=' "$dir/t1.txt"))" ||
		sed 's/^/    /' "$dir/t1.txt"
	wait_log 0 "link state change event" 20 || true
	sleep 0.2
	lsc1=$(lsc_count)
	check '[ $((lsc1 - lsc0)) -ge 2 ]' \
		"LSC up when the host driver starts, down at its reset ($((lsc1 - lsc0)) events)"
	cmd "stop"
	cmd "port stop 0"
	tel_check /virtio_emu/info,0 't["started"] == 0 and t["host_link_up"] == 0' \
		"stopped port: host sees the link down"
	check 'mempool_free' "no mbuf held after traffic, host reset and port stop"
	cmd "port config mtu 0 1400"
	tel_check /virtio_emu/info,0 't["mtu"] == 1400' "mtu set on a stopped port"
	cmd "port start 0"
	tel_check /virtio_emu/info,0 't["host_link_up"] == 1' "restarted port: host sees LINK_UP"
	cmd "start"
	traffic "$dir/t2.txt" --count 100 --size 1518
	check 'grep -q "exceed the device.s MTU 1400" "$dir/t2.txt"' \
		"the host driver reads the new device-config mtu"
	traffic "$dir/t3.txt" --count 2000 --mtu 1400 --size 64-1418 --packed
	check 'grep -q "^result=ok$" "$dir/t3.txt"' "traffic within the new mtu, packed"
	cmd "stop"
	cmd "port stop 0"
	check 'mempool_free' "no mbuf held after the restart"
	tel_check /virtio_emu/info,0 't["service_core"] == 1' \
		"a service lcore runs the control work"
	quit
fi

eal=""
hargs=""

# 2. No GUEST_CSUM/TSO/MTU offered; default: frames without host room stay with the caller.
if start "" ",features=0x300010020"; then
	cmd "show port 0 tx_offload capabilities"
	check '! grep -q "TCP_CKSUM\|TCP_TSO" "$dir/out" && grep -q "MULTI_SEGS" "$dir/out"' \
		"no tx checksum/TSO without GUEST_CSUM"
	cmd "show port 0 rx_offload capabilities"
	check '! grep -q "TCP_LRO\|TCP_CKSUM" "$dir/out"' "no rx offloads without CSUM/HOST_TSO"
	cmd "port stop 0"
	off=$(wc -c < "$log")
	cmd "port config mtu 0 1400"
	check 'grep -q "VIRTIO_NET_F_MTU not offered" "$dir/out"' "mtu change refused without F_MTU"
	cmd "port start 0"
	cmd "set fwd txonly"
	cmd "start"
	sleep 0.3
	cmd "stop"
	check 'grep -q "TX-dropped: [1-9]" "$dir/out"' \
		"no host: tx_burst returns short (testpmd drops)"
	cmd "show port xstats 0"
	check 'grep -q "tx_q0_drop_full: 0$" "$dir/out"' "xstat tx_q0_drop_full stays 0 by default"
	cmd "port stop 0"
	check 'mempool_free' "no mbuf held after txonly"
	quit
fi

# 3. tx_drop_full=1: the PMD drops and counts them.
if start "" ",tx_drop_full=1"; then
	cmd "set fwd txonly"
	cmd "start"
	sleep 0.3
	cmd "stop"
	# testpmd shows the port's oerrors as TX-dropped: all of them are ours.
	dropped=$(awk '/TX-dropped:/ { print $4; exit }' "$dir/out")
	cmd "show port xstats 0"
	full=$(awk '/tx_q0_drop_full:/ { print $2 }' "$dir/out")
	check '[ "${full:-0}" -gt 0 ] && [ "$full" = "$dropped" ]' \
		"tx_drop_full=1: the PMD drops and counts them (xstat $full, TX-dropped $dropped)"
	cmd "show port stats 0"
	check 'grep -q "TX-errors: [1-9]" "$dir/out"' "and oerrors"
	tel_check /virtio_emu/info,0 't["tx_drop_full"] == 1 and t["q0"]["drops"]["full"] > 0' \
		"telemetry shows the drop reason"
	cmd "port stop 0"
	check 'mempool_free' "no mbuf held after dropping"
	quit
fi

# Secondary processes cannot start with --no-huge (EAL), see the guide.
echo "skip: secondary-process attach (EAL needs hugepages for a secondary)"
exit $fail
