#!/bin/bash
# On the debug kernel this case runs in `make soak` (tests/soak.sh), not in
# `make check`, whose time it did not fit.
# aavs forwards real TCP, UDP and SCTP by direct routing, over IPv4 and
# IPv6: the stock DR reference (dr_stock.sh), with aavs in place of ip_vs.
#
#   client ──── router ────┬──── director (VIP on lo, aavs, DR)
#   198.51.100.2  .1 │ 192.0.2.1   ├──── rs1 192.0.2.11 (VIP on lo)
#   2001:db8:c::2    │ 2001:db8:a::1├──── rs2 192.0.2.12
#                              └──── rs3 192.0.2.13        (a bridge in "lan")
#   VIP 203.0.113.10 / 2001:db8:f::10; TCP 80, UDP 53, SCTP 9 (rr).
#
#   expect: every flow is answered by a real server with its own payload,
#           rr spreads them over all three; `ipvsadm -Ln --stats` counts
#           exactly the connections and packets sent, and `ipvsadm -Lnc`
#           lists one entry per flow, in the state the flow ended in; a
#           "too big" to the VIP from a narrow hop reaches the server.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

modprobe sctp
dr_topology
for rs in "${RS_NAMES[@]}"; do
	# Bound to the VIPs only: INIT-ACK must not offer the real address.
	on $rs netcheck serve sctp 9 $rs $VIP4 $VIP6 &
	disown
	wait_for listening $rs sctp 9
done

load_aavs
dr_services rr
for vip in $VIP4 "[$VIP6]"; do
	on director ipvsadm --add-service --sctp-service $vip:9 -s rr
	for i in 1 2 3; do
		case $vip in \[*) rip="[2001:db8:a::1$i]" ;; *) rip=192.0.2.1$i ;; esac
		on director ipvsadm -a --sctp-service $vip:9 -r $rip:9 -g
	done
done

dr_traffic

log "SCTP"
for vip in $VIP4 $VIP6; do
	seen=$(on client netcheck ask sctp $vip 9 "hello-sctp" 6) ||
		fail "sctp to $vip: not every association was answered: $(echo "$seen" | sort | uniq -c)"
	log "sctp $vip: $(echo "$seen" | sort | uniq -c | xargs)"
	for rs in "${RS_NAMES[@]}"; do
		grep -qx "$rs" <<<"$seen" || fail "sctp to $vip never reached $rs"
	done
done

log "payloads of many sizes come back whole"
for size in 1 100 1000 1400; do
	msg=$(head -c $size /dev/zero | tr '\0' x)
	on client netcheck ask tcp $VIP4 80 "$msg" 3 >/dev/null || fail "tcp payload of $size bytes"
	on client netcheck ask udp $VIP6 53 "$msg" 3 >/dev/null || fail "udp payload of $size bytes"
done

log "ipvsadm -Lnc: one entry per flow"
conns=$(on director ipvsadm -Lnc)
echo "$conns" | head -5
count() { echo "$conns" | awk -v p="$1" -v v="$2" '$1 == p && index($5, v) == 1' | wc -l; }
# 30 flows per VIP from dr_traffic, 12 more from the payload loop (TCP to
# the IPv4 VIP, UDP to the IPv6 one).
# Distinct flows, as the director sees them (dr_flows).
TCP4=$(dr_flows tcp $VIP4) UDP6=$(dr_flows udp $VIP6) UDP4=$(dr_flows udp $VIP4)
log "distinct flows: tcp $VIP4 $TCP4, udp $VIP6 $UDP6, udp $VIP4 $UDP4 (of 42, 42, 30 sent)"
expect_eq "$(count TCP $VIP4:80)" "$TCP4" "TCP entries to $VIP4"
expect_eq "$(count UDP "[$VIP6]:53")" "$UDP6" "UDP entries to $VIP6"
expect_eq "$(count UDP $VIP4:53)" "$UDP4" "UDP entries to $VIP4"
expect_eq "$(count SCTP "[$VIP6]:9")" 6 "SCTP entries to $VIP6"
# The client closed every TCP flow; a DR director sees only its FIN/ACKs.
bad=$(echo "$conns" | awk '$1 == "TCP" && $3 != "FIN_WAIT" && $3 != "TIME_WAIT" && $3 != "CLOSE"' | head -3)
[ -z "$bad" ] || fail "TCP entries not closing: $bad"
grep -q . < <(awk '$1 == "UDP" && $3 != "UDP"' <<<"$conns") && fail "UDP entries with a state other than UDP"

log "ipvsadm -Ln --stats: exactly what was sent"
# Counters reach ipvsadm at the next 2 s estimator tick.
svc_stat() {
	on director ipvsadm -Ln --stats | awk -v s="$1" -v c="$2" '$1 != "->" && $2 == s {print $c}'
}
# Wait for the last flows sent (TCP payloads, SCTP) to be folded in too: a
# loaded host can miss a tick.
stats_settled() {
	[ "$(svc_stat $VIP4:53 3)" = "$UDP4" ] && [ "$(svc_stat $VIP4:80 3)" = "$TCP4" ] &&
		[ "$(svc_stat "[$VIP6]:53" 3)" = "$UDP6" ] && [ "$(svc_stat $VIP4:53 4)" = 30 ]
}
wait_for -t 20 stats_settled
on director ipvsadm -Ln --stats
expect_eq "$(svc_stat $VIP4:53 3)" "$UDP4" "UDP $VIP4 conns"
expect_eq "$(svc_stat $VIP4:53 4)" 30 "UDP $VIP4 in-packets"
expect_eq "$(svc_stat $VIP4:53 5)" 0 "UDP $VIP4 out-packets (DR sees no replies)"
expect_eq "$(svc_stat $VIP4:80 3)" "$TCP4" "TCP $VIP4 conns"
expect_eq "$(svc_stat "[$VIP6]:53" 3)" "$UDP6" "UDP $VIP6 conns"

log "ICMP to the VIP: a narrow hop toward the client, found by path MTU discovery"
dr_pmtu
log "ok"
