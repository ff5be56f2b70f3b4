#!/bin/bash
# lab-kernels 6.12
# Persistence timeouts beyond 32-bit jiffies wrap exactly as in ip_vs.
#
#   topology: none (the root namespace only)
#   action:   ipvs_rawnl makes a persistent TCP service with timeouts of
#             360 s, 2678400 s (ipvsadm's largest), 17179869 s (the
#             largest whose jiffies fit 32 bits at HZ=250), 17179870 s and
#             4294967295 s (both wrap), first on stock ip_vs, then on aavs.
#   expect:   each request succeeds on both, and `ipvsadm -Ln` (netlink,
#             seconds) and /proc/net/ip_vs (jiffies) read the same on both:
#             ip_vs keeps timeout * HZ in 32 bits, so what it reports is
#             what its templates get, wrapped; aavs reporting the unwrapped
#             value while its 32-bit templates wrapped was the bug.
. "$LAB/lib.sh"

TIMEOUTS="360 2678400 17179869 17179870 4294967295"

probe() {
	local t
	for t in $TIMEOUTS; do
		ipvs_rawnl --persistent 192.0.2.1 80 "$t" ||
			fail "a persistent service of $t s was refused"
		echo "$t: $(ipvsadm -Ln | grep -o 'persistent .*')"
		echo "$t: $(grep -o 'persistent .*' /proc/net/ip_vs)"
		ipvsadm -C
	done
}

log "stock ip_vs"
unload_ipvs
load_stock_ipvs
probe >/tmp/persist_stock
unload_ipvs
log "aavs"
load_aavs
probe >/tmp/persist_aavs
cat /tmp/persist_aavs
if ! diff -u /tmp/persist_stock /tmp/persist_aavs; then
	fail "aavs reports persistence timeouts unlike stock ip_vs"
fi
rmmod aavs
log "ok"
