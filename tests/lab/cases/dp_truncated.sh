#!/bin/bash
# lab-kernels 6.1
# A TCP, UDP or SCTP packet whose transport header is cut short cannot be
# scheduled; once a namespace has a virtual service, ip_vs drops it rather
# than hand it to the host's own stack.  Stock ip_vs first, then aavs.
#
#   client 10.99.0.2 / fd99::2 ── director eth0 10.99.0.1 / fd99::1
#                                 VIP 203.0.113.10 / 2001:db8:f::10 on lo
#   services VIP:80 for TCP, UDP and SCTP (rr, one DR server that is never
#   reached).
#
#   action: from the client, to each VIP, one packet per protocol with the
#           first 10 (TCP), 4 (UDP) and 14 (SCTP: common header and half a
#           chunk header) bytes of its header, five times.
#   expect: for both stacks the director's IP layer delivers none of them
#           to its own protocols (Ip InDelivers, Ip6InDelivers unchanged,
#           ICMP aside); a whole packet still is (the control: a UDP
#           datagram to a closed port).
. "$LAB/lib.sh"

VIP4=203.0.113.10 VIP6=2001:db8:f::10

topology() {
	modprobe sctp
	netns_new client director
	veth client eth0 director eth0
	addr client eth0 10.99.0.2/24 fd99::2/64
	addr director eth0 10.99.0.1/24 fd99::1/64
	addr director lo $VIP4/32 $VIP6/128
	on client ip route add $VIP4/32 via 10.99.0.1
	on client ip -6 route add $VIP6/128 via fd99::1
	wait_for on client ping -c1 -W1 10.99.0.1
}

# delivered: what the director's IP layers handed to its own transport
# protocols, ICMP left out (neighbour discovery may come and go).
delivered() {
	on director awk '/^Ip: [0-9]/ {ip = $10} /^Icmp: [0-9]/ {icmp = $2} END {print ip - icmp}' /proc/net/snmp
	on director awk '$1 == "Ip6InDelivers" {ip = $2} $1 == "Icmp6InMsgs" {icmp = $2} END {print ip - icmp}' /proc/net/snmp6
}

check() {
	local stack=$1 before after proto vip src i
	for proto in -t -u --sctp-service; do
		on director ipvsadm -A $proto $VIP4:80 -s rr
		on director ipvsadm -a $proto $VIP4:80 -r 10.99.0.2:80 -g
		on director ipvsadm -A $proto "[$VIP6]:80" -s rr
		on director ipvsadm -a $proto "[$VIP6]:80" -r "[fd99::2]:80" -g
	done
	before=$(delivered | xargs)
	for vip in $VIP4 $VIP6; do
		src=10.99.0.2
		[ $vip = $VIP6 ] && src=fd99::2
		for i in 1 2 3 4 5; do
			on client knobpkt short $src $vip tcp 10
			on client knobpkt short $src $vip udp 4
			on client knobpkt short $src $vip sctp 14
		done
	done
	after=$(delivered | xargs)
	log "$stack: director InDelivers (v4 v6) before '$before', after '$after'"
	expect_eq "$after" "$before" "$stack: cut-short packets delivered to the director's stack"
	# The control: a whole datagram to a port with no service is.
	on client knobpkt udp-from 40000 $VIP4 9 500 >/dev/null
	after=$(delivered | xargs)
	[ "$after" != "$before" ] || fail "$stack: a whole datagram was not counted as delivered"
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
