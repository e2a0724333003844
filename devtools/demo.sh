#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# The demo: install what is missing, build, then run the main job on the
# software PCIe link and print a summary.
#
# Two parts, each with the host and the device process on a core of their own:
# 1. TLP round trips: dpdk-tlp-hostsim (the host: root complex and host memory)
#    sends config and memory read requests over the software link to
#    examples/tlp_responder (a DPDK application presenting an emulated PCI
#    function, lib/pcifn, on a tlp_sim tlpdev).
# 2. virtio-net: "dpdk-tlp-hostsim traffic" (the host's virtio-net driver)
#    enumerates examples/vnet_loopback (lib/virtio_emu's virtio-net function),
#    negotiates, sends frames and verifies every one the device sends back,
#    for split and packed rings, 64 and 1518 byte frames.
#
# Environment: TLPEMU_DEMO_ARGS adds arguments to "dpdk-tlp-hostsim bench-rtt".

set -eu

cd "$(dirname "$0")/.."

devtools/setup.sh
if [ ! -f build/build.ninja ]; then
	meson setup build > build.setup.log 2>&1 || { cat build.setup.log; exit 1; }
fi
ninja -C build > build.ninja.log 2>&1 || { cat build.ninja.log; exit 1; }

ncpu=$(nproc)
host_core=0
dev_core=$((ncpu > 1 ? 1 : 0))
dir=$(mktemp -d /tmp/tlpemu-demo.XXXXXX)
sock="$dir/link.sock"
resp_pid=""
cleanup() {
	if [ -n "$resp_pid" ] && kill -0 "$resp_pid" 2> /dev/null; then
		kill -INT "$resp_pid" 2> /dev/null || true
		wait "$resp_pid" 2> /dev/null || true
	fi
	rm -rf "$dir" "/var/run/dpdk/tlpemu-demo-$$"
}
trap cleanup EXIT INT TERM

# start_device <log> <binary> <args after --...>: start a device-side app on
# its own core with a tlp_sim vdev at $sock and wait until it listens.
start_device() {
	log=$1
	bin=$2
	shift 2
	rm -f "$sock"
	"$bin" -l "$dev_core" --no-huge -m 512 --no-pci --file-prefix "tlpemu-demo-$$" \
		--log-level=lib.eal:error --vdev "tlp_sim0,path=$sock" -- "$@" > "$log" 2>&1 &
	resp_pid=$!
	i=0
	while [ ! -S "$sock" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$resp_pid" 2> /dev/null; then
			echo "demo: the device side did not come up:"
			cat "$log"
			exit 1
		fi
		sleep 0.1
	done
}

stop_device() {
	kill -INT "$resp_pid" 2> /dev/null || true
	wait "$resp_pid" 2> /dev/null || true
	resp_pid=""
}

echo "demo: part 1: dpdk-tlp-responder on core $dev_core, tlp_sim0 listening on $sock"
start_device "$dir/responder.log" build/examples/tlp_responder/dpdk-tlp-responder

echo "demo: host side: dpdk-tlp-hostsim bench-rtt on core $host_core"
rc=0
# shellcheck disable=SC2086
build/app/tlp-hostsim/dpdk-tlp-hostsim bench-rtt --socket "$sock" --core "$host_core" \
	${TLPEMU_DEMO_ARGS:-} | tee "$dir/bench.txt" || rc=$?

stop_device

echo
echo "demo: part 2: dpdk-vnet-loopback on core $dev_core," \
	"dpdk-tlp-hostsim traffic on core $host_core"
start_device "$dir/loopback.log" build/examples/vnet_loopback/dpdk-vnet-loopback
: > "$dir/traffic.txt"
for ring in split packed; do
	for size in 64 1518; do
		flag=""
		[ $ring = packed ] && flag=--packed
		printf 'virtio-net %s ring, %s-byte frames: ' "$ring" "$size"
		# shellcheck disable=SC2086
		build/app/tlp-hostsim/dpdk-tlp-hostsim traffic --socket "$sock" \
			--core "$host_core" $flag --size "$size" --duration 2 > "$dir/t.txt" 2>&1 ||
			rc=1
		grep -E '^(sent|verified|lost|mpps|gbps|result)=' "$dir/t.txt" | tr '\n' ' '
		echo
		{
			echo "$ring $size:"
			cat "$dir/t.txt"
		} >> "$dir/traffic.txt"
	done
done
stop_device

echo
echo "=== demo summary"
echo "device side:"
grep '^responder:' "$dir/responder.log" | tail -n 1 | sed 's/^/  /'
grep '^loopback: looped' "$dir/loopback.log" | tail -n 1 | sed 's/^/  /'
echo "host side, TLP round trips over the software PCIe link:"
grep -E '_(p50|p99|max)_us=|tlps_per_s=|cpl_timeouts=|errors=' "$dir/bench.txt" | sed 's/^/  /'
echo "host side, virtio-net frames sent, looped back and verified:"
awk '/^(split|packed) [0-9]+:$/ { k = $1 " " $2 } /^(verified|lost|mpps|gbps|result)=/ {
	v[k] = v[k] " " $0 } END { for (k in v) print "  " k v[k] }' "$dir/traffic.txt" | sort
if [ $rc -eq 0 ]; then
	echo "demo: OK"
else
	echo "demo: FAILED"
fi
exit $rc
