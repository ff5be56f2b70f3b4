#!/bin/bash
# The reference: the kernel's own ip_vs, driven by the stock ipvsadm,
# forwards real TCP and UDP by direct routing, over IPv4 and IPv6.
#
#   client ──── router ────┬──── director (VIP on lo, ip_vs, DR)
#   198.51.100.2  .1 │ 192.0.2.1   ├──── rs1 192.0.2.11 (VIP on lo)
#   2001:db8:c::2    │ 2001:db8:a::1├──── rs2 192.0.2.12
#                              └──── rs3 192.0.2.13        (a bridge in "lan")
#   VIP 203.0.113.10 / 2001:db8:f::10, routed by the router to the director.
#
#   expect: every flow is answered by a real server (not the director), rr
#           spreads them over all three, and ipvsadm counts the packets; a
#           "too big" to the VIP from a narrow hop reaches the server.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

dr_topology
load_stock_ipvs
dr_services rr
dr_traffic
dr_pmtu
log "ok"
