#!/bin/bash
# aavs counts per service the events that make it differ from ip_vs, and
# each of them moves exactly its own counter in /proc/net/aavs_services.
#
#   client ──┬── dir1, dir2  (sloppy_tcp=1 on both)
#            └── rs1..rs5    (weights 1..5; flat bridge, sched_topology.inc)
#   services on both directors, servers added rs1..rs5:
#     UDP VIP1:53 sh sh-port,sh-stable              (no fallback)
#     UDP VIP2:53 sh sh-fallback,sh-port,sh-stable
#     TCP VIP1:80 sh sh-fallback,sh-port,sh-stable
#   (sh-stable: pausing rs3 moves rs3's flows only, so which flows a step
#   touches is known in advance)
#
#   1. 200 UDP flows through dir1: counters stay 0; we learn which flows
#      hash to rs3.
#   2. rs3 paused on dir2, the same flows through dir2: VIP1 refuses rs3's
#      flows (nodest), VIP2 sends them elsewhere (fallback).
#   3. 64 TCP connections held through dir1, then moved to dir2: each is a
#      sloppy pickup there, confirmed by its next packet; rs3's are kept on
#      rs3 (kept).
#   4. rs3 back; 20 spoofed mid-stream ACKs: 20 pickups that expire.
#   5. conn_max=0: 10 SYNs dropped (conn_max).
#   6. aavs-ipvsadm --prometheus shows the same numbers.
# After each step, the counters that should move moved by exactly that
# much, and every other counter of every service stayed where it was.
# lab-kernels 6.1
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

VIP1=203.0.113.1 VIP2=203.0.113.2
KEYS="sloppy confirmed expired fallback kept nodest conn_max"
SVCS=("UDP $VIP1:53" "UDP $VIP2:53" "TCP $VIP1:80")

configure() {
	local d i
	for d in "${SCHED_DIRS[@]}"; do
		# Refusals (ICMP port unreachable) must reach the client, or
		# flowmap asks again and each retry is refused once more.
		on "$d" ip route add 198.51.100.0/24 via 192.0.2.2
		on "$d" sysctl -qw net.ipv4.vs.sloppy_tcp=1
		on "$d" ipvsadm -A -u $VIP1:53 -s sh -b sh-port,flag-3
		on "$d" ipvsadm -A -u $VIP2:53 -s sh -b sh-fallback,sh-port,flag-3
		on "$d" ipvsadm -A -t $VIP1:80 -s sh -b sh-fallback,sh-port,flag-3
		for i in 1 2 3 4 5; do
			on "$d" ipvsadm -a -u $VIP1:53 -r "$(rip 4 $i):53" -g -w $i
			on "$d" ipvsadm -a -u $VIP2:53 -r "$(rip 4 $i):53" -g -w $i
			on "$d" ipvsadm -a -t $VIP1:80 -r "$(rip 4 $i):80" -g -w $i
		done
	done
}

# weight DIR W: rs3's weight in every service on DIR.
weight_rs3() {
	on "$1" ipvsadm -e -u $VIP1:53 -r "$(rip 4 3):53" -g -w "$2"
	on "$1" ipvsadm -e -u $VIP2:53 -r "$(rip 4 3):53" -g -w "$2"
	on "$1" ipvsadm -e -t $VIP1:80 -r "$(rip 4 3):80" -g -w "$2"
}

# counters DIR: "SERVICE|key=value ..." per service, from the proc file.
counters() {
	on "$1" cat /proc/net/aavs_services | awk 'NR > 1 {
		svc = $1 " " $2; c = ""
		for (i = 3; i <= NF; i++)
			if ($i ~ /=/ && $i !~ /^table=/) c = c " " $i
		print svc "|" substr(c, 2)
	}'
}

# value SNAPSHOT SERVICE KEY
value() {
	awk -F'|' -v s="$2" -v k="$3" '$1 == s {
		n = split($2, kv, " ")
		for (i = 1; i <= n; i++) { split(kv[i], p, "="); if (p[1] == k) print p[2] }
	}' <<<"$1"
}

# moved DIR BEFORE "SERVICE|KEY=DELTA"...: since BEFORE, exactly these
# counters moved on DIR, by exactly these amounts.
moved() {
	local dir=$1 before=$2 now svc key want got spec kv
	shift 2
	now=$(counters "$dir")
	for svc in "${SVCS[@]}"; do
		for key in $KEYS; do
			want=0
			for spec in "$@"; do
				kv=${spec#*|}
				[ "${spec%%|*}" = "$svc" ] && [ "${kv%%=*}" = "$key" ] && want=${kv#*=}
			done
			got=$(($(value "$now" "$svc" $key) - $(value "$before" "$svc" $key)))
			expect_eq "$got" "$want" "$dir: $svc: $key moved by"
		done
	done
}

# counter_is DIR SERVICE KEY VALUE: for waits.
counter_is() { [ "$(value "$(counters "$1")" "$2" "$3")" = "$4" ]; }

sched_topology 2
load_aavs
configure
[ "$(on dir1 head -1 /proc/net/aavs_services | cut -d' ' -f1-4)" = "Prot Service Scheduler Flags" ] ||
	fail "/proc/net/aavs_services: unexpected header"

log "1. 200 UDP flows through dir1"
c1=$(counters dir1)
sched_route_to dir1
for v in 1 2; do
	on client flowmap udp 203.0.113.$v 53 198.51.100.0 50 20000 4 2>/dev/null | sort >/tmp/ev.map$v
done
moved dir1 "$c1"
on_rs3=$(awk '$3 == "rs3"' /tmp/ev.map2 | wc -l)
log "$on_rs3 of 200 flows hash to rs3"
[ "$on_rs3" -gt 0 ] || fail "no flow hashes to rs3"
expect_eq "$(awk '$3 == "rs3"' /tmp/ev.map1 | wc -l)" "$on_rs3" "VIP1 and VIP2 flows on rs3"

log "2. rs3 paused on dir2, the same flows through dir2"
weight_rs3 dir2 0
c2=$(counters dir2)
sched_route_to dir2
for v in 1 2; do
	on client flowmap udp 203.0.113.$v 53 198.51.100.0 50 20000 4 2>/dev/null | sort >/tmp/ev.pause$v
done
expect_eq "$(awk '$3 == "-"' /tmp/ev.pause1 | wc -l)" "$on_rs3" "VIP1: flows unanswered"
expect_eq "$(awk '$3 == "-" || $3 == "rs3"' /tmp/ev.pause2 | wc -l)" 0 "VIP2: flows unanswered or on rs3"
moved dir2 "$c2" "UDP $VIP1:53|nodest=$on_rs3" "UDP $VIP2:53|fallback=$on_rs3"

log "3. 64 TCP connections held through dir1, moved to dir2"
c3=$(counters dir2)
sched_route_to dir1
on client flowmap hold tcp $VIP1 80 198.51.100.0 16 30000 4 /tmp/ev.go >/tmp/ev.held 2>/tmp/ev.err &
pid=$!
wait_for -t 60 grep -q READY /tmp/ev.err
sched_route_to dir2
touch /tmp/ev.go
wait $pid
held=$(wc -l </tmp/ev.held)
kept=$(awk '$3 == "rs3"' /tmp/ev.held | wc -l)
expect_eq "$held" 64 "connections held"
expect_eq "$(awk '$3 == "-" || $3 != $4' /tmp/ev.held | wc -l)" 0 "connections broken"
[ "$kept" -gt 0 ] || fail "no held connection on rs3"
wait_for -t 20 counter_is dir2 "TCP $VIP1:80" confirmed "$held"
moved dir2 "$c3" "TCP $VIP1:80|sloppy=$held" "TCP $VIP1:80|confirmed=$held" "TCP $VIP1:80|kept=$kept"

log "4. rs3 back on dir2; 20 spoofed mid-stream ACKs"
weight_rs3 dir2 3
c4=$(counters dir2)
on client flood --dst $VIP1 --src 198.51.100.200 --hosts 20 --sports 50000-50000 \
	--ports 80 --flags ack --count 20 >/dev/null
wait_for -t 40 counter_is dir2 "TCP $VIP1:80" expired $(($(value "$c4" "TCP $VIP1:80" expired) + 20))
moved dir2 "$c4" "TCP $VIP1:80|sloppy=20" "TCP $VIP1:80|expired=20"

log "5. conn_max=0 on dir2; 10 SYNs"
on dir2 sysctl -qw net.ipv4.vs.conn_max=0
c5=$(counters dir2)
on client flood --dst $VIP1 --src 198.51.100.220 --hosts 10 --sports 50000-50000 \
	--ports 80 --flags syn --count 10 >/dev/null
wait_for counter_is dir2 "TCP $VIP1:80" conn_max 10
moved dir2 "$c5" "TCP $VIP1:80|conn_max=10"

log "6. the same counters, for Prometheus"
prom=$(on dir2 aavs-ipvsadm --prometheus)
for line in "aavs_service_conn_max_drops_total{service=\"TCP $VIP1:80\"} 10" \
	"aavs_service_fallbacks_total{service=\"UDP $VIP2:53\"} $on_rs3" \
	"aavs_service_midstream_kept_total{service=\"TCP $VIP1:80\"} $kept"; do
	grep -qxF "$line" <<<"$prom" || fail "--prometheus lacks: $line"
done
grep -qx "aavs_service_table_info{service=\"TCP $VIP1:80\",scheduler=\"sh\",flags=\"sh-fallback,sh-port,sh-stable\",digest=\"[0-9a-f]\{16\}\",source=\"kernel\"} 1" <<<"$prom" ||
	fail "--prometheus: no table_info line for TCP $VIP1:80"
log "ok"
