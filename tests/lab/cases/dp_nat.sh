#!/bin/bash
# On the debug kernel this case runs in `make soak` (tests/soak.sh), not in
# `make check`, whose time it did not fit.
# aavs forwards TCP, UDP and SCTP by NAT (ipvsadm -m), IPv4 and IPv6:
# requests rewritten to the real server, replies rewritten back to come
# from the VIP, ICMP errors about a flow translated.
#
#   client ── router ── director ───────── back (bridge) ─┬─ rs1 .66 / ::66
#   198.51.100.2   192.0.2.1 │ eth0 192.0.2.10    eth1 203.0.113.65 ├─ rs2 .67 / ::67
#                              VIP 203.0.113.10 / 2001:db8:f::10 (lo)
#   back net 203.0.113.64/26, 2001:db8:b::/64; real servers route via the
#   director; ports: VIP:80 -> RS:8080 (TCP), VIP:53 -> RS:5353 (UDP),
#   VIP:9 -> RS:9 (SCTP).
#
#   expect: every flow answered with its payload, from the VIP and port the
#           client asked; both servers used; ipvsadm counts in and out
#           packets; a UDP flow to a closed server port gets the server's
#           port unreachable, translated, so the client sees ECONNREFUSED;
#           a "too big" from a narrow hop reaches the server, translated.
. "$LAB/lib.sh"
. "$LAB/cases/nat_back.inc"

VIP4=203.0.113.10 VIP6=2001:db8:f::10

modprobe sctp
netns_new client router director back rs1 rs2
veth client eth0 router c0
addr client eth0 198.51.100.2/24 2001:db8:c::2/64
addr router c0 198.51.100.1/24 2001:db8:c::1/64
on client ip route add default via 198.51.100.1
on client ip -6 route add default via 2001:db8:c::1
veth router l0 director eth0
addr router l0 192.0.2.1/24 2001:db8:a::1/64
addr director eth0 192.0.2.10/24 2001:db8:a::10/64
on router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
on router ip route add $VIP4/32 via 192.0.2.10
on router ip -6 route add $VIP6/128 via 2001:db8:a::10
addr director lo $VIP4/32 $VIP6/128
on director ip route add default via 192.0.2.1
on director ip -6 route add default via 2001:db8:a::1
on director sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
nat_back rs1 rs2
n=65
for rs in rs1 rs2; do
	n=$((n + 1))
	serve $rs tcp 8080 $rs
	serve $rs udp 5353 $rs
	on $rs netcheck serve sctp 9 $rs 203.0.113.$n 2001:db8:b::$n &
	disown
	wait_for listening $rs sctp 9
done
wait_for on client ping -c1 -W1 192.0.2.10
wait_for on director ping -c1 -W1 203.0.113.67
wait_for on director ping -6 -c1 -W1 2001:db8:b::67

load_aavs
for vip in $VIP4 "[$VIP6]"; do
	on director ipvsadm -A -t $vip:80 -s rr
	on director ipvsadm -A -u $vip:53 -s rr
	on director ipvsadm -A --sctp-service $vip:9 -s rr
	for n in 66 67; do
		case $vip in \[*) rip="[2001:db8:b::$n]" ;; *) rip=203.0.113.$n ;; esac
		on director ipvsadm -a -t $vip:80 -r $rip:8080 -m
		on director ipvsadm -a -u $vip:53 -r $rip:5353 -m
		on director ipvsadm -a --sctp-service $vip:9 -r $rip:9 -m
	done
done
on director ipvsadm -Ln

for vip in $VIP4 $VIP6; do
	for pp in tcp:80:20 udp:53:20 sctp:9:4; do
		IFS=: read -r proto port count <<<"$pp"
		seen=$(on client netcheck ask $proto $vip $port "nat-$proto" $count) ||
			fail "$proto to $vip: not every flow was answered: $(echo "$seen" | sort | uniq -c)"
		log "$proto $vip: $(echo "$seen" | sort | uniq -c | xargs)"
		for rs in rs1 rs2; do
			grep -qx "$rs" <<<"$seen" || fail "$proto to $vip never reached $rs"
		done
	done
done
msg=$(head -c 1400 /dev/zero | tr '\0' z)
on client netcheck ask tcp $VIP4 80 "$msg" 2 >/dev/null || fail "1400-byte TCP payload by NAT"
on client netcheck ask udp $VIP6 53 "$msg" 2 >/dev/null || fail "1400-byte UDP payload by NAT"
# Datagrams bigger than the MTU travel as fragments both ways: the director
# must see each whole to rewrite it, replies included.
big=$(head -c 3000 /dev/zero | tr '\0' f)
for vip in $VIP4 $VIP6; do
	on client netcheck ask udp $vip 53 "$big" 2 >/dev/null || fail "3000-byte UDP datagram by NAT to $vip"
done

log "-Lnc: NAT conns that saw replies close as full TCP does"
conns=$(on director ipvsadm -Lnc)
echo "$conns" | head -4
n=$(echo "$conns" | awk '$1 == "TCP" && $3 == "TIME_WAIT"' | wc -l)
[ "$n" -ge 40 ] || fail "$n TCP entries in TIME_WAIT, expected >= 40"

log "stats count both directions"
out_pkts() { on director ipvsadm -Ln --stats | awk -v s="$1" '$1 != "->" && $2 == s {print $5}'; }
counted() { [ "$(out_pkts $VIP4:53)" -ge 20 ]; }
wait_for -t 20 counted
on director ipvsadm -Ln --stats

log "ICMP port unreachable from a real server comes back from the VIP"
# Nothing listens on rs1:5454: rs1 answers port unreachable, which must
# reach the client as the VIP's, so its connected socket fails at once
# (ECONNREFUSED) instead of waiting out netcheck's 3 s timeout.
on director ipvsadm -A -u $VIP4:54 -s rr
on director ipvsadm -a -u $VIP4:54 -r 203.0.113.66:5454 -m
t0=${EPOCHREALTIME/./}
on client netcheck ask udp $VIP4 54 "nobody" 2 >/dev/null && fail "UDP to a closed port answered"
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
log "2 refused flows took ${ms} ms"
[ $ms -lt 2500 ] || fail "no translated port unreachable (${ms} ms: timed out)"

log "ICMP to the VIP: a narrow hop toward the client, found by path MTU discovery"
# lib.sh pmtu_probe; with NAT the "too big" reaches the server translated.
pmtu_probe 2 rs1 rs2
log "ok"
