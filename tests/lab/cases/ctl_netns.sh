#!/bin/bash
# lab-debug
# Each network namespace has its own IPVS, and may vanish with services live.
#
#   topology: namespaces na and nb (no links), plus the root namespace
#   action:   different services, timeouts and sysctls in na and nb; then
#             delete na with its services; then 20 namespaces created with
#             services and deleted at once; then rmmod aavs
#   expect:   every namespace sees only its own table, timeouts, sysctls and
#             /proc; deleting a namespace leaves the others intact and
#             leaks nothing that would keep aavs loaded.
. "$LAB/lib.sh"

modprobe aavs
netns_new na nb

log "configure na and nb differently"
on na ipvsadm -A -t 192.0.2.1:80 -s rr -p 60
on na ipvsadm -a -t 192.0.2.1:80 -r 198.51.100.11 -g
on na ipvsadm -a -t 192.0.2.1:80 -r 198.51.100.12 -m -w 3
on na ipvsadm -A -f 7 -s wlc
on na ipvsadm --set 10 20 30
on na sysctl -qw net.ipv4.vs.sloppy_tcp=1 net.ipv4.vs.expire_nodest_conn=1
on nb ipvsadm -A -u [2001:db8::1]:53 -s sh -b sh-port
on nb ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8::11]:53 -g

log "each sees its own"
expect_eq "$(on na ipvsadm -Sn)" "-A -t 192.0.2.1:80 -s rr -p 60
-a -t 192.0.2.1:80 -r 198.51.100.11:80 -g -w 1
-a -t 192.0.2.1:80 -r 198.51.100.12:80 -m -w 3
-A -f 7 -s wlc" "na's table"
expect_eq "$(on nb ipvsadm -Sn)" "-A -u [2001:db8::1]:53 -s sh -b sh-port
-a -u [2001:db8::1]:53 -r [2001:db8::11]:53 -g -w 1" "nb's table"
expect_eq "$(ipvsadm -Sn)" "" "root's table"
expect_eq "$(on na ipvsadm -L --timeout)" "Timeout (tcp tcpfin udp): 10 20 30" "na's timeouts"
expect_eq "$(on nb ipvsadm -L --timeout)" "Timeout (tcp tcpfin udp): 900 120 300" "nb's timeouts"
expect_eq "$(on na cat /proc/sys/net/ipv4/vs/sloppy_tcp)" 1 "na's sloppy_tcp"
expect_eq "$(on nb cat /proc/sys/net/ipv4/vs/sloppy_tcp)" 0 "nb's sloppy_tcp"
expect_eq "$(cat /proc/sys/net/ipv4/vs/expire_nodest_conn)" 0 "root's expire_nodest_conn"
expect_eq "$(on na grep -c -e '->' /proc/net/ip_vs)" 3 "dest lines in na's /proc/net/ip_vs"
on nb grep -q 'UDP  \[2001:0db8:0000:0000:0000:0000:0000:0001\]:0035 sh' /proc/net/ip_vs ||
	fail "nb's /proc/net/ip_vs: $(on nb cat /proc/net/ip_vs)"
expect_eq "$(grep -c . /proc/net/ip_vs)" 3 "lines in root's /proc/net/ip_vs"
on na cat /proc/net/ip_vs_stats >/dev/null
on na cat /proc/net/ip_vs_stats_percpu >/dev/null

log "delete na with its services live"
ip netns del na
LAB_NETNS=(nb)
expect_eq "$(on nb ipvsadm -Sn | wc -l)" 2 "nb's table after na went"

log "20 namespaces with services, deleted together"
for i in $(seq 20); do
	ip netns add "tmp$i"
	# lo up: without any IPv4 route every real server is "not unicast".
	on "tmp$i" ip link set lo up
	on "tmp$i" ipvsadm -A -t 192.0.2.1:80 -s wrr
	on "tmp$i" ipvsadm -a -t 192.0.2.1:80 -r 198.51.100.11 -g
	on "tmp$i" ipvsadm -A -f 9 -6 -s mh
done
for i in $(seq 20); do ip netns del "tmp$i"; done
ip netns del nb
LAB_NETNS=()

log "nothing keeps aavs loaded"
wait_for -t 30 rmmod aavs
[ ! -d /sys/module/aavs ] || fail "aavs still loaded"
log "ok"
