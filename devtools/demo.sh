#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# The demo: install what is missing, build, then run the main job on the
# software PCIe link and print a summary.
#
# Today the main job is a TLP round-trip benchmark: dpdk-tlp-hostsim (the host:
# root complex and host memory) sends config and memory read requests over the
# software link to examples/tlp_responder (a DPDK application presenting an
# emulated PCI function, lib/pcifn, on a tlp_sim tlpdev), each process on its
# own core.
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
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

echo "demo: device side: dpdk-tlp-responder on core $dev_core, tlp_sim0 listening on $sock"
build/examples/tlp_responder/dpdk-tlp-responder -l "$dev_core" --no-huge -m 256 --no-pci \
	--file-prefix "tlpemu-demo-$$" --log-level=lib.eal:error \
	--vdev "tlp_sim0,path=$sock" -- > "$dir/responder.log" 2>&1 &
resp_pid=$!

# The host connects when the device listens.
i=0
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$resp_pid" 2> /dev/null; then
		echo "demo: the device side did not come up:"
		cat "$dir/responder.log"
		exit 1
	fi
	sleep 0.1
done

echo "demo: host side: dpdk-tlp-hostsim bench-rtt on core $host_core"
rc=0
# shellcheck disable=SC2086
build/app/tlp-hostsim/dpdk-tlp-hostsim bench-rtt --socket "$sock" --core "$host_core" \
	${TLPEMU_DEMO_ARGS:-} | tee "$dir/bench.txt" || rc=$?

kill -INT "$resp_pid" 2> /dev/null || true
wait "$resp_pid" 2> /dev/null || true
resp_pid=""

echo
echo "=== demo summary"
echo "device side:"
grep '^responder:' "$dir/responder.log" | tail -n 1 | sed 's/^/  /'
echo "host side (round trips over the software PCIe link):"
grep -E '_(p50|p99|max)_us=|tlps_per_s=|cpl_timeouts=|errors=' "$dir/bench.txt" | sed 's/^/  /'
if [ $rc -eq 0 ]; then
	echo "demo: OK"
else
	echo "demo: FAILED (bench-rtt exit status $rc)"
fi
exit $rc
