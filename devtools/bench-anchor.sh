#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# The anchor benchmark: our device-side virtio-net (net_virtio_emu) against
# DPDK's own (net_vhost), in the same loop, with the same frame sizes, the
# same memory mode and one CPU per side. Prints figures, asserts no target.
#
# (A) tlpemu: dpdk-tlp-hostsim traffic (the host's virtio-net driver, one
#     thread on CPU H) <-> Debian's dpdk-testpmd with net_virtio_emu on a
#     tlp_sim link (device side, CPU D), io forwarding.
# (B) anchor: dpdk-testpmd with net_virtio_user (the driver side, CPU H) <->
#     dpdk-testpmd with net_vhost (device side, CPU D), io forwarding on
#     both, over a vhost-user socket.
#
# What is measured, in both: frames the device side forwards per second,
# with a window of 256 frames in flight. Each frame leaves the driver side
# on its transmit virtqueue, the device side receives it (rx_burst) and sends
# it back (tx_burst) into the driver's receive virtqueue, the driver side
# receives it and sends again. One frame counts once per round trip.
#   A: the host's verified frames per second ("verified" / "seconds" of
#      dpdk-tlp-hostsim traffic --duration): every frame's 32-byte header
#      (queue, length, sequence number) written and checked in sequence, the
#      payload neither written nor read by the host (--verify header), as
#      virtio-user's io forwarding never touches it; the device side copies
#      every byte both ways in A and B alike. BENCH_VERIFY=full makes the host
#      write and compare every byte too (then the host, not the device, is
#      the limit at 1518 bytes). Window 256 (the receive ring's frames).
#   B: the vhost port's Rx-pps, as testpmd computes it between two "show port
#      stats" --duration seconds apart; the virtio-user side injects 8 bursts
#      of 32 frames ("start tx_first 8": 256 in flight) and then forwards
#      whatever comes back without touching it.
# Frame sizes 64 and 1518 bytes with FCS (60 and 1514 in the virtqueue, plus
# the 12-byte virtio-net header); split rings; EAL --no-huge -m 512 on all
# four processes. DPDK 22.11's EAL backs --no-huge memory with a memfd, which
# virtio-user hands to vhost over the socket: no --single-file-segments or
# --in-memory is needed. Each testpmd runs its main lcore and its forwarding
# lcore on the same CPU (--lcores 0@C,1@C): the main lcore sleeps.
#
# usage: devtools/bench-anchor.sh [build dir]   (default: build)
# Runs A then B for each size, BENCH_RUNS times, and prints every figure, then
# the medians and their ratio A/B per size: on a shared machine the load
# changes from one run to the next, alternating spreads it over both.
# Environment: BENCH_SECONDS (default 5), BENCH_RUNS (default 3), BENCH_SIZES
# (default "64 1518"), BENCH_TESTPMD (default /usr/bin/dpdk-testpmd),
# BENCH_VERIFY (header or full, default header: see A above).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 1
hostsim="$build/app/tlp-hostsim/dpdk-tlp-hostsim"
testpmd=${BENCH_TESTPMD:-/usr/bin/dpdk-testpmd}
secs=${BENCH_SECONDS:-5}
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-64 1518}
for f in "$hostsim" "$testpmd" "$build/drivers/net/virtio_emu/librte_net_virtio_emu.so"; do
	if [ ! -e "$f" ]; then
		echo "bench-anchor: $f missing (build first)"
		exit 1
	fi
done

ncpu=$(nproc)
hz=$(getconf CLK_TCK)
cpu_h=0
cpu_d=$((ncpu > 1 ? 1 : 0))
[ "$ncpu" -gt 1 ] || echo "bench-anchor: one CPU only: both sides share it"

LD_LIBRARY_PATH="$build/lib/tlpdev:$build/lib/pcifn:$build/lib/virtio_emu"
LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$build/drivers/tlpdev/sim:$build/drivers/net/virtio_emu"
export LD_LIBRARY_PATH

dir=$(mktemp -d /tmp/tlpemu-bench.XXXXXX)
prefix="tlpemu-bench-$$"
pid_d=""
pid_h=""
eal="--no-huge -m 512 --no-pci --no-telemetry --log-level=lib.eal:error"
pmd="--total-num-mbufs=8192 --no-mlockall --forward-mode=io --stats-period 0"

# stop_pid <pid>: give it a second to quit, then SIGINT, then SIGKILL; reap it.
stop_pid() {
	p=$1
	[ -n "$p" ] || return 0
	i=0
	while kill -0 "$p" 2> /dev/null && [ $i -lt 30 ]; do
		[ $i -eq 10 ] && kill -INT "$p" 2> /dev/null
		sleep 0.1
		i=$((i + 1))
	done
	kill -INT "$p" 2> /dev/null && sleep 0.5
	kill -KILL "$p" 2> /dev/null
	wait "$p" 2> /dev/null
}

# stop_all: both sides of a run, whatever state they are in.
stop_all() {
	exec 3>&- 4>&-
	[ -n "$pid_h" ] && kill -INT "$pid_h" 2> /dev/null
	[ -n "$pid_d" ] && kill -INT "$pid_d" 2> /dev/null
	stop_pid "$pid_h"
	stop_pid "$pid_d"
	pid_h=""
	pid_d=""
}

cleanup() {
	stop_all
	rm -rf "$dir" "/var/run/dpdk/$prefix"-*
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_log <log> <pattern> <pid> [other log]: until the pattern shows (20 s
# at most); else print the log(s).
wait_log() {
	i=0
	while ! grep -q "$2" "$1" 2> /dev/null; do
		if ! kill -0 "$3" 2> /dev/null || [ $i -ge 400 ]; then
			echo "bench-anchor: '$2' did not show in $1:"
			sed 's/^/    /' "$1" ${4:+"$4"}
			echo
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
}

# worker_ticks <pid>: CPU time (clock ticks) of testpmd's forwarding lcore.
worker_ticks() {
	for t in /proc/"$1"/task/*; do
		[ "$(cat "$t/comm" 2> /dev/null)" = rte-worker-1 ] || continue
		awk '{ print $14 + $15 }' "$t/stat"
		return
	done
	echo 0
}

# per_cpu <frames> <ticks>: Mpps per second of CPU time.
per_cpu() {
	awk -v n="$1" -v t="$2" -v hz="$hz" 'BEGIN {
		if (t > 0) printf "%.3f", n / (t / hz) / 1e6; else print "0" }'
}

# mpps <frames> <seconds>
mpps() {
	awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.3f", n / s / 1e6; else print "0" }'
}

# (A) <size>: the Mpps in $res, per device CPU second in $res_cpu.
run_a() {
	size=$1
	sock="$dir/a.sock"
	log="$dir/a-testpmd.log"
	rm -f "$sock" "$dir/in-a"
	mkfifo "$dir/in-a"
	# shellcheck disable=SC2086
	stdbuf -oL "$testpmd" --lcores "0@$cpu_d,1@$cpu_d" $eal --file-prefix "$prefix-a" \
		-d librte_tlpdev_sim.so -d librte_net_virtio_emu.so \
		--vdev "tlp_sim0,path=$sock" --vdev "net_virtio_emu0,tlpdev=tlp_sim0" -- \
		$pmd --auto-start --disable-link-check < "$dir/in-a" > "$log" 2>&1 &
	pid_d=$!
	exec 3> "$dir/in-a"
	wait_log "$log" "Press enter to exit" "$pid_d" || { stop_all; return 1; }
	t0=$(worker_ticks "$pid_d")
	"$hostsim" traffic --socket "$sock" --core "$cpu_h" --size "$size" --duration "$secs" \
		--verify "${BENCH_VERIFY:-header}" --stats-interval 0 > "$dir/a.txt" 2> "$dir/a.err"
	rc=$?
	t1=$(worker_ticks "$pid_d")
	kill -INT "$pid_d" 2> /dev/null
	exec 3>&-
	stop_pid "$pid_d"
	pid_d=""
	if [ $rc -ne 0 ] || ! grep -q '^result=ok$' "$dir/a.txt"; then
		echo "bench-anchor: (A) $size bytes: the host's run failed:" >&2
		sed 's/^/    /' "$dir/a.txt" "$dir/a.err" >&2
		return 1
	fi
	cp "$dir/a.txt" "$dir/a-$size.txt"
	frames=$(sed -n 's/^verified=//p' "$dir/a.txt")
	res=$(mpps "$frames" "$(sed -n 's/^seconds=//p' "$dir/a.txt")")
	res_cpu=$(per_cpu "$frames" $((t1 - t0)))
}

# (B) <size>: the Mpps in $res, per device CPU second in $res_cpu.
run_b() {
	size=$1
	sock="$dir/b.sock"
	rm -f "$sock" "$dir/in-bd" "$dir/in-bh"
	mkfifo "$dir/in-bd" "$dir/in-bh"
	# shellcheck disable=SC2086
	stdbuf -oL "$testpmd" --lcores "0@$cpu_d,1@$cpu_d" $eal --file-prefix "$prefix-bd" \
		--vdev "net_vhost0,iface=$sock,queues=1" -- -i $pmd \
		--max-pkt-len=1518 < "$dir/in-bd" > "$dir/b-vhost.log" 2>&1 &
	pid_d=$!
	exec 3> "$dir/in-bd"
	wait_log "$dir/b-vhost.log" "testpmd>" "$pid_d" || { stop_all; return 1; }
	echo "start" >&3
	# shellcheck disable=SC2086
	stdbuf -oL "$testpmd" --lcores "0@$cpu_h,1@$cpu_h" $eal --file-prefix "$prefix-bh" \
		--vdev "net_virtio_user0,path=$sock,queues=1" -- -i $pmd \
		--max-pkt-len=1518 --txpkts=$((size - 4)) < "$dir/in-bh" > "$dir/b-user.log" 2>&1 &
	pid_h=$!
	exec 4> "$dir/in-bh"
	wait_log "$dir/b-user.log" "testpmd>" "$pid_h" || { stop_all; return 1; }
	wait_log "$dir/b-vhost.log" "virtio is now ready" "$pid_d" "$dir/b-user.log" ||
		{ stop_all; return 1; }
	echo "start tx_first 8" >&4
	sleep 1
	echo "show port stats 0" >&3
	t0=$(worker_ticks "$pid_d")
	sleep "$secs"
	echo "show port stats 0" >&3
	t1=$(worker_ticks "$pid_d")
	sleep 0.5
	echo "stop" >&4
	echo "quit" >&4
	stop_pid "$pid_h"
	pid_h=""
	echo "stop" >&3
	echo "quit" >&3
	stop_pid "$pid_d"
	pid_d=""
	exec 3>&- 4>&-
	pps=$(sed -n 's/^ *Rx-pps: *\([0-9]*\).*/\1/p' "$dir/b-vhost.log" | sed -n 2p)
	if [ -z "$pps" ] || [ "$pps" -eq 0 ]; then
		echo "bench-anchor: (B) $size bytes: no traffic:" >&2
		stop_all
		sed 's/^/    /' "$dir/b-user.log" "$dir/b-vhost.log" >&2
		return 1
	fi
	grep -o 'negotiated Virtio features: 0x[0-9a-f]*' "$dir/b-vhost.log" | tail -n 1 \
		> "$dir/b-features.txt"
	res=$(mpps "$pps" 1)
	frames=$(sed -n 's/^ *RX-packets: *\([0-9]*\).*/\1/p' "$dir/b-vhost.log" | sed -n 1,2p |
		 awk 'NR == 1 { a = $1 } NR == 2 { print $1 - a }')
	res_cpu=$(per_cpu "${frames:-0}" $((t1 - t0)))
}

echo "bench-anchor: driver side on CPU $cpu_h, device side on CPU $cpu_d," \
	"$secs s per run, $runs run(s) of A then B per size, sizes: $sizes"
echo "bench-anchor: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" \
	"(other processes on these CPUs skew both A and B)"
status=0
: > "$dir/results.txt"
run=1
while [ $run -le "$runs" ]; do
	for size in $sizes; do
		a=""
		b=""
		res=""
		if run_a "$size"; then a=$res; ac=$res_cpu; else status=1; fi
		res=""
		if run_b "$size"; then b=$res; bc=$res_cpu; else status=1; fi
		if [ -n "$a" ] && [ -n "$b" ]; then
			echo "run=$run size=$size A_mpps=$a B_mpps=$b" \
				"A_mpps_per_cpu=$ac B_mpps_per_cpu=$bc"
			echo "$size $a $b $ac $bc" >> "$dir/results.txt"
		else
			echo "run=$run size=$size A_mpps=${a:-failed} B_mpps=${b:-failed}"
		fi
	done
	run=$((run + 1))
done
echo
echo "(A) net_virtio_emu in testpmd <-> dpdk-tlp-hostsim over tlp_sim, features:" \
	"$(sed -n 's/^features=//p' "$dir"/a-*.txt 2> /dev/null | head -n 1)"
echo "(B) net_vhost in testpmd <-> net_virtio_user in testpmd:" \
	"$(cat "$dir/b-features.txt" 2> /dev/null)"
echo "Mpps: frames the device side forwards per second (each one round trip)," \
	"256 in flight, one CPU per side; medians over the runs. Per device CPU" \
	"second: the same frames over the CPU time the device side's forwarding" \
	"lcore got (what the figure would be with its CPU to itself)."
echo "Target A/B >= 1.1 at both sizes (not asserted). Load average after:" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
for size in $sizes; do
	awk -v s="$size" 'BEGIN { n = 0 }
	$1 == s { a[n] = $2; b[n] = $3; ac[n] = $4; bc[n] = $5; n++ }
	function med(v, n,   i, j, t) {
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
	}
	END {
		if (n == 0) { printf "size=%s no complete run\n", s; exit }
		ma = med(a, n); mb = med(b, n); mac = med(ac, n); mbc = med(bc, n)
		printf "size=%s A_mpps=%.3f B_mpps=%.3f A/B=%.2f", s, ma, mb, (mb > 0 ? ma / mb : 0)
		printf " | per device CPU second: A=%.3f B=%.3f A/B=%.2f\n", mac, mbc,
			(mbc > 0 ? mac / mbc : 0)
	}' "$dir/results.txt"
done
exit $status
