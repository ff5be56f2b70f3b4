#!/bin/bash
# lab-kernels 6.1
# Scenario 1 without BGP: the router's ECMP route is static and edited by
# hand (ip route replace ... nexthop ... nexthop ...), as a health checker
# without a routing daemon would.
#
#   c1..c3 ── router (static multipath route) ── d1 d2 d3 ── rs1 rs2 rs3
#   (the full picture: cluster_topology.inc)
#
#   traffic: 300 TCP connections (IPv4 and IPv6), request/echo every 300 ms,
#            plus new ones.
#   steps:
#     1s d2 taken out of the route, then put back   expect 0 broken, 0 refused
#   once on stock ip_vs (the reference), then on aavs.
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"

ROW="1s static route: director out, back"

cluster_topology static
for stack in $CL_STACKS; do
	log "=== $stack directors"
	why=""
	if ! stack_setup $stack tcp sh-port,sh-fallback >"$CL_DIR/why" 2>&1; then
		why=$(head -1 "$CL_DIR/why")
	elif ! traffic_start tcp; then
		why="the connections did not all open"
	fi
	if [ -n "$why" ]; then
		[ $stack = stock ] && fail "stock ip_vs: $why"
		row_na "$ROW" "$why"
		stack_unload
		continue
	fi
	phase_end # from READY to here: not part of any row

	director_withdraw d2
	observe 1
	director_return d2
	observe 1
	phase_end
	row "$ROW" broken=0 refused=0 newfail=0

	traffic_stop
	stack_unload
done
cluster_verdict
log "ok"
