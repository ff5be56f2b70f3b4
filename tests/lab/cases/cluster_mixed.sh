#!/bin/bash
# lab-peer: d3 runs in a second guest
# lab-kernels 6.1
# A mixed cluster: two aavs directors and one stock ip_vs director behind
# the same ECMP route, e.g. halfway through a rolling upgrade.  With the same
# services and flags, stock sh and aavs sh pick the same real server for a
# flow, so connections move between the two kinds without breaking.
#
#   c1..c3 ── router (bird, ECMP) ── d1 d2: aavs        (this guest)
#                                    d3:    stock ip_vs (the peer guest, its
#                                           NIC bridged into the lan)
#                                    └── rs1 rs2 rs3 (VIP on lo)
#   (the full picture: cluster_topology.inc; qemu links the two guests)
#
#   steps and expectations: cluster_tcp.sh's, with one difference:
#     3b rs2 paused, d1 withdraws: measured, not asserted — d1's flows to
#        rs2 that the router moves to the stock director are rescheduled
#        there (the pause guarantee is aavs's alone).
#   row 2 cuts d3 itself: the stock director dies, aavs takes its flows.
#   then row 5 and its control (SCTP, cluster_sctp.sh) on the same cluster.
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"
. "$LAB/cases/cluster_scenarios.inc"

CL_PEER_DIRECTOR=d3
cluster_topology bgp
tcp_cluster mixed
sctp_cluster mixed
cluster_verdict
log "ok"
