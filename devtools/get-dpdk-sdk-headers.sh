#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# Debian's libdpdk-dev ships the application headers only. Drivers need DPDK's
# driver-SDK headers too; take them from Debian's source package of exactly
# the installed libdpdk-dev version and put them in <outdir>/include.
#
# usage: get-dpdk-sdk-headers.sh <outdir>   (headers in <outdir>/include,
# PMD-info generator scripts in <outdir>/buildtools)
# The downloaded source is cached in <outdir>/src; nothing is written to the
# source tree. Needs root only when no deb-src entry exists yet.

set -eu

out=${1:?usage: $0 <outdir>}
headers="lib/eal/include/bus_driver.h lib/eal/include/dev_driver.h
lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h lib/ethdev/ethdev_pci.h
drivers/bus/vdev/bus_vdev_driver.h drivers/bus/pci/bus_pci_driver.h
buildtools/pmdinfogen.py buildtools/coff.py buildtools/gen-pmdinfo-cfile.py"

ver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) || {
	echo "libdpdk-dev is not installed" >&2
	exit 1
}
stamp="$out/include/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
	exit 0
fi

# A deb-src entry for bookworm, derived from the machine's own Debian source.
have_src() {
	apt-get source --print-uris "dpdk=$ver" 2>/dev/null | grep -q "\.orig\.tar"
}
if ! have_src; then
	src=/etc/apt/sources.list.d/debian.sources
	dst=/etc/apt/sources.list.d/tlpemu-deb-src.sources
	if [ ! -f "$src" ]; then
		echo "no deb-src entry for dpdk and no $src to derive one from" >&2
		exit 1
	fi
	# Keep the first stanza's URIs and key: that is the main archive.
	awk 'BEGIN { RS = ""; FS = "\n" } NR == 1 {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^URIs:/ || $i ~ /^Signed-By:/)
				print $i
		}
	}' "$src" > "$dst.tmp"
	{
		echo "Types: deb-src"
		cat "$dst.tmp"
		echo "Suites: bookworm bookworm-updates"
		echo "Components: main"
	} > "$dst"
	rm -f "$dst.tmp"
	apt-get update -qq
fi

mkdir -p "$out/src" "$out/include"
cd "$out/src"
# The orig tarball holds the upstream sources; Debian's patches do not touch
# these headers.
if ! ls ./*.orig.tar.* > /dev/null 2>&1; then
	apt-get source --download-only -qq "dpdk=$ver"
fi
tarball=$(ls ./*.orig.tar.* | head -n 1)
top=$(tar -tf "$tarball" | head -n 1 | cut -d/ -f1)
paths=""
for h in $headers; do
	paths="$paths $top/$h"
done
# shellcheck disable=SC2086
tar -xf "$tarball" $paths
mkdir -p "$out/buildtools"
for h in $headers; do
	case "$h" in
	*.py) cp "$top/$h" "$out/buildtools/" ;;
	*) cp "$top/$h" "$out/include/" ;;
	esac
done
rm -rf "${top:?}"
echo "$ver" > "$stamp"
echo "DPDK $ver driver-SDK headers in $out/include"
