#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# examples/vnet_fwd end to end: dpdk-vnet-fwd forwards between port 0, a
# net_virtio_emu function on a tlp_sim link, and port 1, a net_ring port
# (whatever is sent to it comes back), so every frame the host's driver
# ("dpdk-tlp-hostsim traffic") sends crosses the application twice and comes
# back to the host, which verifies it; and two emulated functions on two
# links, one host each, crossing their frames. Checked for each layout
# (service lcore made by the application or by EAL's -S, the PMD's fallback
# without one, two queue pairs on two workers, MAC rewrite, two functions):
# the hosts verified every frame; the application's final counters account
# for every frame on both ports with no drop; SIGINT stops it within 5 s with
# exit status 0, its mempool full again. With --drop, what a port refuses is
# counted. Bad options are refused.
# usage: test_vnet_fwd_e2e.sh <dpdk-vnet-fwd> <dpdk-tlp-hostsim>

set -u

fwd=$1
hostsim=$2
dir=$(mktemp -d /tmp/tlpemu-fwd.XXXXXX)
prefix="tlpemu-fwd-$$"
pid=""
fail=0
n=0

stop_kill() {
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		kill -KILL "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
	fi
	pid=""
}

cleanup() {
	stop_kill
	rm -rf "$dir" "/var/run/dpdk/$prefix"-*
}
trap cleanup EXIT

ok() {
	echo "ok: $case: $1"
}

bad() {
	echo "FAIL: $case: $1"
	fail=1
}

# start <case name> <tlp_sim devargs> <net_virtio_emu devargs> <EAL lcores> <app args...>
start() {
	sock="$dir/link$((n + 1)).sock"
	c=$1
	sargs=$2
	vargs=$3
	lcores=$4
	shift 4
	total=0
	# shellcheck disable=SC2086
	launch "$c" $lcores --vdev "tlp_sim0,path=$sock$sargs" \
		--vdev "net_virtio_emu0,tlpdev=tlp_sim0$vargs" --vdev net_ring0 -- \
		--stats-period 0 "$@"
}

# launch <case> <more dpdk-vnet-fwd arguments...>: start it with the common EAL
# arguments ($pid, output in $log) and wait until it forwards; 1 (log shown,
# process killed) if it does not.
launch() {
	n=$((n + 1))
	case=$1
	log="$dir/fwd$n.log"
	shift
	"$fwd" --no-huge -m 512 --no-pci --no-telemetry --file-prefix "$prefix-$n" \
		--log-level=lib.eal:error "$@" > "$log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q "^vnet_fwd: forwarding" "$log" 2> /dev/null && [ $i -lt 400 ]; do
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if ! grep -q "^vnet_fwd: forwarding" "$log"; then
		bad "dpdk-vnet-fwd did not start forwarding"
		sed 's/^/    /' "$log"
		stop_kill
		return 1
	fi
	return 0
}

# traffic <count> <hostsim traffic args...>: the host verifies every frame.
traffic() {
	count=$1
	shift
	out="$dir/traffic.txt"
	# A long completion timeout: the machine running the tests may be busy.
	"$hostsim" traffic --socket "$sock" --cpl-timeout-ms 1000 --stats-interval 0 \
		--count "$count" "$@" > "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^result=ok$" "$out" &&
	   grep -q "^verified=$count$" "$out" && grep -q "^lost=0$" "$out"; then
		ok "host verified $count frames: $*"
		total=$((total + count))
	else
		bad "host: $* (exit $rc)"
		sed 's/^/    /' "$out"
		sed 's/^/    fwd: /' "$log"
	fi
}

# stop: SIGINT; exit 0 within 5 s; every frame counted on both ports; no leak.
stop() {
	t0=$(date +%s%N)
	kill -INT "$pid"
	i=0
	while kill -0 "$pid" 2> /dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$pid" 2> /dev/null; then
		bad "still running 5 s after SIGINT"
		stop_kill
		sed 's/^/    /' "$log"
		return
	fi
	wait "$pid"
	rc=$?
	pid=""
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ $rc -eq 0 ] && grep -q "^vnet_fwd: bye$" "$log"; then
		ok "SIGINT: exit 0 after $ms ms"
	else
		bad "SIGINT: exit status $rc"
		sed 's/^/    /' "$log"
		return
	fi
	if grep -qE "^vnet_fwd: mempool: ([0-9]+) of \1 mbufs back$" "$log"; then
		ok "every mbuf back in the pool"
	else
		bad "mbufs missing: $(grep 'mempool' "$log")"
	fi
	# Host frames: port 0 receives them, port 1 (the ring) takes and returns
	# them, port 0 sends them back; nothing dropped anywhere.
	for p in 0 1; do
		if grep -q "^vnet_fwd: final port $p: rx=$total tx=$total dropped=0 " "$log"; then
			ok "port $p: rx=tx=$total, dropped=0"
		else
			bad "port $p counters, want rx=tx=$total dropped=0:"
			grep "final" "$log" | sed 's/^/    /'
		fi
	done
}

# The PMD's control work on a service lcore (lcore 1), one worker (lcore 2);
# the data path has its own queue of the link (queues=2). Jumbo frames: the
# application gives both ports the function's MTU.
if start service ",queues=2" ",mtu=9000" "--lcores 0@0,1@0,2@1" --service-lcore 1; then
	if grep -q "service net_virtio_emu_tlp_sim0 runs on service lcore 1" "$log"; then
		ok "service mapped to lcore 1"
	else
		bad "service not mapped"
	fi
	traffic 20000 --queues 2 --size 64-1518
	traffic 20000 --queues 2 --packed --size 64
	traffic 500 --queues 2 --mtu 9000 --size 9018
	stop
fi

# No service lcore: the PMD's fallback (Rx queue 0 does the control work).
if start fallback "" "" "-l 0,1"; then
	if grep -q "no service lcore" "$log"; then
		ok "fallback announced"
	else
		bad "fallback not announced"
	fi
	traffic 10000 --size 64-1518
	traffic 10000 --packed --size 64-1518 --tx-segs 3
	stop
fi

# Two queue pairs on two workers (lcores 2 and 3), the service on lcore 1.
if start pairs ",queues=3" ",queues=2" "--lcores 0@0,1@0,2@1,3@0" --service-lcore 1 \
	--pairs 2; then
	traffic 20000 --queues 3 --pairs 2 --size 64-1518
	stop
fi

# MAC rewrite (the host checks the payload, not the addresses), small bursts.
if start macrewrite ",queues=2" "" "--lcores 0@0,1@0,2@1" --service-lcore 1 \
	--mac-rewrite --burst 8; then
	traffic 10000 --queues 2 --size 64-1518
	stop
fi

# The service lcore given by EAL (-S; it must be in --lcores too) rather than
# by the application.
if start eal_service ",queues=2" "" "--lcores 0@0,1@0,2@1 -S 1"; then
	if grep -q "service net_virtio_emu_tlp_sim0 runs on service lcore 1" "$log"; then
		ok "EAL's service lcore used"
	else
		bad "EAL's service lcore not used"
	fi
	traffic 5000 --queues 2 --size 64-1518
	stop
fi

# Two emulated functions on two links, one host on each: frames of host A go
# to host B and back. Both hosts send the same stream (same options), so
# each verifies what the other sent. A long drain time (20 s) covers the hosts'
# bring-ups not being simultaneous. Nothing may be lost or dropped.
if launch two_functions --lcores 0@0,1@0,2@1 \
	--vdev "tlp_sim0,path=$dir/a.sock,queues=2" --vdev "tlp_sim1,path=$dir/b.sock,queues=2" \
	--vdev net_virtio_emu0,tlpdev=tlp_sim0 \
	--vdev net_virtio_emu1,tlpdev=tlp_sim1,mac=02:00:00:00:00:02 -- \
	--service-lcore 1 --stats-period 0; then
	host() {
		"$hostsim" traffic --socket "$dir/$1.sock" --queues 2 --cpl-timeout-ms 1000 \
			--stats-interval 0 --drain-ms 20000 --count 10000 --size 64-1518 \
			> "$dir/host_$1.txt" 2>&1
	}
	check_host() {
		if [ "$2" -eq 0 ] && grep -q "^verified=10000$" "$dir/host_$1.txt" &&
		   grep -q "^result=ok$" "$dir/host_$1.txt"; then
			ok "host $1 verified the other host's 10000 frames"
		else
			bad "host $1 (exit $2)"
			sed 's/^/    /' "$dir/host_$1.txt"
			sed 's/^/    fwd: /' "$log"
		fi
	}
	host a &
	host_a=$!
	host b &
	host_b=$!
	wait "$host_a"
	rc_a=$?
	wait "$host_b"
	rc_b=$?
	check_host a "$rc_a"
	check_host b "$rc_b"
	total=10000
	stop
fi

# --drop: with host B absent, function B refuses everything; every frame
# port 0 received must show up as refused on port 1, none unaccounted for.
if launch drop --lcores 0@0,1@0,2@1 \
	--vdev "tlp_sim0,path=$dir/da.sock,queues=2" --vdev "tlp_sim1,path=$dir/db.sock,queues=2" \
	--vdev net_virtio_emu0,tlpdev=tlp_sim0 --vdev net_virtio_emu1,tlpdev=tlp_sim1 -- \
	--service-lcore 1 --stats-period 0 --drop; then
	"$hostsim" traffic --socket "$dir/da.sock" --queues 2 --cpl-timeout-ms 1000 \
		--stats-interval 0 --drain-ms 300 --count 2000 --allow-loss \
		> "$dir/host_drop.txt" 2>&1
	kill -INT "$pid" 2> /dev/null
	wait "$pid"
	rc=$?
	pid=""
	rx=$(sed -n 's/^vnet_fwd: final port 0: rx=\([0-9]*\) .*/\1/p' "$log")
	if [ $rc -eq 0 ] && [ -n "$rx" ] && [ "$rx" -gt 0 ] &&
	   grep -q "^vnet_fwd: final port 1: rx=0 tx=0 dropped=$rx .* refused=$rx) link=down$" \
		"$log"; then
		ok "port 1 refused and counted all $rx frames of port 0"
	else
		bad "drop accounting (exit $rc)"
		sed 's/^/    /' "$log" "$dir/host_drop.txt"
	fi
fi

# Bad arguments are refused with the value named, before anything runs.
case=args
for a in "--pairs 0" "--burst 65" "--service-lcore 0" "--colour blue" "-S 2"; do
	n=$((n + 1))
	eal=""
	case "$a" in
	-S*)
		# An EAL service lcore without a thread (not in -l) is noticed.
		eal=$a
		a=""
		;;
	esac
	# shellcheck disable=SC2086
	"$fwd" -l 0,1 $eal --no-huge -m 256 --no-pci --no-telemetry --file-prefix "$prefix-$n" \
		--log-level=lib.eal:error --vdev net_ring0 --vdev net_ring1 -- $a \
		> "$dir/args.log" 2>&1 < /dev/null
	rc=$?
	if [ $rc -ne 0 ] && ! grep -q "forwarding" "$dir/args.log"; then
		ok "refused $eal$a"
	else
		bad "not refused: $eal$a (exit $rc)"
		sed 's/^/    /' "$dir/args.log"
	fi
done
exit $fail
