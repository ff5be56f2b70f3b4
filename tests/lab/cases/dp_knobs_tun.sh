#!/bin/bash
# The sysctls a tunnelling director acts on, with ip_vs's meaning: the DR
# topology of dr_stock.sh with IP-in-IP real servers (as dp_tun.sh).
#
#   client ── router ── director (VIP:80 -i -> rs1 only; VIP:53 -> rs3 only)
#                          ║ the director's path to rs3 narrows to 1300 bytes
#                          ╠══ rs1: also a director, its own VIP:80 -i -> rs2
#                          ╠══ rs2
#                          ╚══ rs3
#
#   expect:
#   - ignore_tunneled on rs1: at 0, what the director tunnels to rs1 is
#     scheduled again by rs1 and answered by rs2; at 1 rs1 answers itself.
#     (Stock ip_vs answers rs2 at 1 too: it marks the IPIP packet, and
#     decapsulation clears the mark on 6.1: seen with KNOBS_MODULE=ip_vs
#     set by a wrapper case that sources this one.)
#   - pmtu_disc: a 1400-byte UDP datagram (DF) to VIP:53 does not fit the
#     tunnel to rs3.  At 0 it is sent in fragments and answered, and the
#     client learns no smaller path MTU; at 1 the director answers
#     "fragmentation needed" and the client holds 1280 for the VIP.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

MODULE=${KNOBS_MODULE:-aavs}
FAILED=()
check() {
	local what=$1
	shift
	if "$@"; then log "ok: $what"; else echo "FAILED: $what"; FAILED+=("$what"); fi
}

modprobe ipip
modprobe ip6_tunnel
dr_topology
for rs in "${RS_NAMES[@]}"; do
	on $rs ip link set tunl0 up
	on $rs ip link set ip6tnl0 up
	on $rs sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
done
on director ip route add 192.0.2.13/32 dev eth0 mtu lock 1300

modprobe $MODULE
on director ipvsadm -A -t $VIP4:80 -s rr
on director ipvsadm -a -t $VIP4:80 -r 192.0.2.11:80 -i
on director ipvsadm -A -t [$VIP6]:80 -s rr
on director ipvsadm -a -t [$VIP6]:80 -r [2001:db8:a::11]:80 -i
on director ipvsadm -A -u $VIP4:53 -s rr
on director ipvsadm -a -u $VIP4:53 -r 192.0.2.13:53 -i
on rs1 ipvsadm -A -t $VIP4:80 -s rr
on rs1 ipvsadm -a -t $VIP4:80 -r 192.0.2.12:80 -i
on rs1 ipvsadm -A -t [$VIP6]:80 -s rr
on rs1 ipvsadm -a -t [$VIP6]:80 -r [2001:db8:a::12]:80 -i

log "ignore_tunneled: a director that is also a real server"
for mode in 0 1; do
	on rs1 sysctl -qw net.ipv4.vs.ignore_tunneled=$mode
	want=rs2
	[ $mode = 1 ] && want=rs1
	for vip in $VIP4 $VIP6; do
		seen=$(on client netcheck ask tcp $vip 80 tunneled 3 | sort -u | xargs) ||
			fail "TCP to $vip, ignore_tunneled=$mode: $seen"
		check "$vip, ignore_tunneled=$mode: answered by $want ($seen)" [ "$seen" = $want ]
	done
done

log "pmtu_disc: too big for the tunnel"
msg=$(head -c 1400 /dev/zero | tr '\0' t)
client_mtu() { on client ip route get $VIP4 | sed -n 's/.* mtu \([0-9]*\).*/\1/p'; }
on director sysctl -qw net.ipv4.vs.pmtu_disc=0
seen=$(on client netcheck ask udp $VIP4 53 "$msg" 1) || true
check "pmtu_disc=0: fragmented into the tunnel and answered ($seen)" [ "$seen" = rs3 ]
check "pmtu_disc=0: no fragmentation needed ($(client_mtu))" [ -z "$(client_mtu)" ]
on director sysctl -qw net.ipv4.vs.pmtu_disc=1
on client netcheck ask udp $VIP4 53 "$msg" 1 >/dev/null || true
check "pmtu_disc=1: fragmentation needed ($(client_mtu))" [ "$(client_mtu)" = 1280 ]

[ ${#FAILED[@]} = 0 ] || fail "${#FAILED[@]} checks failed: ${FAILED[*]}"
log "ok"
