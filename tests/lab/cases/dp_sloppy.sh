#!/bin/bash
# Sloppy mode: a flow established through one director survives being
# rerouted, mid-stream, to another director that never saw its SYN (INIT),
# when that director has sloppy_tcp (sloppy_sctp) on - and breaks when it
# has not.  Run against aavs, then against stock ip_vs for reference.
#
#   client ── router ── lan ─┬─ dA 192.0.2.21 (VIP on lo, IPVS DR)
#   198.51.100.2             ├─ dB 192.0.2.22 (VIP on lo, IPVS DR)
#   2001:db8:c::2            └─ rs1 192.0.2.11 (VIP on lo, echo server)
#   The router sends the VIPs to dA, then (mid-stream) to dB.
#
#   expect: sloppy on  - every held TCP connection / SCTP association keeps
#                        answering after the move, and dB lists them;
#           sloppy off - they break (dB's own stack resets/aborts them).
. "$LAB/lib.sh"

VIP4=203.0.113.10 VIP6=2001:db8:f::10
HOLD=4

topology() {
	local d n
	modprobe sctp
	netns_new client router lan dA dB rs1
	on lan ip link add br0 type bridge
	on lan ip link set br0 up
	veth client eth0 router c0
	addr client eth0 198.51.100.2/24 2001:db8:c::2/64
	addr router c0 198.51.100.1/24 2001:db8:c::1/64
	on client ip route add default via 198.51.100.1
	on client ip -6 route add default via 2001:db8:c::1
	veth router l0 lan p-router
	on lan ip link set p-router master br0
	addr router l0 192.0.2.1/24 2001:db8:a::1/64
	on router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	n=1
	for d in dA dB; do
		n=$((n + 1))
		veth $d eth0 lan p-$d
		on lan ip link set p-$d master br0
		addr $d eth0 192.0.2.2$n/24 2001:db8:a::2$n/64
		addr $d lo $VIP4/32 $VIP6/128
		on $d ip route add default via 192.0.2.1
		on $d ip -6 route add default via 2001:db8:a::1
	done
	veth rs1 eth0 lan p-rs1
	on lan ip link set p-rs1 master br0
	addr rs1 eth0 192.0.2.11/24 2001:db8:a::11/64
	on rs1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	addr rs1 lo $VIP4/32 $VIP6/128
	on rs1 ip route add default via 192.0.2.1
	on rs1 ip -6 route add default via 2001:db8:a::1
	on rs1 conntrain serve tcp 80 rs1 >/dev/null 2>&1 &
	disown
	on rs1 conntrain serve sctp 80 rs1 $VIP4 $VIP6 >/dev/null 2>&1 &
	disown
	wait_for listening rs1 tcp 80
	wait_for listening rs1 sctp 80
	wait_for on client ping -c1 -W1 192.0.2.11
}

# steer DIRECTOR: the router sends both VIPs there.
steer() {
	local n=2
	[ "$1" = dB ] && n=3
	on router ip route replace $VIP4/32 via 192.0.2.2$n
	on router ip -6 route replace $VIP6/128 via 2001:db8:a::2$n
}

services() {
	local d
	for d in dA dB; do
		on $d ipvsadm -C
		on $d ipvsadm -A -t $VIP4:80 -s rr
		on $d ipvsadm -a -t $VIP4:80 -r 192.0.2.11:80 -g
		on $d ipvsadm -A -t "[$VIP6]:80" -s rr
		on $d ipvsadm -a -t "[$VIP6]:80" -r "[2001:db8:a::11]:80" -g
		on $d ipvsadm -A --sctp-service $VIP4:80 -s rr
		on $d ipvsadm -a --sctp-service $VIP4:80 -r 192.0.2.11:80 -g
		on $d ipvsadm -A --sctp-service "[$VIP6]:80" -s rr
		on $d ipvsadm -a --sctp-service "[$VIP6]:80" -r "[2001:db8:a::11]:80" -g
	done
}

# move PROTO SLOPPY: hold connections through dA, move them to dB (whose
# sloppy_PROTO is SLOPPY), print "held broken".
move() {
	local proto=$1 sloppy=$2 out=/tmp/conntrain.$$ pid
	steer dA
	on dB sysctl -qw net.ipv4.vs.sloppy_$proto=$sloppy
	on client conntrain run $proto 80 --to $VIP4 --to $VIP6 --hold $HOLD \
		--rate 0 --interval 100 --stall 3000 --duration 10 >$out 2>&1 &
	pid=$!
	wait_for -t 20 grep -q READY $out
	steer dB
	wait $pid || true
	grep -E 'SUMMARY|CONN' $out | sed 's/^/    /' >&2
	sed -n 's/^SUMMARY.* held=\([0-9]*\) broken=\([0-9]*\).*/\1 \2/p' $out
}

# dB_entries PROTO: dB's conn entries (the held flows, closed by now).
dB_entries() {
	on dB ipvsadm -Lnc | awk -v p="$(echo "$1" | tr a-z A-Z)" '$1 == p' | wc -l
}

scenario() {
	local stack=$1 proto r
	services
	for proto in tcp sctp; do
		log "$stack $proto, sloppy_$proto=1 on dB: flows survive the move"
		r=$(move $proto 1)
		expect_eq "$r" "$HOLD 0" "$stack $proto held/broken with sloppy"
		[ "$(dB_entries $proto)" -ge $HOLD ] ||
			fail "$stack: dB has no $proto entries for the moved flows"
		log "$stack $proto, sloppy_$proto=0 on dB: flows break (negative control)"
		r=$(move $proto 0)
		expect_eq "$r" "0 $HOLD" "$stack $proto held/broken without sloppy"
	done
}

topology
load_aavs
scenario aavs
for d in dA dB; do on $d ipvsadm -C; done
unload_ipvs
load_stock_ipvs
scenario stock
log "ok"
