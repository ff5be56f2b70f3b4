#!/bin/bash
# host_diff.sh — our ipvsadm against Debian's ipvsadm 1.31 on a host without IPVS.
#
#   tests/ipvsadm/host_diff.sh [OUR_IPVSADM [FAKE_IPVS_SO [random-count]]]
#
# Defaults: build/ipvsadm/ipvsadm and the stand-in CMake builds beside it
# (`make ipvsadm` builds both).
# Both binaries run with argv[0] "ipvsadm" under fake_ipvs_preload.so (an empty IPVS that
# accepts every change), so everything before the kernel — option parsing, validation, usage
# and error texts, exit statuses — and the empty listings must match byte for byte (our
# usage text less the lines of aavs's own commands, --digest and --prometheus):
#   1. every command line of the 1.31 transcripts in $AAVS_SAMPLES_DIR;
#   2. the extra edge cases in host_cases.txt beside this script;
#   3. kernel errno -> message mapping (FAKE_IPVS_ERRNO) for every change command;
#   4. optionally, random command lines built from a pool of words (random-count of them).
# Prints one line per mismatch and exits 1 if there was any.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ours=${1:-$top/build/ipvsadm/ipvsadm}
fake=${2:-$top/build/ipvsadm/libfake_ipvs_preload.so}
random_count=${3:-0}
[ -x "$ours" ] || { echo "host_diff: no $ours (make ipvsadm)" >&2; exit 1; }
[ -f "$fake" ] || { echo "host_diff: no $fake (make ipvsadm)" >&2; exit 1; }
stock=${STOCK_IPVSADM:-/usr/sbin/ipvsadm}
samples=${AAVS_SAMPLES_DIR:-/work/shared/ipvsadm-samples}
[ -x "$stock" ] || { echo "host_diff: no $stock, skipping"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checked=0 failed=0

# run BIN ARGS... -> $tmp/out, $tmp/err, $tmp/rc (stdin is empty)
run() {
	local bin=$1; shift
	(export LD_PRELOAD="$fake"; exec -a ipvsadm "$bin" "$@") \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	echo $? >"$tmp/rc"
}

compare() {
	run "$stock" "$@"
	for f in out err rc; do mv "$tmp/$f" "$tmp/stock.$f"; done
	run "$ours" "$@"
	# aavs's own commands in our usage text: the only lines that name them.
	sed -i '/--digest\|--prometheus/d' "$tmp/out"
	checked=$((checked + 1))
	local f
	for f in out err rc; do
		if ! cmp -s "$tmp/$f" "$tmp/stock.$f"; then
			failed=$((failed + 1))
			echo "MISMATCH ($f${FAKE_IPVS_ERRNO:+, errno $FAKE_IPVS_ERRNO}): ipvsadm $*"
			diff <(cat "$tmp/stock.$f") <(cat "$tmp/$f") | head -6 | sed 's/^/    /'
			return
		fi
	done
}

# 1 + 2: transcript command lines and our own edge cases (one command line per line).
{
	[ -d "$samples" ] && grep -h '^\$ ipvsadm' "$samples"/*.txt | sed 's/^\$ ipvsadm//'
	grep -v '^#' "$here/host_cases.txt"
} | while read -r -a words; do
	compare "${words[@]}"
done >"$tmp/report"
# (the loop ran in a subshell: count from its report)
cat "$tmp/report"
mismatches=$(grep -c '^MISMATCH' "$tmp/report")
lines=$({ [ -d "$samples" ] && grep -h '^\$ ipvsadm' "$samples"/*.txt; grep -v '^#' "$here/host_cases.txt"; } | wc -l)

# 3: errno -> message for every command that changes something.
for e in 1 2 3 12 16 17 19 22 34 71 95 97 90 99; do
	for c in "-A -t 192.0.2.1:80" "-E -t 192.0.2.1:80" "-D -t 192.0.2.1:80" "-Z -t 192.0.2.1:80" \
		"-a -t 192.0.2.1:80 -r 198.51.100.1" "-e -t 192.0.2.1:80 -r 198.51.100.1" \
		"-d -t 192.0.2.1:80 -r 198.51.100.1" "--start-daemon master" "--stop-daemon backup" \
		"-C" "-Z" "--set 1 2 3"; do
		# shellcheck disable=SC2086
		FAKE_IPVS_ERRNO=$e compare $c
	done
done >"$tmp/report3"
cat "$tmp/report3"
mismatches=$((mismatches + $(grep -c '^MISMATCH' "$tmp/report3")))
lines=$((lines + 14 * 12))

# 4: random command lines.
if [ "$random_count" -gt 0 ]; then
	python3 "$here/random_cmdlines.py" "$random_count" | while read -r -a words; do
		compare "${words[@]}"
	done >"$tmp/report4"
	cat "$tmp/report4"
	mismatches=$((mismatches + $(grep -c '^MISMATCH' "$tmp/report4")))
	lines=$((lines + random_count))
fi

echo "host_diff: $lines command lines compared, $mismatches mismatches"
[ "$mismatches" = 0 ]
