#!/bin/bash
# Three directors active-active behind ECMP (BGP), no state sync: TCP
# connections survive director changes and real-server pauses.
#
#   c1..c3 ── router (bird, ECMP) ── d1 d2 d3 (sh -b sh-port,sh-fallback, DR)
#                                       └── rs1 rs2 rs3 (VIP on lo)
#   (the full picture: cluster_topology.inc)
#
#   traffic: 300 long-lived connections (IPv4 and IPv6), one request/echo
#            each per 300 ms, plus 15 new connections a second; the
#            negative controls run on 150 fresh ones.
#   steps, each one row of the demo table:
#     1  d2 withdraws its BGP route, then returns      expect 0 broken
#     2  d3's cable is cut (hold timer), then mended   expect 0 broken
#     3  rs2 paused (weight 0 on every director)       expect 0 broken, 0 refused,
#                                                      no new flow to rs2
#     3b rs2 still paused, d1 withdraws and returns    aavs: 0 broken; stock:
#                                                      measured (rs2's moved flows
#                                                      go to another server)
#     4  rs2 back (weight 1)                           expect 0 broken, new flows
#                                                      to all three
#     1- 2- the same without sloppy_tcp                expect broken > 0
#     3- rs2 paused without sh-fallback                expect refused > 0
#   once on stock ip_vs (the reference), then on aavs.
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"

# window SECONDS: counters for a window that starts once a change
# has taken effect; what broke during the change itself is added in.
window() {
	local broken
	sleep 1
	phase_end
	broken=$P_BROKEN
	observe "$1"
	phase_end
	P_BROKEN=$((P_BROKEN + broken))
}

# The cluster doing its job: every step keeps every connection.
scenarios() {
	local paused_expect="broken=0 newby-not=rs2"
	[ $CL_STACK = stock ] && paused_expect=info

	phase_end # from READY to here: not part of any row

	director_withdraw d2
	observe 1
	director_return d2
	observe 1
	phase_end
	row "1 director withdrawn, returns" broken=0 refused=0 newfail=0

	director_cut d3
	observe 1
	director_mend d3
	observe 1
	phase_end
	row "2 director dies, returns" broken=0 refused=0

	rs_weight tcp rs2 0
	window 4
	row "3 rs paused" broken=0 refused=0 newfail=0 newby-not=rs2

	director_withdraw d1
	observe 1
	director_return d1
	observe 1
	phase_end
	row "3b rs paused + director withdrawn" $paused_expect refused=0

	rs_weight tcp rs2 1
	window 4
	row "4 rs returns" broken=0 refused=0 newfail=0 newby=all
}

# Negative controls, on fresh connections (the directors' tables must not
# already know them from the steps above): what sloppy_tcp and sh-fallback
# are for.
controls() {
	phase_end
	sloppy tcp 0
	director_withdraw d2
	observe 1
	director_return d2
	observe 1
	phase_end
	row "1- withdrawn, no sloppy_tcp" broken\>0

	director_cut d3
	observe 1
	director_mend d3
	observe 1
	phase_end
	row "2- dies, no sloppy_tcp" broken\>0

	sloppy tcp 1
	set_flags tcp sh-port
	rs_weight tcp rs2 0
	window 4
	row "3- rs paused, no sh-fallback" refused\>0
	rs_weight tcp rs2 1
}

ROWS=("1 director withdrawn, returns" "2 director dies, returns" "3 rs paused"
	"3b rs paused + director withdrawn" "4 rs returns" "1- withdrawn, no sloppy_tcp"
	"2- dies, no sloppy_tcp" "3- rs paused, no sh-fallback")

# not_run STACK WHY: every row n/a (aavs) or the case fails (stock).
not_run() {
	[ $1 = stock ] && fail "stock ip_vs: $2"
	for r in "${ROWS[@]}"; do row_na "$r" "$2"; done
}

cluster_topology bgp
for stack in $CL_STACKS; do
	log "=== $stack directors"
	if ! stack_setup $stack tcp sh-port,sh-fallback >"$CL_DIR/why" 2>&1; then
		not_run $stack "$(head -1 "$CL_DIR/why")"
	elif ! traffic_start tcp; then
		not_run $stack "the connections did not all open"
	else
		scenarios
		traffic_stop
		CL_HOLD=150 traffic_start tcp || fail "$stack: the connections did not all open (second run)"
		controls
		traffic_stop
	fi
	stack_unload
done
cluster_verdict
log "ok"
