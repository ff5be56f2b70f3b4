#!/bin/bash
# lab-kernels 6.12
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
#   The clients draw from 500 ports, so new associations often reuse the
#   port of one closed a moment ago, whose entry still sits CLOSED on some
#   director: its INIT must be scheduled afresh (conn_reuse_mode).
#   once on stock ip_vs (the reference), then on aavs.
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"
. "$LAB/cases/cluster_scenarios.inc"

cluster_topology bgp
for ns in "${CL_CLIENTS[@]}"; do on $ns sysctl -qw net.ipv4.ip_local_port_range="40000 40499"; done
sctp_cluster $CL_STACKS
cluster_verdict
log "ok"
