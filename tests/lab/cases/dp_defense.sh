#!/bin/bash
# lab-kernels 6.12
# ip_vs's memory-pressure defences switch themselves on and off with
# available memory: drop_packet, drop_entry and secure_tcp at 1 become 2
# while free memory is below amemthresh (checked once a second) and go
# back to 1 when it is not; at 3 they are on whatever the memory.
#
#   client ─── router ─── lan ─┬─ director 192.0.2.10 (VIP on lo, aavs, DR)
#   198.51.100.2               └─ rs1..rs3 (VIP on lo, netcheck echo :80)
#   VIP 203.0.113.10:80 rr.
#
#   action: amemthresh set far above the guest's memory, then back to the
#           default; drop_packet, drop_entry and secure_tcp at 1; then
#           drop_packet at 3 with am_droprate 2.
#   expect: short of memory - the three knobs read 2, the secure table is
#           on, and every new flow is dropped (rate amemthresh /
#           (amemthresh - available) is 1) and counted; memory back - they
#           read 1, the table is off and new flows are answered;
#           drop_packet 3, am_droprate 2 - of 100 spoofed SYNs (new flows
#           from as many sources) exactly 50 dropped.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

VIP=$VIP4:80

knob() { on director sysctl -n net.ipv4.vs.$1; }
defense() { on director awk -v k=$1 '$1 == k { print $2 }' /proc/net/aavs_defense; }
# modes D: drop_packet, drop_entry and secure_tcp read D each, and the
# secure table is on for 2.
modes() {
	[ "$(knob drop_packet)$(knob drop_entry)$(knob secure_tcp)" = "$1$1$1" ] &&
		[ "$(defense secure_tcp_table)" = $(($1 == 2)) ]
}
# ask N: N new flows to the VIP (1 s timeout each); prints how many answered.
ask() {
	local i ok=0
	for i in $(seq $1); do
		on client timeout 2 netcheck ask tcp $VIP4 80 hi >/dev/null 2>&1 && ok=$((ok + 1))
	done
	echo $ok
}

dr_topology
load_aavs
on director ipvsadm -A -t $VIP -s rr
for i in 1 2 3; do
	on director ipvsadm -a -t $VIP -r 192.0.2.1$i:80 -g
done
[ "$(ask 3)" = 3 ] || fail "new flows unanswered before any defence"

log "automatic modes, memory short (amemthresh 2^30 pages)"
on director sysctl -qw net.ipv4.vs.drop_packet=1 net.ipv4.vs.drop_entry=1 \
	net.ipv4.vs.secure_tcp=1 net.ipv4.vs.amemthresh=1073741824
wait_for -t 5 modes 2
n=$(ask 4)
expect_eq "$n" 0 "new flows answered while drop_packet drops 1 in 1"
[ "$(defense drop_packet_drops)" -ge 4 ] ||
	fail "drop_packet_drops $(defense drop_packet_drops), expected at least 4"

log "automatic modes, memory back (amemthresh 1024)"
on director sysctl -qw net.ipv4.vs.amemthresh=1024
wait_for -t 5 modes 1
expect_eq "$(ask 4)" 4 "new flows answered once memory is back"

log "drop_packet 3, am_droprate 2: one new flow in two"
on router ip route add blackhole 10.64.0.0/10
on router sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.c0.rp_filter=0
on director sysctl -qw net.ipv4.vs.am_droprate=2 net.ipv4.vs.drop_packet=3
sleep 2	# the rate is taken at the next once-a-second check
d0=$(defense drop_packet_drops)
on client flood --dst $VIP4 --src 10.64.0.0 --hosts 100 --sports 40000-40000 \
	--ports 80 --proto tcp --flags syn --count 100 --rate 200
dropped() { [ $(($(defense drop_packet_drops) - d0)) -ge 50 ]; }
wait_for -t 5 dropped
expect_eq "$(($(defense drop_packet_drops) - d0))" 50 "of 100 spoofed SYNs dropped"
expect_eq "$(knob drop_packet)" 3 "drop_packet at 3 stays 3"
on director cat /proc/net/aavs_defense
log "ok"
