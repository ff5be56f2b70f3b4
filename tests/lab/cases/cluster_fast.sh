#!/bin/bash
# lab-kernels 6.12
# The demo's scenarios with every aavs director on the fast path
# (net.ipv4.vs.fast_path=1): established flows skip the directors' input
# and output paths, and nothing else changes.
#
#   c1..c3 ── router (bird, ECMP) ── d1 d2 d3 (aavs, fast_path=1,
#                                       sh -b sh-port,sh-fallback, DR)
#                                       └── rs1 rs2 rs3 (VIP on lo)
#   (the full picture: cluster_topology.inc)
#
#   steps and expectations: cluster_tcp.sh's rows 1-4 and controls, then
#   cluster_sctp.sh's row 5 and control, on aavs alone (cluster_tcp and
#   cluster_sctp hold the stock reference); a stack that does not carry
#   its probe flows fails the case here.
#   expect too: each director's INPUT chain saw fewer than half the
#   packets it received (the fast path carried the rest).
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"
. "$LAB/cases/cluster_scenarios.inc"
. "$LAB/cases/cluster_fast.inc"

CL_FAST_PATH=1
cluster_topology bgp
fast_count_start d1 d2 d3
tcp_cluster aavs
for ns in "${CL_CLIENTS[@]}"; do on $ns sysctl -qw net.ipv4.ip_local_port_range="40000 40499"; done
sctp_cluster aavs
cluster_verdict
fast_count_check d1 d2 d3
log "ok"
