#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# net_virtio_emu in Debian's dpdk-testpmd, end to end: testpmd forwards
# (io: every frame goes back out of the port it came in, a loopback) what
# "dpdk-tlp-hostsim traffic" (the host's virtio-net driver) sends over the
# software link; the host verifies each frame. No service core: the PMD does
# its control work from Rx queue 0.
# usage: test_pmd_testpmd.sh <build dir> <dpdk-tlp-hostsim> [dpdk-testpmd]

set -u

hargs=""
more=""
lcores=""
. "$(dirname "$0")/pmd_testpmd_lib.sh"
pmd_test_init tlpemu-pmd "$@"
trap pmd_cleanup EXIT

# run <count> <traffic args...>
run() {
	count=$1
	shift
	out="$dir/traffic.txt"
	# shellcheck disable=SC2086
	"$hostsim" traffic --socket "$sock" $hargs --count "$count" "$@" > "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^result=ok$" "$out" &&
	   grep -q "^verified=$count$" "$out" && grep -q "^lost=0$" "$out"; then
		echo "ok: $mode$sargs$vargs: $* ($(grep '^mpps=' "$out"))"
	else
		echo "FAIL: $mode$sargs$vargs: $* (exit $rc)"
		sed 's/^/    /' "$out"
		fail=1
	fi
}

# Split and packed rings, sizes, chained frames, interrupts.
if start_testpmd io "" ""; then
	run 20000 --size 64
	run 20000 --size 1518
	run 20000 --size 64-1518 --tx-segs 3
	run 20000 --packed --size 64
	run 20000 --packed --size 64-1518 --no-event-idx
	run 20000 --no-mrg-rxbuf --no-indirect
	run 2000 --irq
	stop_testpmd
fi

# Two queue pairs, both polled by one lcore, each on its own link queue.
hargs="--queues 3"
if start_testpmd io ",queues=3" ",queues=2" --rxq=2 --txq=2; then
	run 20000 --pairs 2 --size 64-1518
	run 20000 --packed --pairs 2 --promisc
	stop_testpmd
fi
hargs=""

# The link's DMA as TLPs (the path of hardware without a host mapping).
# Completion timeouts of 500 ms on both sides: the machine may be busy.
hargs="--cpl-timeout-ms 500"
if start_testpmd io ",dma=tlp,cpl_timeout_ms=500" ""; then
	run 2000 --size 64-1518
	run 2000 --packed --size 64
	stop_testpmd
fi
hargs=""

# DMA as TLPs with two queue pairs, each on its own link queue; a service
# lcore does the control work (see test_pmd_lifecycle.sh). Completion
# timeouts of 500 ms on both sides: the machine running the tests may be busy.
hargs="--queues 3 --cpl-timeout-ms 500"
lcores="--lcores 0@0,1@1,2@0 -s 0x2"
if start_testpmd io ",queues=3,dma=tlp,cpl_timeout_ms=500" ",queues=2" --rxq=2 --txq=2; then
	run 4000 --pairs 2 --size 64-1518
	run 2000 --pairs 2 --packed --size 64
	stop_testpmd
fi
hargs=""
lcores=""

# The same without a service lcore: rx_burst of queue 0 does the control work,
# which may wait on data-queue DMA while the host waits on a register read; the
# host answers DMA on every queue meanwhile (sync_serves_all), as a root complex does.
hargs="--queues 3 --cpl-timeout-ms 500"
if start_testpmd io ",queues=3,dma=tlp,cpl_timeout_ms=500" ",queues=2" --rxq=2 --txq=2; then
	run 2000 --pairs 2 --size 64-1518
	stop_testpmd
fi
hargs=""

# The port creates its own link (devarg sim=, one link queue per pair plus
# one): no tlp_sim vdev on the command line; DMA as TLPs with sim_dma=tlp.
own_link=1
hargs="--queues 3"
if start_testpmd io "" ",queues=2" --rxq=2 --txq=2; then
	run 20000 --pairs 2 --size 64-1518
	stop_testpmd
fi
hargs="--queues 2 --cpl-timeout-ms 500"
if start_testpmd io "" ",sim_dma=tlp" ; then
	run 2000 --packed --size 64-1518
	stop_testpmd
fi
own_link=""
hargs=""

# Jumbo frames: chains of mbufs both ways, merged receive buffers on the host.
if start_testpmd io "" ",mtu=9000,packed=0" --max-pkt-len=9018; then
	run 500 --mtu 9000 --size 9018
	run 500 --mtu 9000 --size 64-9018 --no-mrg-rxbuf
	stop_testpmd
fi

# macswap: the host checks the frames come back (with their MACs swapped).
if start_testpmd macswap "" ",mac=02:12:34:56:78:9a,features=0x300010020"; then
	run 5000 --size 64-1518 --no-mrg-rxbuf
	stop_testpmd
fi

# Two functions on one link, each port forwarding to itself.
more="--vdev net_virtio_emu1,tlpdev=tlp_sim0,mac=02:00:00:00:00:02"
if start_testpmd io "" "" --port-topology=loop; then
	run 20000 --fn 0 --size 64-1518
	run 20000 --fn 1 --packed --size 64-1518
	stop_testpmd
fi
more=""

# Bad devargs: refused with the bad value named.
bad() {
	out="$dir/bad.txt"
	"$testpmd" -l 0 --no-huge -m 256 --no-pci --no-telemetry --file-prefix "tlpemu-pmd-$$" \
		-d librte_tlpdev_sim.so -d librte_net_virtio_emu.so \
		--vdev "tlp_sim0,path=$dir/bad.sock" --vdev "net_virtio_emu0,$1" -- \
		--no-mlockall --total-num-mbufs=2048 < /dev/null > "$out" 2>&1
	if grep -q -- "$2" "$out" && ! grep -q "Press enter" "$out"; then
		echo "ok: refused $1"
	else
		echo "FAIL: not refused as expected ($2): $1"
		sed 's/^/    /' "$out"
		fail=1
	fi
}
bad "tlpdev=tlp_sim0,queues=0" "queues=0"
bad "tlpdev=tlp_sim0,colour=blue" "unknown devarg 'colour'"
bad "tlpdev=tlp_sim0,mac=01:00:00:00:00:01" "mac=01:00:00:00:00:01"
bad "tlpdev=tlp_sim0,queue_size=100" "queue_size=100"
bad "tlpdev=tlp_sim0,features=zz" "features=zz"
bad "tlpdev=tlp_sim0,tx_drop_full=2" "tx_drop_full=2"
bad "tlpdev=tlp_sim0,port_mac=00:00:00:00:00:00" "port_mac=00:00:00:00:00:00"
long=$(printf "%0300d" 0)
bad "tlpdev=tlp_sim0,state=/tmp/$long" "path too long"
bad "tlpdev=nosuch" "tlpdev=nosuch"
bad "tlpdev=tlp_sim0,sim=$dir/x.sock" "tlpdev tlp_sim0 exists already"
bad "tlpdev=tlp_sim0,sim_dma=tlp" "sim_dma without sim"
bad "queues=1" "tlpdev=<name> (or sim=<socket path>) is required"
exit $fail
