#!/bin/bash
# lab-kernels 6.12
# A NAT real server on a loopback address (-r 127.0.0.1 -m, -r [::1] -m) is
# accepted by ip_vs, but another host's packet is never translated to it:
# ip_vs drops it at forward time ("stopping traffic to loopback"), so a
# daemon bound to the director's loopback only is not reachable from
# outside through the VIP.  Stock ip_vs first, then aavs.
#
#   client 10.99.0.2 / fd99::2 ── director eth0 10.99.0.1 / fd99::1
#                                 VIP 203.0.113.10 / 2001:db8:f::10 on lo
#   VIP:53/udp -> 127.0.0.1:5353 and [VIP6]:53/udp -> [::1]:5353, NAT; a UDP
#   echo on the director, bound to every address.
#
#   expect: for both stacks, no answer reaches the client, and the
#           director's own UDP stack never sees the datagrams (its
#           InDatagrams and NoPorts counters do not move); the service
#           counts the connections it scheduled.
. "$LAB/lib.sh"

VIP4=203.0.113.10 VIP6=2001:db8:f::10

topology() {
	netns_new client director
	veth client eth0 director eth0
	addr client eth0 10.99.0.2/24 fd99::2/64
	addr director eth0 10.99.0.1/24 fd99::1/64
	addr director lo $VIP4/32 $VIP6/128
	on client ip route add $VIP4/32 via 10.99.0.1
	on client ip -6 route add $VIP6/128 via fd99::1
	serve director udp 5353 director
	wait_for on client ping -c1 -W1 10.99.0.1
}

# udp_seen: the director's UDP receive counters (datagrams to a socket, and
# to no socket), IPv4 and IPv6.
udp_seen() {
	on director awk '/^Udp: [0-9]/ {print $2 + $3}' /proc/net/snmp
	on director awk '$1 == "Udp6InDatagrams" || $1 == "Udp6NoPorts" {n += $2} END {print n}' /proc/net/snmp6
}

check() {
	local stack=$1 before after vip
	on director ipvsadm -A -u $VIP4:53 -s rr
	on director ipvsadm -a -u $VIP4:53 -r 127.0.0.1:5353 -m
	on director ipvsadm -A -u "[$VIP6]:53" -s rr
	on director ipvsadm -a -u "[$VIP6]:53" -r "[::1]:5353" -m
	before=$(udp_seen | xargs)
	for vip in $VIP4 $VIP6; do
		if on client netcheck ask udp $vip 53 "to-loopback" 1 >/dev/null 2>&1; then
			fail "$stack: a client reached the director's loopback through $vip"
		fi
	done
	after=$(udp_seen | xargs)
	log "$stack: director UDP counters (v4 v6) before '$before', after '$after'"
	expect_eq "$after" "$before" "$stack: datagrams the director's own stack received"
	on director ipvsadm -Ln --stats | grep -q 'UDP' || fail "$stack: no UDP service listed"
	on director ipvsadm -C
}

topology
load_stock_ipvs
check "stock ip_vs"
unload_ipvs
lab_cleanup
LAB_NETNS=()

topology
load_aavs
check aavs
log ok
