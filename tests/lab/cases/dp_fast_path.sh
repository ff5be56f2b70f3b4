#!/bin/bash
# The fast path (net.ipv4.vs.fast_path=1) sends what the slow path sends,
# byte for byte, keeps the same books, and follows route, neighbour and
# device changes at once.
#
#   client ── router ── director (aavs) ── rs1 (DR), rs2 (IPIP)
#                          └── eth1 ── rs1 (a second way to rs1)
#   (the DR topology of dr_stock.sh)
#
#   action: the same traffic with fast_path 0, then 1: 20 datagrams of one
#           UDP flow each (to a port nobody serves: no answers, no
#           ICMP errors from the client to count) to rs1 by DR (IPv4, IPv6) and to rs2 over IPIP,
#           built by flood so that every byte is known, then 10 TCP
#           connections of 4000 bytes each way.
#   expect: rs1 and rs2 receive the same packets in both runs (masked:
#           the IPv4 ID and header checksum, which the client's kernel
#           picks); --stats and the conns' states the same; the
#           director's INPUT chain sees every packet at 0 and only each
#           flow's first few at 1 (the fast path took the rest and skips
#           the chain, as docs/sysctls.md says).
#           Then, fast_path=1, one flow going on: a host route to rs1 over
#           eth1 moves it there and deleting eth1 moves it back, a wrong
#           neighbour entry for rs1 stops it and the right one restores
#           it, all without the INPUT chain seeing it; a deleted dest
#           stops it, as on the slow path.  Datagrams of 4000 bytes,
#           three on one flow, are answered (fragments take the slow
#           path, the first one too).
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

modprobe ipip
dr_topology
on rs2 ip link set tunl0 up
on rs2 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
veth director eth1 rs1 eth1
addr director eth1 10.9.0.1/24
addr rs1 eth1 10.9.0.2/24
on rs1 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0
# What rs1 takes in, by the way it came.
on rs1 iptables-legacy -A INPUT -i eth0 -d $VIP4
on rs1 iptables-legacy -A INPUT -i eth1 -d $VIP4

load_aavs
on director ipvsadm --set 900 120 2
on director ipvsadm -A -u $VIP4:5353 -s rr
on director ipvsadm -a -u $VIP4:5353 -r 192.0.2.11:5353 -g
on director ipvsadm -A -u "[$VIP6]:5353" -s rr
on director ipvsadm -a -u "[$VIP6]:5353" -r "[2001:db8:a::11]:5353" -g
on director ipvsadm -A -u $VIP4:54 -s rr
on director ipvsadm -a -u $VIP4:54 -r 192.0.2.12:54 -i
on director ipvsadm -A -u $VIP4:53 -s rr
on director ipvsadm -a -u $VIP4:53 -r 192.0.2.11:53 -g
on director ipvsadm -A -u "[$VIP6]:53" -s rr
on director ipvsadm -a -u "[$VIP6]:53" -r "[2001:db8:a::11]:53" -g
on director ipvsadm -A -t $VIP4:80 -s rr
on director ipvsadm -a -t $VIP4:80 -r 192.0.2.11:80 -g
on director iptables-legacy -A INPUT -d $VIP4
on director ip6tables-legacy -A INPUT -d $VIP6

input_seen() {
	echo $(($(on director iptables-legacy -L INPUT -vnx | awk 'NR == 3 { print $1 }') +
		$(on director ip6tables-legacy -L INPUT -vnx | awk 'NR == 3 { print $1 }')))
}
rs1_seen() { on rs1 iptables-legacy -L INPUT -vnx | awk -v i=$1 '$5 == i { print $1 }'; }

# mask4 OFF: blank the ID and header checksum of the IPv4 header at byte OFF.
mask4() {
	local o=$(($1 * 2))
	sed -E "s/^(.{$((o + 8))}).{4}(.{8}).{4}/\1iiii\2hhhh/"
}

# capture NS PROTO DST PORT SPORT [MASK...]: flood's 20 datagrams of one
# flow, as NS receives them on eth0.
capture() {
	local ns=$1 proto=$2 dst=$3 port=$4 sport=$5 src=198.51.100.2 pid
	shift 5
	case $dst in *:*) src=2001:db8:c::2 ;; esac
	on $ns pktcap eth0 $proto 20 3000 >/tmp/cap &
	pid=$!
	wait_for grep -q '^# listening' /tmp/cap
	on client flood --dst $dst --src $src --sports $sport-$sport --ports $port \
		--proto udp --count 20 --rate 200 >/dev/null
	wait $pid || fail "$ns received $(grep -vc '^#' /tmp/cap) of 20 datagrams to $dst:$port"
	local cmd=cat m
	for m in "$@"; do cmd="$cmd | mask4 $m"; done
	grep -v '^#' /tmp/cap | eval "$cmd"
}

udp_counted() {
	[ "$(on director ipvsadm -Ln --stats --exact | awk '$1 == "UDP" && $4 == 20' | wc -l)" = 3 ]
}
tcp_counted() {
	on director ipvsadm -Ln --stats -t $VIP4:80 | awk 'NR == 4 && $3 == 10' | grep -q .
}
udp_gone() { ! on director ipvsadm -Lnc | grep -q '^UDP'; }

run() {
	local fp=$1 out=/tmp/fp.$1
	log "fast_path=$fp: the same traffic"
	on director sysctl -qw net.ipv4.vs.fast_path=$fp
	on director ipvsadm -Z
	on director iptables-legacy -Z INPUT
	on director ip6tables-legacy -Z INPUT
	{
		echo "DR IPv4"; capture rs1 17 $VIP4 5353 5000 0
		echo "DR IPv6"; capture rs1 17 $VIP6 5353 5001
		echo "IPIP"; capture rs2 4 $VIP4 54 5002 0 20
	} >"$out"
	# The estimator publishes counters every 2 s, as ip_vs's does.
	wait_for udp_counted
	rm -f "$NETCHECK_SPORTS/tcp-$VIP4"
	msg=$(head -c 4000 /dev/zero | tr '\0' x)
	on client netcheck ask tcp $VIP4 80 "$msg" 10 >/dev/null || fail "fast_path=$fp: a TCP connection failed"
	wait_for tcp_counted
	# UDP's counters to the byte; TCP's segments vary with timing, its
	# conns do not, nor the states this run's connections end in.
	local ports
	ports=$(sort -u "$NETCHECK_SPORTS/tcp-$VIP4" | tr '\n' '|')
	{
		on director ipvsadm -Ln --stats --exact | awk '$1 != "TCP" && prev != "TCP"; { prev = $1 }'
		on director ipvsadm -Ln --stats -t $VIP4:80 | awk 'NR > 3 { print $1, $2, $3 }'
		on director ipvsadm -Lnc | awk -v p="|$ports" 'NR > 2 && $1 == "TCP" {
			split($4, a, ":"); if (index(p, "|" a[2] "|")) print $1, $3, $6 }' | sort | uniq -c
	} >>"$out"
	input_seen >/tmp/input.$fp
	log "fast_path=$fp: INPUT chain saw $(cat /tmp/input.$fp) packets"
	wait_for -t 15 udp_gone
}

run 0
run 1
diff /tmp/fp.0 /tmp/fp.1 || fail "fast_path=1 sent or counted differently (- slow path, + fast path)"
slow=$(cat /tmp/input.0) fast=$(cat /tmp/input.1)
# 60 datagrams and 10 connections' worth of segments, less all but the
# opening ones of each flow.
[ "$slow" -gt 100 ] || fail "the slow path's INPUT chain saw only $slow packets"
[ "$fast" -lt $((slow / 2)) ] || fail "fast path not taken: INPUT saw $fast packets, $slow without it"

log "fast_path=1: 4000-byte datagrams, in fragments, three on one flow"
# The first fragment of the second datagram finds the flow's conn: taken
# alone, it would leave the others in reassembly for good.
big=$(head -c 4000 /dev/zero | tr '\0' f)
on client env NETCHECK_SOURCE=198.51.100.2 NETCHECK_SOURCE_PORT=7000 \
	netcheck ask udp $VIP4 53 "$big" 3 >/dev/null || fail "IPv4: a fragmented datagram went unanswered"
on client env NETCHECK_SOURCE=2001:db8:c::2 NETCHECK_SOURCE_PORT=7000 \
	netcheck ask udp $VIP6 53 "$big" 3 >/dev/null || fail "IPv6: a fragmented datagram went unanswered"

log "fast_path=1: one flow while the way to rs1 changes"
# flow N: 5 datagrams of the flow from port 6000; the counters they moved.
flow() {
	local in0 e0 e1
	in0=$(input_seen) e0=$(rs1_seen eth0) e1=$(rs1_seen eth1 2>/dev/null || echo 0)
	on client flood --dst $VIP4 --src 198.51.100.2 --sports 6000-6000 --ports 5353 \
		--proto udp --count 5 --rate 100 >/dev/null
	sleep 0.5
	echo "input $(($(input_seen) - in0)) eth0 $(($(rs1_seen eth0) - e0)) eth1 $(($(rs1_seen eth1 2>/dev/null || echo 0) - e1))"
}
# Long enough for the steps below to find the flow's conn.
on director ipvsadm --set 900 120 300
first=$(flow)
expect_eq "${first#input ? }" "eth0 5 eth1 0" "the flow's first datagrams"
expect_eq "$(flow)" "input 0 eth0 5 eth1 0" "established flow, by eth0"
on director ip route add 192.0.2.11/32 via 10.9.0.2 dev eth1
expect_eq "$(flow)" "input 0 eth0 0 eth1 5" "after a host route over eth1"
on director ip link del eth1
expect_eq "$(flow)" "input 0 eth0 5 eth1 0" "after eth1 was deleted"
mac=$(on rs1 cat /sys/class/net/eth0/address)
on director ip neigh replace 192.0.2.11 lladdr 02:00:00:00:00:99 dev eth0 nud permanent
expect_eq "$(flow)" "input 0 eth0 0 eth1 0" "with a wrong neighbour entry for rs1"
on director ip neigh replace 192.0.2.11 lladdr "$mac" dev eth0 nud permanent
expect_eq "$(flow)" "input 0 eth0 5 eth1 0" "with the right one again"
on director ipvsadm -d -u $VIP4:5353 -r 192.0.2.11:5353
expect_eq "$(flow)" "input 5 eth0 0 eth1 0" "after its dest was deleted (slow path drops)"
log "ok"
