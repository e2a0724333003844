#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# virtio-net end to end over the software link, with the real binaries:
# dpdk-vnet-loopback (device side: lib/pcifn + lib/virtio_emu on a tlp_sim
# vdev) returns every frame that "dpdk-tlp-hostsim traffic" (the host's
# virtio-net driver) sends; the host verifies each one. A matrix of ring
# layouts, features, queue pairs, frame sizes and interrupt modes, in both
# DMA modes of the link (direct mapping and DMA as TLPs).
# usage: test_vnet_e2e.sh <dpdk-vnet-loopback> <dpdk-tlp-hostsim>

set -u

. "$(dirname "$0")/vnet_loopback_lib.sh"
vnet_test_init tlpemu-vnet "$@"
trap vnet_cleanup EXIT

start_device() {
	start_loopback ",dma=$1" --pairs 2 --mtu 9000
}

# run <count> <traffic args...>
run() {
	count=$1
	shift
	out="$dir/traffic.txt"
	"$hostsim" traffic --socket "$sock" --count "$count" "$@" > "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^result=ok$" "$out" &&
	   grep -q "^verified=$count$" "$out" && grep -q "^lost=0$" "$out"; then
		echo "ok: $dma: $* ($(grep '^mpps=' "$out"))"
	else
		echo "FAIL: $dma: $* (exit $rc)"
		sed 's/^/    /' "$out"
		fail=1
	fi
}

for dma in map tlp; do
	start_device $dma
	if [ "$dma" = map ]; then
		big=20000
	else
		big=2000
	fi
	run $big --size 64
	run $big --size 1518
	run $big --packed --size 64
	run $big --packed --size 64-1518
	run $big --no-mrg-rxbuf --no-event-idx --no-indirect
	run $big --packed --no-event-idx --tx-segs 3
	run $big --tx-segs 3
	run $big --pairs 2 --promisc --vlan 7
	run $big --packed --pairs 2 --allmulti
	run 500 --mtu 9000 --size 9018
	run 500 --packed --mtu 9000 --size 9018 --no-mrg-rxbuf
	run 2000 --intx --irq
	run 2000 --irq
	stop_device
	if ! grep -q "tx_dropped=0 rx_dropped=0" "$dir/device$n.log"; then
		echo "FAIL: $dma: the device dropped frames:"
		sed 's/^/    /' "$dir/device$n.log"
		fail=1
	fi
done
exit $fail
