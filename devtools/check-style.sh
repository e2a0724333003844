#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# Style checks over the C sources, headers and meson files of the tree:
#   - SPDX licence identifier in the first two lines;
#   - lines at most 100 columns (tabs count 8), no trailing white space;
#   - C indentation with tabs, not spaces;
#   - no printf, rte_panic, rte_exit or assert() in lib/ and drivers/.
# usage: check-style.sh [top]   Prints each violation; exit 1 if any.

set -u

top=${1:-$(dirname "$0")/..}
cd "$top" || exit 1

if git rev-parse --git-dir > /dev/null 2>&1; then
	files=$(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' \
		'meson.build' '*/meson.build' 'meson_options.txt' '*.sh' '*.py')
else
	files=$(find . -path './build*' -prune -o \( -name '*.[ch]' -o -name meson.build \
		-o -name '*.sh' -o -name '*.py' \) -print)
fi

bad=0
for f in $files; do
	[ -f "$f" ] || continue
	if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier'; then
		echo "$f:1: no SPDX-License-Identifier"
		bad=1
	fi
	out=$(awk -v f="$f" '
	{
		col = 0
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "\t")
				col = col + 8 - col % 8
			else
				col++
		}
		if (col > 100)
			printf "%s:%d: line is %d columns long\n", f, NR, col
		if ($0 ~ /[ \t]+$/)
			printf "%s:%d: trailing white space\n", f, NR
		if (f ~ /\.[ch]$/ && $0 ~ /^        +[^ *]/)
			printf "%s:%d: indented with spaces\n", f, NR
	}' "$f")
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
	case "$f" in
	lib/*.[ch] | drivers/*.[ch])
		# Strip comments and strings roughly, then look for forbidden calls.
		hits=$(sed -e 's://.*$::' -e 's:"[^"]*"::g' "$f" |
			grep -nE '(^|[^_a-z])(printf|rte_panic|rte_exit|assert)[ ]*\(' |
			grep -vE 'snprintf|RTE_LOG|_printf' || true)
		if [ -n "$hits" ]; then
			echo "$hits" | sed "s|^|$f:|; s|$| (not in libraries or drivers)|"
			bad=1
		fi
		;;
	esac
done
[ $bad -eq 0 ] && echo "style: OK"
exit $bad
