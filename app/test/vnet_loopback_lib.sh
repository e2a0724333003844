# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# Shared by the shell tests that run dpdk-vnet-loopback against
# "dpdk-tlp-hostsim traffic" (sourced, not run). A test starts with
#   . "$(dirname "$0")/vnet_loopback_lib.sh"
#   vnet_test_init <name stem> "$@"     (its arguments: <loopback> <hostsim>)
#   trap vnet_cleanup EXIT

# vnet_test_init <stem> <dpdk-vnet-loopback> <dpdk-tlp-hostsim>: sets lb,
# hostsim, dir (a new temp dir), prefix (EAL file-prefix stem), pid, fail, n.
vnet_test_init() {
	lb=$2
	hostsim=$3
	dir=$(mktemp -d "/tmp/$1.XXXXXX")
	prefix="$1-$$"
	pid=""
	fail=0
	n=0
}

# stop_device: SIGINT to the loopback, wait for it.
stop_device() {
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		kill -INT "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
	fi
	pid=""
}

# vnet_cleanup: for the caller's EXIT trap.
vnet_cleanup() {
	stop_device
	rm -rf "$dir" "/var/run/dpdk/$prefix"-*
}

# start_loopback <tlp_sim args> <loopback args...>: a new loopback on a new
# link socket ($sock), its output in $dir/device$n.log; returns once it listens.
start_loopback() {
	n=$((n + 1))
	sock="$dir/link$n.sock"
	sargs=$1
	shift
	"$lb" -l 0 --no-huge -m 512 --no-pci --no-telemetry --file-prefix "$prefix-$n" \
		--log-level=lib.eal:error --vdev "tlp_sim0,path=$sock$sargs" -- "$@" \
		> "$dir/device$n.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
