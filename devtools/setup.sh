#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# Install what the build, the demo and the tests need, from Debian 12
# (bookworm) packages only, then fetch DPDK's driver-SDK headers into
# build-sdk/. Installs only what is missing; needs root when it installs.

set -eu

cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config meson ninja-build python3-pyelftools
dpdk dpdk-dev libdpdk-dev rdma-core libibverbs-dev
clang llvm libclang-rt-14-dev xz-utils procps"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq -t bookworm --no-install-recommends $missing > /dev/null
fi

devtools/get-dpdk-sdk-headers.sh "$PWD/build-sdk"
