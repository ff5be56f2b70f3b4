#!/bin/bash
# Scenario 5: SCTP associations survive a director leaving and returning,
# with sloppy_sctp; without it the moved associations are aborted.
#
#   c1..c3 ── router (bird, ECMP) ── d1 d2 d3 (sh -b sh-port,sh-fallback, DR)
#                                       └── rs1 rs2 rs3 (VIP on lo; the SCTP
#                                           servers bound to the VIPs only)
#   (the full picture: cluster_topology.inc)
#
#   traffic: 300 SCTP associations (IPv4 and IPv6), one request/echo each
#            per 300 ms, plus 15 new associations a second.
#   steps:
#     5  d2 withdraws its BGP route, then returns (sloppy_sctp=1)
#                                                  expect 0 broken, 0 refused
#     5- d1 the same with sloppy_sctp=0 (d1's associations are known to no
#        other director)                           expect broken > 0
#   once on stock ip_vs (the reference), then on aavs.
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"

ROWS=("5 SCTP director withdrawn, returns" "5- SCTP withdrawn, no sloppy_sctp")

cluster_topology bgp
for stack in $CL_STACKS; do
	log "=== $stack directors"
	why=""
	if ! stack_setup $stack sctp sh-port,sh-fallback >"$CL_DIR/why" 2>&1; then
		why=$(head -1 "$CL_DIR/why")
	elif ! traffic_start sctp; then
		why="the associations did not all open"
	fi
	if [ -n "$why" ]; then
		[ $stack = stock ] && fail "stock ip_vs: $why"
		for r in "${ROWS[@]}"; do row_na "$r" "$why"; done
		stack_unload
		continue
	fi
	phase_end # from READY to here: not part of any row

	director_withdraw d2
	observe 1
	director_return d2
	observe 1
	phase_end
	row "5 SCTP director withdrawn, returns" broken=0 refused=0

	sloppy sctp 0
	director_withdraw d1
	observe 1
	director_return d1
	observe 1
	phase_end
	row "5- SCTP withdrawn, no sloppy_sctp" broken\>0

	traffic_stop
	stack_unload
done
cluster_verdict
log "ok"
