#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# The demo: install what is missing, build, then run the main job on the
# software PCIe link and print a summary.
#
# Three parts, each with the host and the device process on a core of their own:
# 1. TLP round trips: dpdk-tlp-hostsim (the host: root complex and host memory)
#    sends config and memory read requests over the software link to
#    examples/tlp_responder (a DPDK application presenting an emulated PCI
#    function, lib/pcifn, on a tlp_sim tlpdev).
# 2. virtio-net: "dpdk-tlp-hostsim traffic" (the host's virtio-net driver)
#    enumerates examples/vnet_loopback (lib/virtio_emu's virtio-net function),
#    negotiates, sends frames and verifies every one the device sends back,
#    for split and packed rings, 64 and 1518 byte frames.
# 3. dpdk-testpmd: Debian's /usr/bin/dpdk-testpmd with --no-huge loads our
#    PMD (net_virtio_emu, on a tlp_sim tlpdev) and forwards what the host's
#    virtio-net driver sends: io (frames back unchanged), macswap (MAC
#    addresses swapped) and icmpecho (ARP and ICMP echo requests from
#    "dpdk-tlp-hostsim traffic --proto icmp" answered); the host verifies
#    every frame and prints its summary.
#
# Environment: TLPEMU_DEMO_ARGS adds arguments to "dpdk-tlp-hostsim bench-rtt";
# TLPEMU_DEMO_BUILD: the build directory (default build).

set -eu

cd "$(dirname "$0")/.."

build=${TLPEMU_DEMO_BUILD:-build}
devtools/setup.sh
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" > "$build.setup.log" 2>&1 || { cat "$build.setup.log"; exit 1; }
fi
ninja -C "$build" > "$build.ninja.log" 2>&1 || { cat "$build.ninja.log"; exit 1; }
build=$(cd "$build" && pwd)
hostsim="$build/app/tlp-hostsim/dpdk-tlp-hostsim"
testpmd=/usr/bin/dpdk-testpmd

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
	exec 3>&-
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

# start_testpmd <log> <forward mode> <net_virtio_emu devargs>: Debian's
# testpmd, our PMDs loaded by soname (-d refuses paths under world-writable
# directories, so LD_LIBRARY_PATH finds them), its main and forwarding lcores
# on the device core; stdin held open by fd 3 (it exits at end of file).
start_testpmd() {
	log=$1
	rm -f "$sock" "$dir/stdin"
	mkfifo "$dir/stdin"
	LD_LIBRARY_PATH="$libs" stdbuf -oL "$testpmd" --lcores "0@$dev_core,1@$dev_core" \
		--no-huge -m 512 --no-pci --no-telemetry --file-prefix "tlpemu-demo-$$" \
		--log-level=lib.eal:error -d librte_tlpdev_sim.so -d librte_net_virtio_emu.so \
		--vdev "tlp_sim0,path=$sock" --vdev "net_virtio_emu0,tlpdev=tlp_sim0$3" -- \
		--total-num-mbufs=8192 --no-mlockall --forward-mode="$2" --auto-start \
		--disable-link-check --stats-period 0 < "$dir/stdin" > "$log" 2>&1 &
	resp_pid=$!
	exec 3> "$dir/stdin"
	i=0
	while ! grep -q "Press enter to exit" "$log" 2> /dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$resp_pid" 2> /dev/null; then
			echo "demo: dpdk-testpmd did not start forwarding:"
			cat "$log"
			exit 1
		fi
		sleep 0.1
	done
}

# stop_testpmd <log>: SIGINT; it must say goodbye and have dropped nothing.
stop_testpmd() {
	stop_device
	exec 3>&-
	if ! grep -q "^Bye" "$1" || grep -q "RX-dropped: [1-9]\|TX-dropped: [1-9]" "$1"; then
		echo "demo: dpdk-testpmd did not exit cleanly or dropped frames:"
		cat "$1"
		rc=1
	fi
}

echo "demo: part 1: dpdk-tlp-responder on core $dev_core, tlp_sim0 listening on $sock"
start_device "$dir/responder.log" "$build/examples/tlp_responder/dpdk-tlp-responder"

echo "demo: host side: dpdk-tlp-hostsim bench-rtt on core $host_core"
rc=0
# shellcheck disable=SC2086
"$hostsim" bench-rtt --socket "$sock" --core "$host_core" \
	${TLPEMU_DEMO_ARGS:-} | tee "$dir/bench.txt" || rc=$?

stop_device

echo
echo "demo: part 2: dpdk-vnet-loopback on core $dev_core," \
	"dpdk-tlp-hostsim traffic on core $host_core"
start_device "$dir/loopback.log" "$build/examples/vnet_loopback/dpdk-vnet-loopback"
: > "$dir/traffic.txt"
for ring in split packed; do
	for size in 64 1518; do
		flag=""
		[ $ring = packed ] && flag=--packed
		printf 'virtio-net %s ring, %s-byte frames: ' "$ring" "$size"
		# shellcheck disable=SC2086
		"$hostsim" traffic --socket "$sock" \
			--core "$host_core" $flag --size "$size" --duration 1 > "$dir/t.txt" 2>&1 ||
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
echo "demo: part 3: Debian's dpdk-testpmd with net_virtio_emu on core $dev_core," \
	"dpdk-tlp-hostsim traffic on core $host_core"
if [ ! -x "$testpmd" ]; then
	echo "demo: $testpmd missing (Debian package dpdk)"
	exit 1
fi
libs="$build/lib/tlpdev:$build/lib/pcifn:$build/lib/virtio_emu"
libs="$libs:$build/drivers/tlpdev/sim:$build/drivers/net/virtio_emu"
: > "$dir/testpmd.txt"
# forward mode, net_virtio_emu devargs (- for none), traffic arguments
while read -r mode vargs targs; do
	[ "$vargs" = - ] && vargs=""
	printf 'testpmd %s: ' "$mode"
	start_testpmd "$dir/testpmd-$mode.log" "$mode" "$vargs"
	# shellcheck disable=SC2086
	"$hostsim" traffic --socket "$sock" --core "$host_core" --stats-interval 0 $targs \
		< /dev/null > "$dir/t.txt" 2>&1 || rc=1
	stop_testpmd "$dir/testpmd-$mode.log"
	grep -E '^(verified|lost|mpps|arp_replies|echo_replies|result)=' "$dir/t.txt" |
		tr '\n' ' '
	echo
	grep -q '^result=ok$' "$dir/t.txt" || { cat "$dir/t.txt"; rc=1; }
	{
		echo "$mode:"
		cat "$dir/t.txt"
	} >> "$dir/testpmd.txt"
done << EOF
io - --size 64-1518 --duration 2
macswap ,mac=02:12:34:56:78:9a,features=0x300010020 --size 64-1518 --duration 2
icmpecho ,mac=02:12:34:56:78:9a --proto icmp --size 64-1518 --count 200000
EOF

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
echo "host side, frames through Debian's dpdk-testpmd (net_virtio_emu), verified:"
awk '/^[a-z]+:$/ { k = $1 } /^(verified|lost|mpps|arp_replies|echo_replies|result)=/ {
	v[k] = v[k] " " $0 } END { for (k in v) print "  " k v[k] }' "$dir/testpmd.txt" | sort
if [ $rc -eq 0 ]; then
	echo "demo: OK"
else
	echo "demo: FAILED"
fi
exit $rc
