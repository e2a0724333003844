#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# net_virtio_emu in Debian's dpdk-testpmd with the icmpecho forwarding
# engine: "dpdk-tlp-hostsim traffic --proto icmp" (the host's virtio-net
# driver as an IPv4 host) sends ARP who-has and ICMP echo requests; testpmd
# answers them through the port; the host checks every reply field by field.
# Every request must be answered, and the ARP replies must carry the port's
# MAC address. Then the other way round: with io forwarding (requests come
# back unanswered) the host must fail.
# usage: test_pmd_icmpecho.sh <build dir> <dpdk-tlp-hostsim> [dpdk-testpmd]

set -u

. "$(dirname "$0")/pmd_testpmd_lib.sh"
pmd_test_init tlpemu-icmp "$@"
trap pmd_cleanup EXIT
mac=02:12:34:56:78:9a
# The port answers with its own address (devarg port_mac), never the host's:
# by default the host's with the top bit of the second byte flipped.
peer=02:92:34:56:78:9a

# key <name>: the value of name=... in the host's summary.
key() {
	sed -n "s/^$1=//p" "$dir/traffic.txt" | tail -n 1
}

# run_ping <count> <traffic args...>: every ARP and echo request answered and checked.
run_ping() {
	count=$1
	shift
	"$hostsim" traffic --socket "$sock" --queues 3 --proto icmp --count "$count" \
		--stats-interval 0 "$@" > "$dir/traffic.txt" 2>&1
	rc=$?
	arp=$((count / 16 + (count % 16 != 0)))
	if [ $rc -eq 0 ] && [ "$(key result)" = ok ] && [ "$(key verified)" = "$count" ] &&
	   [ "$(key lost)" = 0 ] && [ "$(key arp_requests)" = "$arp" ] &&
	   [ "$(key arp_replies)" = "$arp" ] &&
	   [ "$(key echo_requests)" = $((count - arp)) ] &&
	   [ "$(key echo_replies)" = $((count - arp)) ] && [ "$(key peer_mac)" = "$peer" ]; then
		echo "ok: icmpecho$vargs: $*: $(key arp_replies) ARP and" \
			"$(key echo_replies) echo replies checked"
	else
		echo "FAIL: icmpecho$vargs: $* (exit $rc)"
		sed 's/^/    /' "$dir/traffic.txt"
		fail=1
	fi
}

if start_testpmd icmpecho ",queues=3" ",mac=$mac"; then
	run_ping 20000 --size 64
	run_ping 20000 --size 64-1518
	run_ping 5000 --packed --size 64-1518 --no-event-idx
	run_ping 5000 --no-mrg-rxbuf --size 1518
	run_ping 1000 --irq
	stop_testpmd
fi

# Two queue pairs: each pair's requests answered on that pair.
peer=02:aa:bb:cc:dd:ee
if start_testpmd icmpecho ",queues=3" ",mac=$mac,queues=2,port_mac=$peer" --rxq=2 --txq=2; then
	run_ping 20000 --pairs 2 --size 64-1518
	stop_testpmd
fi

# The checks can fail: io forwarding returns the requests themselves.
if start_testpmd io ",queues=3" ",mac=$mac"; then
	"$hostsim" traffic --socket "$sock" --queues 3 --proto icmp --count 100 \
		--stats-interval 0 --drain-ms 200 > "$dir/traffic.txt" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(key result)" = fail ] && [ "$(key arp_replies)" = 0 ] &&
	   [ "$(key bad_eth)" = 1 ] && [ "$(key peer_mac)" = unknown ]; then
		echo "ok: io forwarding: the returned ARP request is not taken for a reply"
	else
		echo "FAIL: io forwarding: the host accepted its own requests (exit $rc)"
		sed 's/^/    /' "$dir/traffic.txt"
		fail=1
	fi
	stop_testpmd
fi

# macswap: the returned ARP request comes to the host's MAC, but is no reply.
if start_testpmd macswap ",queues=3" ",mac=$mac"; then
	"$hostsim" traffic --socket "$sock" --queues 3 --proto icmp --count 100 \
		--stats-interval 0 --drain-ms 200 > "$dir/traffic.txt" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(key result)" = fail ] && [ "$(key bad_arp)" = 1 ]; then
		echo "ok: macswap: an ARP request sent back is not taken for a reply"
	else
		echo "FAIL: macswap: the host accepted its own request (exit $rc)"
		sed 's/^/    /' "$dir/traffic.txt"
		fail=1
	fi
	stop_testpmd
fi
exit $fail
