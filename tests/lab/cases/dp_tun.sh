#!/bin/bash
# On the debug kernel this case runs in `make soak` (tests/soak.sh), not in
# `make check`, whose time it did not fit.
# aavs forwards TCP and UDP over IP-in-IP tunnels (ipvsadm -i), IPv4 in
# IPv4 and IPv6 in IPv6: the DR topology of dr_stock.sh, real servers
# decapsulating on their fallback tunnel devices.
#
#   client ── router ── director (aavs, TUN, rr) ══ rs1, rs2, rs3
#                                    (tunl0 / ip6tnl0 up, VIP on lo)
#
#   expect: every flow answered by a real server straight to the client,
#           all three used; -Lnc shows Tunnel conns counted per flow.
#           Negative control (docs/deploying.md's rp_filter advice): with
#           rp_filter 1 or 2 on the real servers' tunl0 no IPv4 flow is
#           answered; with 0 they are again.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

# Loaded first, so every new namespace gets its tunl0 and ip6tnl0.
modprobe ipip
modprobe ip6_tunnel
dr_topology
for rs in "${RS_NAMES[@]}"; do
	on $rs ip link set tunl0 up
	on $rs ip link set ip6tnl0 up
	# Inner packets come in on the tunnel, replies leave by eth0.
	on $rs sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
done

load_aavs
for vip in $VIP4 "[$VIP6]"; do
	on director ipvsadm -A -t $vip:80 -s rr
	on director ipvsadm -A -u $vip:53 -s rr
	for i in 1 2 3; do
		case $vip in \[*) rip="[2001:db8:a::1$i]" ;; *) rip=192.0.2.1$i ;; esac
		on director ipvsadm -a -t $vip:80 -r $rip:80 -i
		on director ipvsadm -a -u $vip:53 -r $rip:53 -i
	done
done
on director ipvsadm -Ln
dr_traffic

log "big payloads fit under the tunnel header"
msg=$(head -c 1400 /dev/zero | tr '\0' y)
on client netcheck ask tcp $VIP4 80 "$msg" 3 >/dev/null || fail "1400-byte TCP payload over IPIP"
on client netcheck ask tcp $VIP6 80 "$msg" 3 >/dev/null || fail "1400-byte TCP payload over IP6IP6"

conns=$(on director ipvsadm -Lnc)
n=$(echo "$conns" | awk '$1 == "TCP" || $1 == "UDP"' | wc -l)
want=$(dr_flows_all)	# 126 flows, less any that reused a port
[ "$n" -ge "$want" ] || fail "ipvsadm -Lnc lists $n entries, expected >= $want"

# tunl0 has no address of its own, and the kernel's reverse-path check
# then fails in loose mode as in strict mode: only 0 lets them in.
# (connect() waits out the kernel's SYN retries; 10 s show the drop.)
for mode in 1 2; do
	log "rp_filter=$mode on the real servers' tunl0 drops what they decapsulate"
	for rs in "${RS_NAMES[@]}"; do on $rs sysctl -qw net.ipv4.conf.tunl0.rp_filter=$mode; done
	! on client timeout 10 netcheck ask tcp $VIP4 80 rpf$mode 1 >/dev/null 2>&1 ||
		fail "a flow was answered with rp_filter=$mode on tunl0"
done
for rs in "${RS_NAMES[@]}"; do on $rs sysctl -qw net.ipv4.conf.tunl0.rp_filter=0; done
on client netcheck ask tcp $VIP4 80 rpf0 3 >/dev/null || fail "no answer with rp_filter=0 on tunl0"
log "ok"
