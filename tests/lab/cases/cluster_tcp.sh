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
. "$LAB/cases/cluster_scenarios.inc"

cluster_topology bgp
tcp_cluster $CL_STACKS
cluster_verdict
log "ok"
