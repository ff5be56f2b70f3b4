#!/bin/bash
# On the debug kernel this case runs in `make soak` (tests/soak.sh), not in
# `make check`, whose time it did not fit.
# Datagrams too big for one packet reach a real server whole, over IPv4
# and IPv6, through stock ip_vs (the reference) and through aavs.  IPv4
# fragments are reassembled before the director's LOCAL_IN hook, IPv6
# fragments are not: without nf_defrag_ipv6 the first fragment would be
# forwarded and the others delivered to the director itself, and every
# datagram bigger than the MTU would be lost.
#
#   client ──── router ──── lan: director (VIP on lo, DR), rs1..rs3
#   (dr_topology; every link has an MTU of 1500)
#   UDP 53 on 203.0.113.10 and 2001:db8:f::10, rr over the three servers.
#
#   expect: datagrams of 1400, 3000 and 4000 bytes come back whole from a
#           real server, three flows each, on both stacks.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

dr_topology

# big_datagrams STACK: every size to both VIPs, answered whole.
big_datagrams() {
	local vip size msg
	for vip in $VIP4 $VIP6; do
		for size in 1400 3000 4000; do
			msg=$(head -c $size /dev/zero | tr '\0' f)
			on client netcheck ask udp $vip 53 "$msg" 3 >/dev/null ||
				fail "$1: a $size-byte datagram to $vip was not answered whole"
		done
	done
	log "$1: 1400, 3000 and 4000-byte datagrams answered over IPv4 and IPv6"
}

load_stock_ipvs
dr_services rr >/dev/null
big_datagrams "stock ip_vs"
on director ipvsadm -C
unload_ipvs

load_aavs
dr_services rr >/dev/null
big_datagrams aavs
log "ok"
