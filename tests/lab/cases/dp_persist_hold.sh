#!/bin/bash
# lab-kernels 6.1
# A persistence template outlives its timeout while connections use it, as
# in ip_vs: a client holding one connection keeps landing on that server
# with its new connections, however long it pauses between them.
#
#   client ─── router ─── lan ─┬─ director 192.0.2.10 (VIP on lo, DR)
#   198.51.100.2               ├─ rs1 192.0.2.11 ┐ VIP on lo; netcheck
#                              ├─ rs2 192.0.2.12 ├ echo on :80, conntrain
#                              └─ rs3 192.0.2.13 ┘ echo on :81
#   VIP 203.0.113.10 port 0 (every port), rr, persistent for 1 s.
#
#   action: conntrain holds one connection to port 81 (an echo every
#           300 ms); then 12 new connections to port 80, 1.5 s apart -
#           longer than the persistence timeout each time.
#   expect: all 12 are answered by the server of the held connection.
#           (Before the fix the template, refreshed by the sweeper at most
#           once a second, looked expired to lookups in between: about
#           every other new connection made a new template, and rr moved
#           it to another server.)
#
#   Then port 82 alone, persistent for 300 s, with sloppy_tcp=1: 200 bare
#   ACKs from spoofed sources (10.64.0.0 + i), and one bare ACK followed by
#   a SYN from the real client.
#   expect: within 30 s no entry of the spoofed sources is left - their
#           templates were on probation with their conns; the real
#           client's template, confirmed by its SYN, has ~300 s to live.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

PROBES=12
TRAIN=/tmp/persist-train.$$

dr_topology
for rs in "${RS_NAMES[@]}"; do
	on $rs conntrain serve tcp 81 $rs >/dev/null 2>&1 &
	disown
	wait_for listening $rs tcp 81
done

load_aavs
on director ipvsadm -A -t $VIP4:0 -s rr -p 1
for i in 1 2 3; do
	on director ipvsadm -a -t $VIP4:0 -r 192.0.2.1$i -g
done

on client conntrain run tcp 81 --to $VIP4 --hold 1 --rate 0 --interval 300 \
	--stall 3000 >$TRAIN 2>&1 &
wait_for -t 30 grep -q READY $TRAIN
held=$(on director ipvsadm -Lnc | awk '$3 == "ESTABLISHED" && $5 ~ /:81$/ { print $6 }')
case $held in
192.0.2.1[123]:81) held=rs${held:9:1} ;;
*) fail "no single held connection in the table: '$held'" ;;
esac
log "the held connection is on $held"

moved=0
for n in $(seq $PROBES); do
	sleep 1.5	# longer than the persistence timeout: the point of the case
	got=$(on client netcheck ask tcp $VIP4 80 "probe-$n") || fail "probe $n unanswered"
	[ "$got" = "$held" ] || moved=$((moved + 1))
	log "probe $n: $got"
done
kill -TERM $(ip netns pids client)
on director ipvsadm -Lnc
[ $moved = 0 ] || fail "$moved of $PROBES new connections left $held while it held one"

log "spoofed bare ACKs to a 300 s persistent service leave no templates"
on router ip route add blackhole 10.64.0.0/10
on router sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.c0.rp_filter=0
on director sysctl -qw net.ipv4.vs.sloppy_tcp=1
on director ipvsadm -A -t $VIP4:82 -s rr -p 300
for i in 1 2 3; do
	on director ipvsadm -a -t $VIP4:82 -r 192.0.2.1$i -g
done
on client flood --dst $VIP4 --src 10.64.0.0 --hosts 200 --sports 40000-40000 \
	--ports 82 --proto tcp --flags ack --count 200 --rate 500
on client flood --dst $VIP4 --src 198.51.100.2 --hosts 1 --sports 40001-40001 \
	--ports 82 --proto tcp --flags ack --count 1
on client timeout 5 netcheck ask tcp $VIP4 82 syn >/dev/null 2>&1 || true	# nothing listens: a RST
spoofed() { on director awk '$2 ~ /^0A40/' /proc/net/ip_vs_conn | wc -l; }
log "$(spoofed) entries of spoofed sources"
none_spoofed() { [ "$(spoofed)" = 0 ]; }
# 10 s of probation, and a sweep may give a template whose conns expire
# just after it 10 s more.
deadline=$((SECONDS + 30))
until none_spoofed; do
	[ $SECONDS -lt $deadline ] || fail "$(spoofed) entries of spoofed sources left after 30 s"
	sleep 0.5
done
gone=$((30 - deadline + SECONDS))
log "none left after $gone s"
tmpl=$(on director ipvsadm -Lnc | awk '$3 == "NONE" && $4 == "198.51.100.2:0" && $5 ~ /:82$/ { print $2 }')
log "the real client's template on :82 expires in $tmpl"
report "templates spoofed_gone_s=$gone real_expires=$tmpl"
[ "${tmpl%%:*}" -ge 4 ] 2>/dev/null || fail "the real client's template expires in '$tmpl', not ~5 min"
log "ok"
