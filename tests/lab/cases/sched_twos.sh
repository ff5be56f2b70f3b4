#!/bin/bash
# lab-kernels 6.12
# twos (power of two choices) spreads new flows as stock ip_vs_twos does:
# in proportion to the weights, evenly among equal weights, never to a
# paused server.  Its draws are random, so what is compared is the spread,
# not each flow.  (6.1 has no ip_vs_twos to compare with.)
#
#   client ──┬── director (stock ip_vs, then aavs; the same commands)
#            └── rs1..rs5  (flat bridge, see sched_topology.inc)
#
#   action: UDP service 203.0.113.1:53, twos, rs1..rs5 at weights
#           1 2 3 4 0, and 600 new flows (each leaves a connection that
#           the choices after it count); then 203.0.113.2:53 with rs1..rs3
#           at weight 1 and 300 flows.
#   expect: on both: every flow answered, none by rs5; each of rs1..rs4
#           within 20 % of its share (60 120 180 240); rs1..rs3 of the
#           second service within 25 flows of each other.  Two draws, the
#           less loaded taken, keep them so (a simulation of ip_vs's draws:
#           at most 21 apart in 20 000 runs); one draw per flow does not
#           (ip_vs's draw includes both ends, which gives the first listed
#           server half of the flows: 80 apart typically).
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

# svc VIP W...: the UDP service, rs1.. added in order with these weights.
svc() {
	local vip=$1 i=1 w
	shift
	on director ipvsadm -A -u "$vip:53" -s twos
	for w in "$@"; do
		on director ipvsadm -a -u "$vip:53" -r "192.0.2.1$i:53" -g -w "$w"
		i=$((i + 1))
	done
}

# spread MOD VIP NADDR SPORT: 4 flows per address (all inside the client's
# 198.51.100.0/24); "rsN COUNT" lines (and "- COUNT" for flows nobody
# answered), one per server.
spread() {
	on client flowmap udp "$2" 53 198.51.100.0 "$3" "$4" 4 2>/dev/null |
		awk '{n[$3]++} END {for (s in n) print s, n[s]}' | sort >"/tmp/twos.$1.$2"
	log "$1 $2: $(xargs <"/tmp/twos.$1.$2")"
}

count() { awk -v s="$3" '$1 == s {print $2}' "/tmp/twos.$1.$2" | grep . || echo 0; }

# judge MOD: the expectations above.
judge() {
	local mod=$1 i c share lo hi min=999 max=0
	expect_eq "$(count "$mod" 203.0.113.1 -)" 0 "$mod: unanswered flows, weighted"
	expect_eq "$(count "$mod" 203.0.113.1 rs5)" 0 "$mod: flows to paused rs5"
	for i in 1 2 3 4; do
		c=$(count "$mod" 203.0.113.1 "rs$i") share=$((600 * i / 10))
		lo=$((share * 8 / 10)) hi=$((share * 12 / 10))
		[ "$c" -ge $lo ] && [ "$c" -le $hi ] ||
			fail "$mod: rs$i took $c of 600 flows, its share is $share ($lo..$hi)"
	done
	expect_eq "$(count "$mod" 203.0.113.2 -)" 0 "$mod: unanswered flows, equal weights"
	for i in 1 2 3; do
		c=$(count "$mod" 203.0.113.2 "rs$i")
		[ "$c" -lt $min ] && min=$c
		[ "$c" -gt $max ] && max=$c
	done
	report "twos $mod weighted=$(awk '{printf "%s:%s ", $1, $2}' "/tmp/twos.$mod.203.0.113.1") equal_range=$((max - min))"
	[ $((max - min)) -le 25 ] ||
		fail "$mod: equal weights spread $min..$max of 300 flows: not two choices"
}

run() {
	local mod=$1 sport=$2
	svc 203.0.113.1 1 2 3 4 0
	svc 203.0.113.2 1 1 1
	spread "$mod" 203.0.113.1 150 "$sport"
	spread "$mod" 203.0.113.2 75 "$sport"
	on director ipvsadm -C
}

sched_topology 1

log "stock ip_vs"
load_stock_ipvs
modprobe ip_vs_twos
run stock 20000
unload_ipvs

log "aavs"
load_aavs
run aavs 30000

judge stock
judge aavs
log "ok"
