#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# net_virtio_emu in Debian's dpdk-testpmd (io forwarding, no service core)
# while the host misbehaves the way hosts do:
#  - its driver resets the device, FLRs the function or resets single queues
#    mid-traffic (split and packed, re-initialising with other queue sizes
#    and the other ring layout): no crash, traffic resumes after each event,
#    and every frame is accounted for on both sides: the host's sent frames
#    are verified or lost at a reset (never corrupt or lost otherwise), and
#    testpmd's received frames were sent or counted as dropped;
#  - the host process is killed (SIGKILL) under traffic and a new one
#    starts: the port goes link-down and back up (LSC events), the new host
#    enumerates from scratch and its frames all come back.
# usage: test_pmd_resilience.sh <build dir> <dpdk-tlp-hostsim> [dpdk-testpmd]

set -u

hpid=""
. "$(dirname "$0")/pmd_testpmd_lib.sh"
pmd_test_init tlpemu-pmdres "$@"
cleanup() {
	if [ -n "$hpid" ]; then
		kill -9 "$hpid" 2> /dev/null
		wait "$hpid" 2> /dev/null
	fi
	pmd_cleanup
}
trap cleanup EXIT

# key <file> <name>: the value of name=... in a host summary.
key() {
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# events <count> <what> <traffic args...>: traffic with reset events; every
# frame verified or lost at a reset, none corrupt, duplicated or reordered.
events() {
	count=$1
	what=$2
	shift 2
	out="$dir/traffic$n.txt"
	"$hostsim" traffic --socket "$sock" --count "$count" --stats-interval 0 \
		--cpl-timeout-ms 500 "$@" > "$out" 2>&1
	rc=$?
	v=$(key "$out" verified)
	l=$(key "$out" lost_at_reset)
	e=$(key "$out" "$what")
	if [ $rc -eq 0 ] && [ "$(key "$out" result)" = ok ] && [ "$(key "$out" lost)" = 0 ] &&
	   [ "$(key "$out" corrupt)" = 0 ] && [ "$(key "$out" duplicate)" = 0 ] &&
	   [ $((v + l)) -eq "$count" ] && [ "${e:-0}" -ge 2 ] && [ "$v" -gt 0 ]; then
		echo "ok: $mode$vargs: $*: $what=$e verified=$v lost_at_reset=$l" \
			"reset_max_ms=$(key "$out" reset_max_ms)"
	else
		echo "FAIL: $mode$vargs: $* (exit $rc)"
		sed 's/^/    /' "$out"
		fail=1
	fi
}

# device_accounts: testpmd's received frames were all sent or counted dropped.
device_accounts() {
	rx=$(testpmd_total RX-packets)
	tx=$(testpmd_total TX-total)
	if [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$rx" = "$tx" ]; then
		echo "ok: testpmd accounts for every frame: rx=$rx" \
			"tx=$(testpmd_total TX-packets) dropped=$(testpmd_total TX-dropped)"
	else
		echo "FAIL: testpmd's counters do not add up (rx=$rx tx_total=$tx)"
		sed 's/^/    /' "$log"
		fail=1
	fi
}

# Resets, FLRs and queue resets of one host run, split then packed.
if start_testpmd io "" ""; then
	events 6000 resets --reset-every 700
	events 6000 resets --packed --reset-every 700 --reinit-vary
	events 6000 flrs --flr-every 900
	events 6000 flrs --packed --flr-every 900
	stop_testpmd drops-allowed
	device_accounts
fi

# The host process killed under traffic, then a new host.
if start_testpmd io "" ""; then
	out="$dir/killed.txt"
	"$hostsim" traffic --socket "$sock" --duration 30 --stats-interval 0 > "$out" 2>&1 &
	hpid=$!
	i=0
	while [ "$(grep -c "link state change event" "$log")" -lt 1 ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	sleep 0.3
	kill -9 "$hpid"
	wait "$hpid" 2> /dev/null
	hpid=""
	i=0
	while [ "$(grep -c "link state change event" "$log")" -lt 2 ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if grep -q "link down.*host hung up" "$log" &&
	   [ "$(grep -c "link state change event" "$log")" -ge 2 ]; then
		echo "ok: host killed: link down seen by the device, LSC raised"
	else
		echo "FAIL: host killed: no link-down / LSC in testpmd's log"
		sed 's/^/    /' "$log"
		fail=1
	fi
	out="$dir/after.txt"
	"$hostsim" traffic --socket "$sock" --count 20000 --packed --stats-interval 0 \
		> "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ "$(key "$out" result)" = ok ] &&
	   [ "$(key "$out" verified)" = 20000 ] && [ "$(key "$out" lost)" = 0 ] &&
	   [ "$(grep -c "link state change event" "$log")" -ge 3 ]; then
		echo "ok: a new host after the kill: link up again, 20000 frames verified"
	else
		echo "FAIL: a new host after the kill (exit $rc)"
		sed 's/^/    /' "$out" "$log"
		fail=1
	fi
	stop_testpmd drops-allowed
	device_accounts
fi

# The device process (testpmd) killed under traffic and started again with
# the same devargs: the function's state (devarg state=) brings back what the
# host programmed, DEVICE_NEEDS_RESET tells the host driver to re-initialise,
# and traffic resumes without the host re-enumerating.
sock_fixed="$dir/restart.sock"
state="$dir/fn.state"
if start_testpmd io "" ",state=$state"; then
	out="$dir/restart.txt"
	"$hostsim" traffic --socket "$sock" --duration 2 --survive-device-restart 20000 \
		--cpl-timeout-ms 500 --stats-interval 1 > "$out" 2> "$dir/restart.err" &
	hpid=$!
	i=0
	while ! grep -q "traffic: t=" "$dir/restart.err" 2> /dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 "$pid"
	wait "$pid" 2> /dev/null
	pid=""
	exec 3>&-
	if [ -f "$state" ]; then
		echo "ok: the killed device left its state file"
	else
		echo "FAIL: no state file after the kill"
		fail=1
	fi
	if start_testpmd io "" ",state=$state"; then
		wait "$hpid"
		rc=$?
		hpid=""
		if [ $rc -eq 0 ] && [ "$(key "$out" result)" = ok ] &&
		   [ "$(key "$out" restarts)" = 1 ] &&
		   [ "$(key "$out" restart_needs_reset)" = 1 ] &&
		   [ "$(key "$out" corrupt)" = 0 ] && [ "$(key "$out" duplicate)" = 0 ] &&
		   [ "$(key "$out" restart_epochs_verified)" -ge 1 ] &&
		   grep -q "state: restored from .*needs a reset" "$log"; then
			echo "ok: device restarted: NEEDS_RESET, host re-initialised," \
				"verified=$(key "$out" verified)" \
				"lost_restart=$(key "$out" lost_restart)"
		else
			echo "FAIL: device restart (host exit $rc)"
			sed 's/^/    /' "$out" "$dir/restart.err" "$log"
			fail=1
		fi
		stop_testpmd drops-allowed
		if [ -e "$state" ]; then
			echo "FAIL: dev_close left the state file"
			fail=1
		fi
	fi
fi
exit $fail
