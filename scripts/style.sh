#!/bin/bash
# style.sh — the style gates: checkpatch --strict on kernel/, clang-format
# and clang-tidy on the C++ tool.  Prints one PASS/FAIL line per gate (and
# appends them to $LAB_RESULTS if set); exits non-zero if any gate fails.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
status=0

result() {
	local verdict=$1 name=$2
	echo "$verdict style/$name"
	[ -n "${LAB_RESULTS:-}" ] && echo "$verdict style/$name" >>"$LAB_RESULTS"
	[ "$verdict" = PASS ] || status=1
}

# checkpatch is not in Debian's headers package: take it from the source
# tarball of linux-source-6.1, once.
checkpatch=$build/checkpatch/scripts/checkpatch.pl
if [ ! -x "$checkpatch" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1)
	[ -n "$tarball" ] || { echo "style: no linux-source-6.1 tarball (make deps)" >&2; exit 2; }
	mkdir -p "$build/checkpatch"
	tar -xf "$tarball" -C "$build/checkpatch" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

cd "$top"
kfiles=$(git ls-files -co --exclude-standard 'kernel/*.[ch]' 'kernel/**/*.[ch]' | sort -u)
if out=$(perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $kfiles 2>&1) && [ -z "$out" ]; then
	result PASS checkpatch
else
	echo "$out" | head -30
	result FAIL checkpatch
fi

cxx=$(git ls-files -co --exclude-standard 'ipvsadm/*.cc' 'ipvsadm/*.h' 'ipvsadm/**/*.cc' \
	'ipvsadm/**/*.h' 'tests/**/*.cc' 'tests/**/*.h' 'bench/**/*.cc' | sort -u)
if [ -n "$cxx" ] && [ -f ipvsadm/.clang-format ]; then
	if out=$(clang-format --style=file --dry-run -Werror $cxx 2>&1); then
		result PASS clang-format
	else
		echo "$out" | head -12
		result FAIL clang-format
	fi
fi

if [ -f ipvsadm/.clang-tidy ]; then
	cmake -S ipvsadm -B "$build/ipvsadm" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	srcs=$(git ls-files -co --exclude-standard 'ipvsadm/*.cc' 'ipvsadm/**/*.cc' | grep -v /fuzz/)
	if out=$(clang-tidy -p "$build/ipvsadm" --quiet $srcs 2>&1 | grep -E 'warning:|error:'); then
		echo "$out" | head -12
		result FAIL clang-tidy
	else
		result PASS clang-tidy
	fi
fi
exit $status
