#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# The whole test suite: installs what is missing, builds three trees and runs
# every suite in them, then prints "N passed, N failed".
#   build/       gcc, -Werror, debugoptimized   all suites
#   build-asan/  gcc, ASan + UBSan              all suites
#   build-fuzz/  clang, ASan + UBSan, libFuzzer targets (suite 'fuzz' smoke runs)
# Options: TLPEMU_TEST_JOBS=N (parallel tests, default: number of CPUs),
# TLPEMU_TEST_SKIP_FUZZ=1 to leave the fuzz tree out.

set -u

cd "$(dirname "$0")/.."
top=$PWD

devtools/setup.sh || exit 1

jobs=${TLPEMU_TEST_JOBS:-$(nproc)}
# Sanitizers: stop on the first UBSan report, and have leaks fail the test.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$top/devtools/lsan.supp:print_suppressions=0"

status=0
total_pass=0
total_fail=0
total_skip=0

# setup_tree <dir> <meson options...>
setup_tree() {
	d=$1
	shift
	if [ ! -f "$d/build.ninja" ]; then
		meson setup "$d" "$@" > "$d.setup.log" 2>&1 || {
			cat "$d.setup.log"
			return 1
		}
	fi
	ninja -C "$d" > "$d.ninja.log" 2>&1 || {
		cat "$d.ninja.log"
		return 1
	}
}

# run_tree <dir> [meson test args...]
run_tree() {
	d=$1
	shift
	echo "=== tests in $d"
	meson test -C "$d" --num-processes "$jobs" --print-errorlogs "$@"
	log="$d/meson-logs/testlog.json"
	[ -f "$log" ] || return 1
	p=$(grep -c '"result": "OK"' "$log")
	s=$(grep -c '"result": "SKIP"' "$log")
	f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log")
	echo "=== $d: $p passed, $f failed, $s skipped"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	[ "$f" -eq 0 ]
}

setup_tree build || status=1
setup_tree build-asan -Db_sanitize=address,undefined -Db_lundef=false || status=1
if [ "${TLPEMU_TEST_SKIP_FUZZ:-0}" != 1 ]; then
	CC=clang setup_tree build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false || status=1
fi
if [ $status -ne 0 ]; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

run_tree build || status=1
run_tree build-asan --no-suite style || status=1
if [ "${TLPEMU_TEST_SKIP_FUZZ:-0}" != 1 ]; then
	run_tree build-fuzz --suite fuzz || status=1
fi

echo "skipped: $total_skip (each skip prints its reason in the test log)"
echo "$total_pass passed, $total_fail failed"
exit $status
