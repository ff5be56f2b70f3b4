#!/bin/bash
# fuzz.sh — the ipvsadm parsers under libFuzzer with ASan/UBSan.
#
#   tests/ipvsadm/fuzz.sh --bounded        a few seconds per target (make check)
#   tests/ipvsadm/fuzz.sh --long [SECONDS] by hand, default one hour per target
#
# Builds build/ipvsadm-fuzz with clang++ (AAVS_FUZZ=ON); the bounded mode is its
# ctest run, which also runs the unit tests under the sanitizers. New corpus
# entries stay in the build tree (ipvsadm/fuzz/README.md).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build/ipvsadm-fuzz
mode=${1:---bounded}

command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (make deps)" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S "$top/ipvsadm" -B "$build" -DAAVS_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2

case $mode in
--bounded)
	ctest --test-dir "$build" --output-on-failure
	;;
--long)
	seconds=${2:-3600}
	for t in cli restore; do
		"$build/fuzz_${t}_parser" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
			"$build/corpus_$t" "$top/ipvsadm/fuzz/seeds/$t"
	done
	;;
*)
	sed -n '2,9p' "$0"
	exit 2
	;;
esac
