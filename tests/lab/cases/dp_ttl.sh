#!/bin/bash
# lab-kernels 6.12
# A director is a hop: what it forwards leaves with its TTL (hop limit)
# one less, and what arrives with none left is answered "time exceeded",
# as ip_vs does.  Stock ip_vs and aavs one after the other in one guest,
# on the DR topology of dr_stock.sh.
#
#   client ── router ── director (VIP:53/UDP -g -> rs1) ── rs1
#
#   action: datagrams from the client to the VIP (IPv4 and IPv6) with a
#           hop count of 2 (1 left at the director) and of 3 (1 left at
#           the real server).
#   expect: 2: an ICMP "time exceeded" comes back (from the VIP); 3: the
#           real server answers; the same with aavs as with stock.
#           Before aavs decremented the hop count, the first datagram was
#           answered by rs1: the case failed.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

dr_topology

probe() {
	local module=$1 f vip ttl out=/tmp/ttl.$1
	: >"$out"
	modprobe $module
	for f in 4 6; do
		vip=$VIP4
		[ $f = 6 ] && vip=$VIP6
		on director ipvsadm -A -u $(case $f in 4) echo $vip ;; 6) echo "[$vip]" ;; esac):53 -s rr
		on director ipvsadm -a -u $(case $f in 4) echo $vip ;; 6) echo "[$vip]" ;; esac):53 \
			-r $(case $f in 4) echo 192.0.2.11 ;; 6) echo "[2001:db8:a::11]" ;; esac):53 -g
		for ttl in 2 3; do
			echo "IPv$f ttl $ttl: $(on client knobpkt udp-from --ttl $ttl $((41000 + f * 10 + ttl)) $vip 53)" >>"$out"
		done
	done
	sed "s/^/$module: /" "$out"
	on director ipvsadm -C
	unload_ipvs
}

probe ip_vs
probe aavs
diff /tmp/ttl.ip_vs /tmp/ttl.aavs || fail "aavs treats hop counts differently from stock ip_vs (- stock, + aavs)"
grep -q "IPv4 ttl 2: time-exceeded" /tmp/ttl.aavs || fail "no time exceeded for IPv4: $(cat /tmp/ttl.aavs)"
grep -q "IPv6 ttl 2: time-exceeded" /tmp/ttl.aavs || fail "no time exceeded for IPv6: $(cat /tmp/ttl.aavs)"
[ "$(grep -c 'ttl 3: answered' /tmp/ttl.aavs)" = 2 ] || fail "a datagram with hops to spare went unanswered: $(cat /tmp/ttl.aavs)"
log "ok"
