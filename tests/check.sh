#!/bin/bash
# check.sh — every test aavs has, in one run (`make check`): the module built
# W=1 for each lab kernel, userspace unit tests, the C++ tool's tests and a
# bounded fuzz, the qemu lab on 6.1 and 6.12, and the style gates.  Each
# check prints PASS/FAIL/SKIP NAME; the last line is "N passed, N failed".
#
#   LAB_KERNELS="6.1 6.12 debug"  which kernels the lab boots (default all
#                            three; debug is built from Debian's source
#                            with KASAN/lockdep/kmemleak, cached)
#   LAB_CASES="a b"          which lab cases (default all)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=$top/build
mkdir -p "$build"
export LAB_RESULTS=$build/check-results.txt
: >"$LAB_RESULTS"
export LAB_TIMES=$build/lab-times.txt
: >"$LAB_TIMES"
kernels=${LAB_KERNELS:-all}
[ "$kernels" = all ] && kernels="6.1 6.12 debug"

result() {
	echo "$1 $2${3:+ ($3)}"
	echo "$1 $2" >>"$LAB_RESULTS"
}

# step NAME CMD...: one check, its output kept in build/check/NAME.log.
step() {
	local name=$1 log
	shift
	log=$build/check/${name//\//_}.log
	mkdir -p "$build/check"
	if "$@" >"$log" 2>&1; then
		result PASS "$name"
	else
		result FAIL "$name" "see ${log#$top/}"
		tail -20 "$log" | sed 's/^/    /'
		return 1
	fi
}

kver_of() { ls -1 /lib/modules | grep -E "^$1\.[0-9]" | sort -V | tail -1; }

# The module, warning-free with W=1, against each kernel's headers (the
# debug kernel's build tree, built first if it is not cached).
kmod_clean() {
	local out
	out=$(make -s kmod KVER="$1" ${2:+KDIR="$2"} KMOD_OUT="$build/check/kmod-$1" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	! echo "$out" | grep -E 'warning:|error:'
}
debug_kernel() { tests/lab/debug-kernel/build.sh; }
for k in $kernels; do
	if [ "$k" = debug ]; then
		step build/debug-kernel debug_kernel || continue
		dbg=$(tests/lab/debug-kernel/build.sh 2>/dev/null)
		step "build/aavs.ko/debug" kmod_clean "$(cat "$dbg/release")" "$dbg/build"
	else
		step "build/aavs.ko/$k" kmod_clean "$(kver_of "$k")"
	fi
done

# ctest_each DIR PREFIX: one result line per test ctest knows in DIR.
ctest_each() {
	local dir=$1 prefix=$2 line name
	if ! ctest --test-dir "$dir" -N >/dev/null 2>&1; then
		result FAIL "$prefix" "no ctest tree in ${dir#$top/}"
		return
	fi
	ctest --test-dir "$dir" --output-on-failure -j2 >"$build/check/${prefix//\//_}.log" 2>&1
	while IFS= read -r line; do
		name=$(echo "$line" | sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) .*/\1/')
		case $line in
		*Passed*) result PASS "$prefix/$name" ;;
		*"Not Run"*|*Skipped*) result SKIP "$prefix/$name" ;;
		*) result FAIL "$prefix/$name" "see build/check/${prefix//\//_}.log" ;;
		esac
	done < <(grep -E '^ *[0-9]+/[0-9]+ Test +#' "$build/check/${prefix//\//_}.log")
}

step build/tools make -s tools
if [ -d tests/unit ]; then
	step build/unit make -s unit && ctest_each "$build/unit" unit
fi
if [ -d ipvsadm ]; then
	step build/ipvsadm make -s ipvsadm && ctest_each "$build/ipvsadm" ipvsadm
fi
# The survival simulation builds warning-free and runs (a small grid; the
# full one is `make bench`'s).
if [ -d bench/survival ]; then
	step bench/survival make -s -C bench/survival SURVIVAL_ARGS="-n 20000"
fi
# The Debian packages build with the archive's tooling and are lintian-clean
# (installing them, which builds the module twice, is docs/install.md's).
if [ -d debian ]; then
	step package/deb make -s deb
fi
if [ -x tests/ipvsadm/host_diff.sh ]; then
	step ipvsadm/host-diff tests/ipvsadm/host_diff.sh
fi
if [ -x tests/ipvsadm/fuzz.sh ]; then
	step ipvsadm/fuzz tests/ipvsadm/fuzz.sh --bounded
fi

# The kernel series of patches/linux (applies, checkpatch, ip_vs built for
# 6.1), before the lab: its patches_pause case loads that ip_vs.
if [ -d patches/linux ]; then
	step patches/series make -s patches-check
fi

# The lab: results are appended to $LAB_RESULTS by tests/lab/run itself.
# The cluster cases run for minutes under emulation: a generous bound.
lab() {
	# shellcheck disable=SC2086
	tests/lab/run -k "$@" -t 900 ${LAB_CASES:-} || true
}
declare -A before
for k in $kernels; do before[$k]=$(grep -c " lab/$k/" "$LAB_RESULTS"); done
# The Debian kernels' one-CPU guests (2 vCPUs on single-threaded TCG)
# side by side, a host CPU each; then the guests that take the whole host
# (a peer guest, more vCPUs, the debug kernel) one after another.
lanes=()
for k in $kernels; do [ "$k" = debug ] || lanes+=("$k"); done
t0=$SECONDS
for k in "${lanes[@]}"; do lab "$k" --only one-cpu & done
wait
t1=$SECONDS
for k in $kernels; do lab "$k" --only whole-host; done
lab_wall="lab wall time: $(((t1 - t0) / 60)) min side by side, $(((SECONDS - t1) / 60)) min whole-host"
# A lab that could not even start (its image, its module) is a failure,
# not an absence.
for k in $kernels; do
	[ "$(grep -c " lab/$k/" "$LAB_RESULTS")" != "${before[$k]}" ] ||
		result FAIL "lab/$k" "no case ran"
done

./scripts/style.sh || true

# Where the lab's time goes (docs/dev/working.md keeps the budget).
if [ -s "$LAB_TIMES" ]; then
	echo
	awk '{t[$1] += $3} END {for (k in t) printf "lab time %s: %d min\n", k, t[k] / 60}' "$LAB_TIMES" | sort
	echo "$lab_wall"
	echo "slowest lab cases (seconds):"
	sort -k3,3nr "$LAB_TIMES" | head -10 | awk '{printf "    %5d  %s/%s\n", $3, $1, $2}'
fi

passed=$(grep -c '^PASS' "$LAB_RESULTS")
failed=$(grep -c '^FAIL' "$LAB_RESULTS")
skipped=$(grep -c '^SKIP' "$LAB_RESULTS")
echo
grep '^FAIL' "$LAB_RESULTS" | sed 's/^/  /'
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
