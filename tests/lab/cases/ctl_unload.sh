#!/bin/bash
# On the debug kernel this case runs in `make soak` (tests/soak.sh), not in
# `make check`, whose time it did not fit.
# aavs unloads with services configured, in several namespaces.
#
#   topology: first the root namespace and namespace nu (no links); then
#             the DR topology of dr_topology.inc (client, router, director,
#             rs1..rs3) with TCP and UDP flows running
#   action:   services with real servers in both namespaces; rmmod aavs;
#             modprobe aavs again; then rmmod while flows run; then delete
#             the director's namespace with live connections, and rmmod
#   expect:   rmmod succeeds every time, /proc and sysctls go with it, and a
#             fresh load starts from an empty table with default timeouts.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

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

# flows_running: new TCP and UDP flows to both VIPs, until killed.
flows_running() {
	while :; do
		on client netcheck ask tcp $VIP4 80 x 5 || true
		on client netcheck ask udp $VIP6 53 x 5 || true
	done >/dev/null 2>&1
}
has_conns() { [ "$(on director ipvsadm -Lnc | wc -l)" -gt 4 ]; }

log "rmmod while flows run"
dr_topology
load_aavs
dr_services rr
flows_running &
flows=$!
wait_for -t 20 has_conns
on director ipvsadm -Lnc | head -4
rmmod aavs || fail "rmmod aavs with flows running failed"
kill $flows 2>/dev/null || true
wait $flows 2>/dev/null || true

log "delete the director's namespace with live connections"
load_aavs
dr_services rr
on client netcheck ask tcp $VIP4 80 x 10 >/dev/null || fail "no traffic after reload"
wait_for -t 20 has_conns
ip netns pids director | xargs -r kill -9
ip netns del director
wait_for -t 30 rmmod aavs
log "ok"
