#!/bin/bash
# lab-kernels 6.1
# Spoofed mid-stream floods leave the connection table bounded: a sloppy
# DR director takes 100 000 bare ACKs, each from a spoofed source of its
# own, while 50 real long-lived TCP connections run through it.  Then aavs
# again with a small conn_max, and (FLOOD_STOCK=1, bench/flood's) the same
# flood against stock ip_vs for reference.
#
#   client ─── router ─── lan ─┬─ director 192.0.2.10 (VIP on lo, DR)
#   198.51.100.2  (blackholes  ├─ rs1 192.0.2.11 ┐ VIP on lo,
#                 10.64.0.0/10)├─ rs2 192.0.2.12 ├ conntrain echo on :81
#                              └─ rs3 192.0.2.13 ┘
#   VIP 203.0.113.10:81, sh -b sh-port, sloppy_tcp=1.  The flood comes from
#   the client, spoofed from 10.64.0.0 + i (one host per packet); what the
#   servers answer it (RSTs from the VIP) dies in the router's blackhole.
#
#   action: conntrain holds 50 connections (an echo every 500 ms each);
#           flood sends the ACKs as fast as asked (FLOOD_RATE, TCG keeps up
#           with a few thousand per second); 30 s later the director's
#           entries from 10.64/10 are counted.
#   expect: aavs - at most 1 % of the spoofed entries remain (each was on
#                  probation: 10 s unless its flow spoke again), and all 50
#                  connections held;
#           stock ip_vs - the count is only reported (it keeps them as
#                  ESTABLISHED for 15 minutes), and all 50 held;
#           aavs, conn_max=2000 - the table, sampled during the flood,
#                  never holds more than 2000 entries, drops beyond it are
#                  counted in /proc/net/aavs_defense, and all 50 held.
#   reports: "spoofed STACK sent=N pps=R entries_end=N entries_30s=N
#            slab_kb=K fwd_pps=R" per stack (bench/flood reads them), and
#            "cap max=N limit=N drops=N".
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

PORT=81
HOLD=50
FLOOD=${FLOOD_COUNT:-100000}
RATE=${FLOOD_RATE:-4000}
CAP=2000
TRAIN=/tmp/flood-train.$$

topology() {
	local rs
	dr_topology
	# Answers to spoofed sources go nowhere, quietly.
	on router ip route add blackhole 10.64.0.0/10
	on router sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.c0.rp_filter=0
	on director sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
	for rs in "${RS_NAMES[@]}"; do
		on $rs conntrain serve tcp $PORT $rs >/dev/null 2>&1 &
		disown
		wait_for listening $rs tcp $PORT
	done
}

service() {
	local i
	on director sysctl -qw net.ipv4.vs.sloppy_tcp=1
	on director ipvsadm -A -t $VIP4:$PORT -s sh -b sh-port
	for i in 1 2 3; do
		on director ipvsadm -a -t $VIP4:$PORT -r 192.0.2.1$i:$PORT -g
	done
}

# The director's entries, and those from the spoofed range (hex 0A40/0A41).
entries() { on director awk 'NR > 1' /proc/net/ip_vs_conn | wc -l; }
spoofed() { on director awk '$2 ~ /^0A4[01]/' /proc/net/ip_vs_conn | wc -l; }
# Kilobytes of conn entries in the slab (ours: aavs_conn, ip_vs's: ip_vs_conn).
slab_kb() {
	awk '$1 == "aavs_conn" || $1 == "ip_vs_conn" { kb += $2 * $4 / 1024 }
	     END { printf "%d\n", kb }' /proc/slabinfo
}
in_pkts() {
	on director ipvsadm -Ln --stats --exact -t $VIP4:$PORT | awk '$1 == "TCP" { print $4 }'
}

train_start() {
	on client conntrain run tcp $PORT --to $VIP4 --hold $HOLD --rate 0 \
		--interval 500 --stall 5000 >$TRAIN 2>&1 &
	TRAIN_PID=$!
	wait_for -t 60 grep -q READY $TRAIN
}

# train_stop: stop conntrain (the client's only process by now), check
# every connection held.
train_stop() {
	local r
	kill -TERM $(ip netns pids client)
	wait $TRAIN_PID || true
	grep SUMMARY $TRAIN | sed 's/^/    /' >&2
	r=$(sed -n 's/^SUMMARY.* held=\([0-9]*\) broken=\([0-9]*\).*/\1 \2/p' $TRAIN)
	expect_eq "$r" "$HOLD 0" "$1: real connections held/broken"
}

flood_ack() {
	on client flood --dst $VIP4 --src 10.64.0.0 --hosts $FLOOD --sports 40000-40000 \
		--ports $PORT --proto tcp --flags ack --count $FLOOD --rate $RATE
}

# spoof STACK: the flood against the loaded stack; LEFT is the remainder.
spoof() {
	local stack=$1 out pps p0 t0 fwd end kb after
	service
	train_start
	log "$stack: $FLOOD spoofed bare ACKs at up to $RATE/s"
	p0=$(in_pkts) t0=$SECONDS
	out=$(flood_ack) || fail "$stack: flood: $out"
	fwd=$((($(in_pkts) - p0) / (SECONDS - t0 > 0 ? SECONDS - t0 : 1)))
	pps=$(echo "$out" | sed -n 's/.*(\([0-9.]*\) pps).*/\1/p')
	end=$(spoofed) kb=$(slab_kb)
	log "$stack: $out; $end spoofed entries now, $kb kB of entries"
	sleep 30	# the time after the flood is what is measured
	after=$(spoofed)
	log "$stack: $after spoofed entries 30 s after the flood"
	report "spoofed $stack sent=$FLOOD pps=$pps entries_end=$end entries_30s=$after slab_kb=$kb fwd_pps=$fwd"
	train_stop $stack
	on director ipvsadm -C
	LEFT=$after
}

# cap: conn_max=CAP; the table, sampled while the flood runs, stays within.
cap() {
	local n max=0 fpid drops
	on director sysctl -qw net.ipv4.vs.conn_max=$CAP
	service
	train_start
	log "aavs: conn_max=$CAP, $FLOOD spoofed bare ACKs"
	flood_ack >/dev/null &
	fpid=$!
	while kill -0 $fpid 2>/dev/null; do
		n=$(entries)
		[ "$n" -gt $max ] && max=$n
		sleep 0.5
	done
	wait $fpid || fail "flood failed under conn_max"
	drops=$(on director awk '$1 == "conn_max_drops" { print $2 }' /proc/net/aavs_defense)
	log "aavs: at most $max entries during the flood, $drops new flows dropped"
	report "cap max=$max limit=$CAP drops=$drops"
	[ "$max" -le $CAP ] || fail "conn_max=$CAP: $max entries during the flood"
	[ "${drops:-0}" -gt 0 ] || fail "conn_max=$CAP: no drops counted"
	train_stop "aavs conn_max"
	on director ipvsadm -C
}

topology

load_aavs
spoof aavs
[ "$LEFT" -le $((FLOOD / 100)) ] ||
	fail "aavs: $LEFT of $FLOOD spoofed entries left 30 s after the flood (at most 1 % allowed)"
cap
unload_ipvs

# The reference judges nothing: the benchmark's, not make check's.
if [ "${FLOOD_STOCK:-0}" = 1 ]; then
	load_stock_ipvs
	spoof stock
	log "stock ip_vs keeps $LEFT of $FLOOD spoofed entries (reported, not judged)"
fi
log "ok"
