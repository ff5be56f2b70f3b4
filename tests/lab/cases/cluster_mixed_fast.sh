#!/bin/bash
# lab-peer: d3 runs in a second guest
# lab-kernels 6.12
# cluster_mixed.sh with the two aavs directors on the fast path
# (net.ipv4.vs.fast_path=1): flows move between fast-path aavs and stock
# ip_vs directors without breaking.
#
#   c1..c3 ── router (bird, ECMP) ── d1 d2: aavs, fast_path=1 (this guest)
#                                    d3:    stock ip_vs (the peer guest)
#                                    └── rs1 rs2 rs3 (VIP on lo)
#
#   steps and expectations: cluster_mixed.sh's; and d1's and d2's INPUT
#   chains saw fewer than half the packets they received.
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"
. "$LAB/cases/cluster_scenarios.inc"
. "$LAB/cases/cluster_fast.inc"

CL_PEER_DIRECTOR=d3
CL_FAST_PATH=1
cluster_topology bgp
fast_count_start d1 d2
tcp_cluster mixed
sctp_cluster mixed
cluster_verdict
fast_count_check d1 d2
log "ok"
