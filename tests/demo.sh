#!/bin/bash
# demo.sh — `make demo`: three IPVS directors active-active behind ECMP (BGP
# with bird2), no state sync, under 300 long-lived connections plus a train
# of new ones; directors leave, die and return, a real server is paused and
# returns.  Each scenario runs on stock ip_vs (the reference), on aavs, and
# on a mixed cluster (two aavs directors and a stock one, in a second
# guest), in the qemu lab (tests/lab/cases/cluster_*.sh), and ends as one
# table row:
#
#   scenario | stack | held | broken | new ok | new refused | new flows per server | verdict
#
# held: long-lived connections alive and correct after the step; broken:
# reset, stalled or answered wrongly during it.  Rows ending in "-" are
# negative controls (a flag switched off) and are expected to break.
#
#   tests/demo.sh [-k 6.1|6.12]      (default 6.1; about 15 minutes)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=6.1
[ "${1:-}" = -k ] && kernel=$2
cases=(cluster_tcp cluster_sctp cluster_mixed)
t0=$SECONDS

cd "$top" || exit 1
echo "demo: building the lab tools"
make -s tools >/dev/null || { echo "demo: make tools failed" >&2; exit 1; }
# Our ipvsadm is optional here: the cases drive both stacks with the stock
# ipvsadm (aavs speaks the same netlink), so a broken build must not stop it.
make -s ipvsadm >/dev/null 2>&1 || echo "demo: note: make ipvsadm failed; not needed by the demo"

# Rows come back on the lab's report channel where tests/lab/run has one
# (LAB_REPORTS), else from the console log the run keeps with LAB_KEEP.
reports=$(mktemp)
before=$(ls -d "$top"/build/lab/"$kernel".* 2>/dev/null | sort)
echo "demo: running ${cases[*]} in the $kernel lab (a TCG guest: be patient)"
LAB_KEEP=1 LAB_REPORTS=$reports "$top/tests/lab/run" -k "$kernel" -t 1500 "${cases[@]}"
status=$?
run_dir=$(comm -13 <(echo "$before") <(ls -d "$top"/build/lab/"$kernel".* 2>/dev/null | sort) | tail -1)

rows=$(grep -o 'DEMO|.*' "$reports" | tr -d '\r')
if [ -z "$rows" ] && [ -n "$run_dir" ] && [ -f "$run_dir/console.log" ]; then
	rows=$(grep -o 'DEMO|.*' "$run_dir/console.log" | tr -d '\r')
fi
rm -f "$reports"

if [ -z "$rows" ]; then
	echo "demo: no results came back (see ${run_dir:-build/lab}/console.log)" >&2
	exit 1
fi

echo
# One line per scenario and stack: stock, aavs and mixed next to each other.
echo "$rows" | awk -F'|' '
	{
		key = $2
		if (!(key in seen)) { seen[key] = 1; order[n++] = key }
		line[key, $3] = $0
	}
	function show(l,   f) {
		split(l, f, "|")
		printf "%-36s %-5s %5s %6s %6s %7s  %-26s %s\n", f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]
	}
	END {
		printf "%-36s %-5s %5s %6s %6s %7s  %-26s %s\n", "scenario", "stack", "held", "broken",
			"new ok", "refused", "new flows per server", "verdict"
		for (i = 0; i < n; i++) {
			if ((order[i], "stock") in line) show(line[order[i], "stock"])
			if ((order[i], "aavs") in line) show(line[order[i], "aavs"])
			if ((order[i], "mixed") in line) show(line[order[i], "mixed"])
		}
	}'
echo
elapsed=$((SECONDS - t0))
echo "demo: $( [ $status = 0 ] && echo "every scenario met its expectation" || echo "SOME SCENARIOS FAILED (console: ${run_dir#$top/}/console.log)" ); took $((elapsed / 60))m$((elapsed % 60))s"
# Keep the evidence only when something failed.
[ $status = 0 ] && [ -n "$run_dir" ] && rm -rf "$run_dir"
exit $status
