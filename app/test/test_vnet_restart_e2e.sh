#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# kill -9 of the device process under traffic, and restart (hostile-inputs
# item 37). dpdk-vnet-loopback runs with --state FILE; "dpdk-tlp-hostsim
# traffic --survive-device-restart" drives it. The device is killed
# TLPEMU_RESTART_KILLS times (default 20) at random points: odd kills
# 0.3-0.8 s after the host re-initialised the restarted device (traffic
# flowing), even kills 0-0.3 s after the device started (the host is still
# reconnecting, reading the status, resetting or negotiating), and started
# again on the same socket and state file each time. Asserted:
#  - every restarted device loaded its state file (never a torn or refused
#    file after kill -9) and raised DEVICE_NEEDS_RESET;
#  - the host saw NEEDS_RESET and a configuration interrupt, re-initialised
#    its driver and verified traffic in every run that lasted (odd kills) and
#    after the last restart; 0 corrupt, duplicate or reordered frames; frames
#    in flight at a death are counted apart (lost_restart), no other loss;
#  - a corrupt, truncated or wrong-version state file is refused with a log
#    line and the device starts clean (a fresh host enumerates and runs
#    traffic);
#  - a clean exit removes the state file.
# The machine may be shared and loaded: completions get 2 s, not 50 ms.
# usage: test_vnet_restart_e2e.sh <dpdk-vnet-loopback> <dpdk-tlp-hostsim>

set -u

lb=$1
hostsim=$2
kills=${TLPEMU_RESTART_KILLS:-20}
seed=${TLPEMU_RESTART_SEED:-$$}
dir=$(mktemp -d /tmp/tlpemu-rst.XXXXXX)
sock="$dir/link.sock"
state="$dir/state"
pid=""
hpid=""
fail=0
n=0

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		kill -9 "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
	fi
	if [ -n "$hpid" ] && kill -0 "$hpid" 2> /dev/null; then
		kill -9 "$hpid" 2> /dev/null
		wait "$hpid" 2> /dev/null
	fi
	rm -rf "$dir" /var/run/dpdk/tlpemu-rst-$$-*
}
trap cleanup EXIT

bad() {
	echo "FAIL: $*"
	fail=1
}

# start_device: a new process on the same socket and state file; waits until it serves.
start_device() {
	n=$((n + 1))
	log="$dir/device$n.log"
	: > "$log"
	"$lb" -l 0 --no-huge -m 512 --no-pci --no-telemetry --file-prefix "tlpemu-rst-$$-$n" \
		--log-level=lib.eal:error --vdev "tlp_sim0,path=$sock" -- --state "$state" \
		> "$log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q "function ready" "$log" && [ $i -lt 300 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q "function ready" "$log" || bad "device $n did not start: $(cat "$log")"
}

kill_device() {
	kill -9 "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	pid=""
}

# delay <kill number>: seconds to wait before that kill.
delay() {
	awk -v s="$seed" -v k="$1" 'BEGIN { srand(s + k); r = rand();
		if (k % 2) printf "%.3f", 0.3 + 0.5 * r; else printf "%.3f", 0.3 * r }'
}

# wait_for <file> <pattern>: up to 30 s (the machine may be loaded).
wait_for() {
	i=0
	while ! grep -q "$2" "$1" && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q "$2" "$1"
}

# key <name>: its value in the host's summary (0 when absent).
key() {
	v=$(sed -n "s/^$1=//p" "$dir/traffic.txt" | tail -n 1)
	echo "${v:-0}"
}

echo "seed=$seed kills=$kills"

# 1. kill -9 under traffic, restart, recover.
start_device
: > "$dir/traffic.err"
"$hostsim" traffic --socket "$sock" --cpl-timeout-ms 2000 --duration 2 \
	--survive-device-restart 30000 \
	--stats-interval 1 > "$dir/traffic.txt" 2> "$dir/traffic.err" &
hpid=$!
# Traffic flows (the first live figures) before the first kill.
wait_for "$dir/traffic.err" "traffic: t=" || bad "no traffic before the first kill"
k=1
while [ $k -le "$kills" ]; do
	# Odd kills: once the host has re-initialised this device (DRIVER_OK).
	if [ $((k % 2)) -eq 1 ] && [ $k -gt 1 ]; then
		wait_for "$log" "driver ok" || bad "the host did not re-initialise device $n"
	fi
	sleep "$(delay $k)"
	if ! kill -0 "$hpid" 2> /dev/null; then
		bad "the host gave up before kill $k"
		break
	fi
	kill_device
	start_device
	k=$((k + 1))
done
# The last run: 2 s of traffic after the host re-initialised (--duration
# counts from the last restart).
i=0
while kill -0 "$hpid" 2> /dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$hpid" 2> /dev/null; then
	bad "the host did not finish"
	kill -9 "$hpid"
fi
wait "$hpid"
rc=$?
hpid=""
restarts=$(key restarts)
[ $rc -eq 0 ] && [ "$(key result)" = ok ] || bad "traffic exit $rc, result $(key result)"
for k in corrupt duplicate reordered lost rx_errors; do
	[ "$(key $k)" = 0 ] || bad "$k=$(key $k)"
done
[ "$(key verified)" -gt 0 ] 2> /dev/null || bad "nothing verified"
# Kills during the host's reconnect may come before it reached that device.
[ "${restarts:-0}" -ge $((kills / 2)) ] && [ "${restarts:-0}" -le "$kills" ] ||
	bad "restarts=$restarts for $kills kills"
[ "$(key restart_needs_reset)" -ge 1 ] 2> /dev/null || bad "DEVICE_NEEDS_RESET never seen"
[ $(($(key restart_needs_reset) + $(key restart_clean))) -eq "${restarts:-0}" ] ||
	bad "a restarted device said neither NEEDS_RESET nor 0"
[ "$(key restart_config_irqs)" -ge 1 ] 2> /dev/null || bad "no configuration interrupt"
# The first run and every run killed after DRIVER_OK verified frames.
[ "$(key restart_epochs_verified)" -ge $(((kills + 1) / 2)) ] 2> /dev/null ||
	bad "traffic verified in $(key restart_epochs_verified) runs, $(((kills + 1) / 2)) lasted"
# Every restarted device loaded the state the killed one left.
restored=$(grep -l "state: restored from" "$dir"/device*.log | wc -l)
[ "$restored" -eq "$kills" ] || bad "$restored of $kills restarted devices restored their state"
if grep -q "ignored" "$dir"/device*.log; then
	bad "a state file written by a killed device was refused:"
	grep -h "ignored\|refused" "$dir"/device*.log | sed 's/^/    /'
fi
echo "recovered: restarts=$restarts needs_reset=$(key restart_needs_reset)" \
	"config_irqs=$(key restart_config_irqs) verified=$(key verified)" \
	"lost_restart=$(key lost_restart) wait_ms_max=$(key restart_wait_ms_max)"
if [ $fail -ne 0 ]; then
	sed 's/^/    /' "$dir/traffic.txt" "$dir/traffic.err"
fi

# 2. Bad state files: refused, logged, clean start; a fresh host works.
# corrupt <how>: kill the device, damage its file, start another.
corrupt() {
	kill_device
	case $1 in
	flip)
		printf 'X' | dd of="$state" bs=1 seek=2000 conv=notrunc 2> /dev/null ;;
	truncate)
		head -c 100 "$state" > "$state.cut" && mv "$state.cut" "$state" ;;
	version)
		printf '\011' | dd of="$state" bs=1 seek=4 conv=notrunc 2> /dev/null ;;
	esac
	start_device
	if grep -q "state: .* ignored" "$log" && grep -q "state refused" "$log"; then
		echo "ok: $1: refused ($(grep -h 'state refused' "$log" | head -n 1))"
	else
		bad "$1: not refused: $(cat "$log")"
	fi
	"$hostsim" traffic --socket "$sock" --cpl-timeout-ms 2000 --count 2000 --stats-interval 0 \
		> "$dir/traffic.txt" 2>&1
	[ $? -eq 0 ] && [ "$(key verified)" = 2000 ] ||
		bad "$1: a fresh host on the clean device: $(cat "$dir/traffic.txt")"
}
# Let the device save a programmed state first.
"$hostsim" traffic --socket "$sock" --cpl-timeout-ms 2000 --count 1000 --stats-interval 0 \
	> "$dir/traffic.txt" 2>&1 ||
	bad "traffic before the corruption tests"
[ -s "$state" ] || bad "no state file"
corrupt flip
corrupt truncate
corrupt version

# 3. A clean exit removes the file.
kill -INT "$pid"
wait "$pid"
pid=""
[ ! -e "$state" ] || bad "state file left after a clean exit"

[ $fail -eq 0 ] && echo "ok: $kills kills under traffic recovered"
exit $fail
