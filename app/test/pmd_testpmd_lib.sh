# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# Shared by the shell tests that run net_virtio_emu in Debian's dpdk-testpmd
# (sourced, not run). A test starts with
#   . "$(dirname "$0")/pmd_testpmd_lib.sh"
#   pmd_test_init <name stem> "$@"      (its arguments: <build dir> <dpdk-tlp-hostsim>
#   trap pmd_cleanup EXIT                [dpdk-testpmd])
# Optional globals: lcores (EAL lcore arguments, default "-l 0,1"), more (more
# EAL arguments, e.g. a second --vdev), sock_fixed (the link's socket path
# instead of a new one per start: a restarted device on the same link),
# own_link (non-empty: no tlp_sim vdev, the port creates its link itself with
# its devarg sim=; <tlp_sim args> of start_testpmd are then ignored).

# pmd_test_init <stem> <build dir> <hostsim> [testpmd]: sets build, hostsim,
# testpmd, dir (a new temp dir), prefix (EAL file-prefix stem), pid, fail, n;
# the environment that loads our PMDs; skips (77) without testpmd.
pmd_test_init() {
	build=$(cd "$2" && pwd)
	hostsim=$3
	testpmd=${4:-/usr/bin/dpdk-testpmd}
	if [ ! -x "$testpmd" ]; then
		echo "skip: no $testpmd"
		exit 77
	fi
	dir=$(mktemp -d "/tmp/$1.XXXXXX")
	prefix="$1-$$"
	pid=""
	fail=0
	n=0
	more=${more:-}
	lcores=${lcores:-}
	# The PMDs are loaded by soname: -d refuses paths under world-writable
	# directories.
	LD_LIBRARY_PATH="$build/lib/tlpdev:$build/lib/pcifn:$build/lib/virtio_emu"
	LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$build/drivers/tlpdev/sim:$build/drivers/net/virtio_emu"
	export LD_LIBRARY_PATH
	# A sanitizer build: Debian's testpmd is not instrumented, so the sanitizer
	# runtimes must be loaded first. Leaks are not checked here (testpmd's own
	# allocations at exit are not ours; the unit tests check ours).
	pmd_so="$build/drivers/net/virtio_emu/librte_net_virtio_emu.so"
	asan=$(ldd "$pmd_so" 2> /dev/null | awk '/libasan\.so/ { print $3 }')
	if [ -n "$asan" ]; then
		ubsan=$(ldd "$pmd_so" 2> /dev/null | awk '/libubsan\.so/ { print $3 }')
		LD_PRELOAD="$asan${ubsan:+:$ubsan}"
		export LD_PRELOAD
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
		export ASAN_OPTIONS
	fi
}

# stop_device: SIGINT to testpmd, wait for it, close its stdin.
stop_device() {
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		kill -INT "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
	fi
	exec 3>&-
	pid=""
}

# pmd_cleanup: for the caller's EXIT trap.
pmd_cleanup() {
	stop_device
	rm -rf "$dir" "/var/run/dpdk/$prefix" "/var/run/dpdk/$prefix"-*
}

# start_testpmd <forward mode> <tlp_sim args> <net_virtio_emu args> <testpmd args...>
# Sets sock (the link's socket), log (testpmd's output), mode, sargs, vargs.
start_testpmd() {
	n=$((n + 1))
	sock="${sock_fixed:-$dir/link$n.sock}"
	log="$dir/testpmd$n.log"
	mode=$1
	sargs=$2
	vargs=$3
	shift 3
	# stdin stays open (a FIFO held by fd 3): non-interactive testpmd exits
	# when it reads end of file. Line-buffered stdout, to see "Press enter to
	# exit" once forwarding runs.
	rm -f "$dir/stdin"
	mkfifo "$dir/stdin"
	if [ -n "${own_link:-}" ]; then
		vdevs="--vdev net_virtio_emu0,sim=$sock$vargs"
	else
		vdevs="--vdev tlp_sim0,path=$sock$sargs"
		vdevs="$vdevs --vdev net_virtio_emu0,tlpdev=tlp_sim0$vargs"
	fi
	# shellcheck disable=SC2086
	stdbuf -oL "$testpmd" ${lcores:--l 0,1} --no-huge -m 1024 --no-pci --no-telemetry \
		--file-prefix "$prefix-$n" --log-level=lib.eal:error \
		-d librte_tlpdev_sim.so -d librte_net_virtio_emu.so $vdevs $more -- \
		--total-num-mbufs=8192 --no-mlockall --forward-mode="$mode" --auto-start \
		--disable-link-check --stats-period 0 "$@" < "$dir/stdin" > "$log" 2>&1 &
	pid=$!
	exec 3> "$dir/stdin"
	i=0
	while ! grep -q "Press enter to exit" "$log" 2> /dev/null && [ $i -lt 400 ]; do
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if ! grep -q "Press enter to exit" "$log"; then
		echo "FAIL: testpmd did not start forwarding:"
		sed 's/^/    /' "$log"
		fail=1
		return 1
	fi
	return 0
}

# stop_testpmd [drops-allowed]: SIGINT; testpmd must exit cleanly and, unless
# drops are allowed, must not have dropped a frame.
stop_testpmd() {
	stop_device
	if ! grep -q "Bye" "$log"; then
		echo "FAIL: testpmd did not exit cleanly:"
		sed 's/^/    /' "$log"
		fail=1
	elif [ -z "${1:-}" ] && grep -q "RX-dropped: [1-9]\|TX-dropped: [1-9]" "$log"; then
		echo "FAIL: testpmd dropped frames:"
		sed 's/^/    /' "$log"
		fail=1
	fi
}

# testpmd_total <field>: a figure of testpmd's final "all ports" block
# (RX-packets, RX-dropped, RX-total, TX-packets, TX-dropped, TX-total).
testpmd_total() {
	sed -n '/Accumulated forward statistics for all ports/,$p' "$log" |
		tr -s ' ' '\n' | awk -v k="$1:" 'p { print; exit } $0 == k { p = 1 }'
}
