#!/bin/bash
# Weight 0 (a paused real server): its established connections go on, it
# gets no new ones.  aavs, DR topology of dr_stock.sh.
#
#   client ── router ── director (aavs, DR, rr) ── rs1, rs2, rs3
#   TCP 8080: conntrain echo servers; TCP 80/UDP 53: netcheck.
#
#   expect: connections held to every server (rs1 among them) keep
#           answering after rs1's weight goes to 0, rs1 still counts them
#           as active; 30 new TCP and 30 new UDP flows all go to rs2/rs3.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

HOLD=6
dr_topology
for rs in "${RS_NAMES[@]}"; do
	on $rs conntrain serve tcp 8080 $rs >/dev/null 2>&1 &
	disown
	wait_for listening $rs tcp 8080
done
load_aavs
dr_services rr
on director ipvsadm -A -t $VIP4:8080 -s rr
for i in 1 2 3; do
	on director ipvsadm -a -t $VIP4:8080 -r 192.0.2.1$i:8080 -g
done

out=/tmp/conntrain.$$
on client conntrain run tcp 8080 --to $VIP4 --hold $HOLD --rate 0 --interval 100 \
	--stall 3000 --duration 40 >$out 2>&1 &
pid=$!
wait_for -t 20 grep -q READY $out
active() { on director ipvsadm -Ln | awk -v r="$1" '$2 == r {print $5}' | head -1; }
expect_eq "$(active 192.0.2.11:8080)" $((HOLD / 3)) "rs1's active conns before the pause"

log "rs1 paused (weight 0) while its connections are held"
for port in 80 53 8080; do
	proto=-t; [ $port = 53 ] && proto=-u
	on director ipvsadm -e $proto $VIP4:$port -r 192.0.2.11:$port -g -w 0
	on director ipvsadm -e $proto "[$VIP6]:$port" -r "[2001:db8:a::11]:$port" -g -w 0 2>/dev/null || true
done
on director ipvsadm -Ln

log "new flows avoid rs1"
for vip in $VIP4 $VIP6; do
	for proto in tcp udp; do
		port=80; [ $proto = udp ] && port=53
		seen=$(on client netcheck ask $proto $vip $port "new-$proto" 30) ||
			fail "$proto to $vip: not every new flow was answered"
		grep -qx rs1 <<<"$seen" && fail "$proto to $vip: a new flow went to paused rs1"
		log "$proto $vip: $(echo "$seen" | sort | uniq -c | xargs)"
	done
done
expect_eq "$(active 192.0.2.11:8080)" $((HOLD / 3)) "rs1's active conns while paused"
# conntrain holds them for 40 s (room for slow guests), then reports.

wait $pid || true
grep -E 'SUMMARY|CONN' $out
summary=$(sed -n 's/^SUMMARY.* held=\([0-9]*\) broken=\([0-9]*\).*/\1 \2/p' $out)
expect_eq "$summary" "$HOLD 0" "held/broken connections across the pause"
log "ok"
