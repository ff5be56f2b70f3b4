#!/bin/bash
# lab-kernels 6.12
# /proc/net/ip_vs_conn of a big table reads whole and right under traffic,
# and no read of it keeps a CPU from others.
#
#   flood 10.98.0.2 ── director eth0 10.98.0.1   eth1 10.98.1.1 ── rs 10.98.1.2
#   (sources 198.51.100.1-200)  VIP 203.0.113.20 on lo; UDP :53 rr, DR to rs
#
#   action: flood opens 200000 UDP flows (200 sources x 1000 ports), then
#           keeps sending over the same flows while (1) cat reads the
#           director's /proc/net/ip_vs_conn; then readers run pinned to
#           CPU 0 beside schedlat, a SCHED_FIFO task there that wakes every
#           millisecond: (2) dd reads the root namespace's file, no entry
#           of its own but walks every bucket and all 200000 foreign
#           entries, and (3) dd a block far into the director's file
#           (lseek: seq_file's traverse() prints every record up to there).
#   expect: (1) shows the header and exactly 200000 distinct entries, all
#           VIP to rs; (2) the header only; (3) a block; each reader of (2)
#           and (3) was preempted at least 20 times.  Before the walk paused
#           every 64 steps, one read held the CPU for the whole walk, and a
#           reader was preempted only on its way back to user space.
. "$LAB/lib.sh"

VIP=203.0.113.20 FLOWS=200000

load_aavs
netns_new flood director rs
veth flood eth0 director eth0
veth director eth1 rs eth0
addr flood eth0 10.98.0.2/24
addr director eth0 10.98.0.1/24
addr director eth1 10.98.1.1/24
addr rs eth0 10.98.1.2/24
addr director lo $VIP/32
on flood ip route add default via 10.98.0.1
on director ip route add 198.51.100.0/24 via 10.98.0.2
on director ipvsadm -A -u $VIP:53 -s rr
on director ipvsadm -a -u $VIP:53 -r 10.98.1.2 -g
wait_for on flood ping -c1 -W1 10.98.0.1

entries() { on director ipvsadm -Ln -u $VIP:53 | awk '$1 == "->" && $2 ~ /^10/ {print $6}'; }
flows() { [ "$(entries)" = $FLOWS ]; }

log "$FLOWS flows"
on flood flood --dst $VIP --src 198.51.100.1 --hosts 200 --sports 1024-2023 \
	--proto udp --ports 53 --count $FLOWS --rate 25000
wait_for -t 120 flows
log "traffic over the same flows while reading"
on flood flood --dst $VIP --src 198.51.100.1 --hosts 200 --sports 1024-2023 \
	--proto udp --ports 53 --duration 600 --rate 2000 >/dev/null &
FLOOD=$!

SECONDS=0
on director cat /proc/net/ip_vs_conn >/tmp/conn_proc
log "cat took ${SECONDS}s"
head -2 /tmp/conn_proc
expect_eq "$(head -1 /tmp/conn_proc | awk '{print $1, $2}')" "Pro FromIP" "header"
expect_eq "$(tail -n +2 /tmp/conn_proc | wc -l)" $FLOWS "entries listed"
expect_eq "$(tail -n +2 /tmp/conn_proc | awk '{print $2, $3}' | sort -u | wc -l)" $FLOWS \
	"distinct clients listed"
expect_eq "$(tail -n +2 /tmp/conn_proc | awk '$1 != "UDP" || $4 != "CB007114" || $5 != "0035" || $6 != "0A620102"' | head -3)" "" \
	"entries not for the VIP and rs"

# yields COUNT: the last schedlat line says the reader was preempted at
# least COUNT times, i.e. it offered the CPU while it walked.
yields() {
	local preempted
	cat /tmp/schedlat
	preempted=$(awk '{print $2}' /tmp/schedlat)
	[ "$preempted" -ge "$1" ] ||
		fail "the reader kept CPU 0 from a waiting real-time task: preempted $preempted times"
}

log "readers pinned to CPU 0 beside a waiting real-time task"
SECONDS=0
schedlat --cpu 0 -- dd if=/proc/net/ip_vs_conn of=/tmp/conn_proc_root bs=64k \
	2>/dev/null >/tmp/schedlat
log "(2) the root namespace's file: ${SECONDS}s"
expect_eq "$(wc -l </tmp/conn_proc_root)" 1 "lines in the root namespace's file"
yields 20
SECONDS=0
on director schedlat --cpu 0 -- dd if=/proc/net/ip_vs_conn of=/tmp/conn_proc_dd \
	bs=4096 skip=3000 count=1 2>/dev/null >/tmp/schedlat
log "(3) lseek 12 MB into the director's file: ${SECONDS}s"
[ -s /tmp/conn_proc_dd ] || fail "nothing read 12 MB into the director's file"
yields 20
kill $FLOOD
log "ok"
