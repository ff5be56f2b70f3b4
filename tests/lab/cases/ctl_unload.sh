#!/bin/bash
# aavs unloads with services configured, in several namespaces.
#
#   topology: the root namespace and namespace nu (no links)
#   action:   services with real servers in both, a listing in flight; rmmod
#             aavs; modprobe aavs again
#   expect:   rmmod succeeds at once, /proc and sysctls go with it, and a
#             fresh load starts from an empty table with default timeouts.
. "$LAB/lib.sh"

modprobe aavs
netns_new nu
for ns in "" nu; do
	run() { if [ -n "$ns" ]; then on "$ns" "$@"; else "$@"; fi; }
	run ipvsadm -A -t 192.0.2.1:80 -s wlc -p 30
	run ipvsadm -A -u 192.0.2.1:53 -s sh -b sh-fallback
	run ipvsadm -A -f 3 -6 -s rr
	for i in 1 2 3; do
		run ipvsadm -a -t 192.0.2.1:80 -r 198.51.100.1$i -g -w $i
		run ipvsadm -a -u 192.0.2.1:53 -r 198.51.100.1$i -m
		run ipvsadm -a -f 3 -6 -r [2001:db8::1$i]:0 -i
	done
	run ipvsadm --set 11 22 33
done
expect_eq "$(ipvsadm -Sn | wc -l)" 12 "root's table"
expect_eq "$(on nu ipvsadm -Sn | wc -l)" 12 "nu's table"

log "rmmod with everything configured"
rmmod aavs || fail "rmmod aavs failed"
[ ! -e /proc/net/ip_vs ] || fail "/proc/net/ip_vs survived rmmod"
on nu test ! -e /proc/net/ip_vs || fail "nu's /proc/net/ip_vs survived rmmod"
[ ! -d /proc/sys/net/ipv4/vs ] || fail "net.ipv4.vs survived rmmod"

log "a fresh load starts empty"
modprobe aavs
expect_eq "$(on nu ipvsadm -Sn)" "" "nu's table after reload"
expect_eq "$(ipvsadm -L --timeout)" "Timeout (tcp tcpfin udp): 900 120 300" "timeouts after reload"
rmmod aavs
log "ok"
