#!/bin/bash
# The sysctls a NAT director acts on, each with ip_vs's meaning, and ICMP
# errors checked before they are translated.
#
#   client ── router ── director ───────── back (bridge) ─┬─ rs1 .66 / ::66
#   198.51.100.2   192.0.2.1 │ eth0 192.0.2.10    eth1 203.0.113.65 ├─ rs2 .67 / ::67
#                    │          │ eth2 203.0.113.129
#                    └─ router2 ┘ (203.0.113.130; to router 203.0.113.133/.134)
#   VIP 203.0.113.10 / 2001:db8:f::10 on the director's lo; VIP:53 -> RS:5353
#   (UDP), VIP:80 -> RS:8080 (TCP), VIP:54 -> rs1:5454 (nothing listens).
#   The director routes what comes from the VIP by router2 (ip rule from
#   VIP), everything else by the router.
#
#   expect:
#   - ICMP checksum: a "too big" about a live flow with a corrupt ICMP
#     checksum (MTU 1280) is dropped, a good one (MTU 1300) reaches the
#     flow's server translated: the server's path MTU to the client ends
#     at 1300 (a path MTU is only ever lowered, so 1280 would stick).
#   - schedule_icmp: the same about a flow the director has no conn for
#     goes nowhere at 0 (MTU 1280) and at 1 is scheduled, gets a conn, and
#     reaches a server (which then holds 1300).
#   - nat_icmp_send: a datagram from rs1's service port with no conn is
#     forwarded at 0 (silence: the destination blackholes it) and at 1
#     answered with port unreachable (the sender's socket is refused).
#   - snat_reroute: at 0 replies follow the route to the client (router);
#     at 1 (the default) they are routed as sent from the VIP (router2).
. "$LAB/lib.sh"
. "$LAB/cases/nat_back.inc"

VIP4=203.0.113.10 VIP6=2001:db8:f::10
MODULE=${KNOBS_MODULE:-aavs}
FAILED=()

# check WHAT CMD...: run CMD; a failure is recorded and the case goes on,
# so one run shows every knob that does not work.
check() {
	local what=$1
	shift
	if "$@"; then log "ok: $what"; else echo "FAILED: $what"; FAILED+=("$what"); fi
}
# poll CMD...: CMD succeeds within 5 s (a check, unlike wait_for).
poll() {
	local i
	for i in $(seq 100); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

netns_new client router router2 director back rs1 rs2
veth client eth0 router c0
addr client eth0 198.51.100.2/24 2001:db8:c::2/64
addr router c0 198.51.100.1/24 2001:db8:c::1/64
on client ip route add default via 198.51.100.1
on client ip -6 route add default via 2001:db8:c::1
veth router l0 director eth0
addr router l0 192.0.2.1/24 2001:db8:a::1/64
addr director eth0 192.0.2.10/24 2001:db8:a::10/64
on router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
on router ip route add $VIP4/32 via 192.0.2.10
on router ip -6 route add $VIP6/128 via 2001:db8:a::10
# Addresses the nat_icmp_send datagrams go to: silently dropped.
on router ip route add blackhole 198.51.100.99/32
on router ip -6 route add blackhole 2001:db8:c::99/128
addr director lo $VIP4/32 $VIP6/128
on director ip route add default via 192.0.2.1
on director ip -6 route add default via 2001:db8:a::1
on director sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

# router2: a second way from the director to the router, for the VIP's
# own traffic only.
veth director eth2 router2 d0
addr director eth2 203.0.113.129/30 2001:db8:d::1/64
addr router2 d0 203.0.113.130/30 2001:db8:d::2/64
veth router2 r0 router r2
addr router2 r0 203.0.113.133/30 2001:db8:e::2/64
addr router r2 203.0.113.134/30 2001:db8:e::1/64
on router2 sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
on router2 ip route add default via 203.0.113.134
on router2 ip -6 route add default via 2001:db8:e::1
on director ip rule add from $VIP4 lookup 100
on director ip route add default via 203.0.113.130 table 100
on director ip -6 rule add from $VIP6 lookup 100
on director ip -6 route add default via 2001:db8:d::2 table 100

nat_back rs1 rs2
for rs in rs1 rs2; do
	serve $rs tcp 8080 $rs
	serve $rs udp 5353 $rs
done
wait_for on client ping -c1 -W1 192.0.2.10
wait_for on director ping -c1 -W1 203.0.113.67
wait_for on director ping -6 -c1 -W1 2001:db8:b::67
wait_for on director ping -c1 -W1 203.0.113.134
wait_for on director ping -6 -c1 -W1 2001:db8:e::1

modprobe $MODULE
for vip in $VIP4 "[$VIP6]"; do
	on director ipvsadm -A -t $vip:80 -s rr
	on director ipvsadm -A -u $vip:53 -s rr
	on director ipvsadm -A -u $vip:54 -s rr
	for n in 66 67; do
		case $vip in \[*) rip="[2001:db8:b::$n]" ;; *) rip=203.0.113.$n ;; esac
		on director ipvsadm -a -t $vip:80 -r $rip:8080 -m
		on director ipvsadm -a -u $vip:53 -r $rip:5353 -m
	done
	case $vip in \[*) rip="[2001:db8:b::66]" ;; *) rip=203.0.113.66 ;; esac
	on director ipvsadm -a -u $vip:54 -r $rip:5454 -m
done

# path_mtu RS DEST: the MTU RS's route cache holds for DEST, or nothing.
path_mtu() { on $1 ip route get $2 | sed -n 's/.* mtu \([0-9]*\).*/\1/p'; }
mtu_known() { [ -n "$(path_mtu $1 $2)" ]; }
# learned DEST: a real server holds some path MTU for DEST.
learned() { [ -n "$(path_mtu rs1 $1)$(path_mtu rs2 $1)" ]; }
# too_big [--bad-csum] VIP QPORT CLIENT CPORT MTU: the router says a UDP
# datagram VIP:QPORT -> CLIENT:CPORT could not pass its MTU.
too_big() {
	local bad=
	[ "$1" = --bad-csum ] && { bad=$1; shift; }
	case $1 in
	*:*) on router knobpkt icmp-err $bad 2001:db8:c::1 $1 udp $1 $2 $3 $4 $5 ;;
	*) on router knobpkt icmp-err $bad 198.51.100.1 $1 udp $1 $2 $3 $4 $5 ;;
	esac
}

log "ICMP checksum: a corrupt error about a live flow is not passed on"
export NETCHECK_SPORTS=$(mktemp -d)
for vip in $VIP4 $VIP6; do
	case $vip in *:*) client=2001:db8:c::2 ;; *) client=198.51.100.2 ;; esac
	rs=$(on client netcheck ask udp $vip 53 csum 1) || fail "UDP to $vip"
	sport=$(tail -1 "$NETCHECK_SPORTS/udp-$vip")
	too_big --bad-csum $vip 53 $client $sport 1280
	too_big $vip 53 $client $sport 1300
	wait_for mtu_known $rs $client
	check "$vip: corrupt error dropped, good one passed to $rs ($(path_mtu $rs $client))" \
		[ "$(path_mtu $rs $client)" = 1300 ]
done

log "schedule_icmp: an error about a flow with no conn"
for vip in $VIP4 $VIP6; do
	case $vip in *:*) client=2001:db8:c::77 ;; *) client=198.51.100.77 ;; esac
	on director sysctl -qw net.ipv4.vs.schedule_icmp=0
	too_big $vip 53 $client 40077 1280
	on director sysctl -qw net.ipv4.vs.schedule_icmp=1
	too_big $vip 53 $client 40077 1300
	check "$vip: scheduled error reached a server" poll learned $client
	check "$vip: only the scheduled one ($(path_mtu rs1 $client)/$(path_mtu rs2 $client))" \
		[ "$(path_mtu rs1 $client)$(path_mtu rs2 $client)" = 1300 ]
	check "$vip: the error made a conn" eval "on director ipvsadm -Lnc | grep -q '$client'"
done
on director sysctl -qw net.ipv4.vs.schedule_icmp=0
on director ipvsadm -Lnc | grep -F ':40077' || true

log "nat_icmp_send: a server's datagram with no conn"
for dst in 198.51.100.99 2001:db8:c::99; do
	on director sysctl -qw net.ipv4.vs.nat_icmp_send=0
	got=$(on rs1 knobpkt udp-from 5454 $dst 9999 1500)
	check "$dst, nat_icmp_send=0: forwarded ($got)" [ "$got" = silence ]
	on director sysctl -qw net.ipv4.vs.nat_icmp_send=1
	got=$(on rs1 knobpkt udp-from 5454 $dst 9999 1500)
	check "$dst, nat_icmp_send=1: port unreachable ($got)" [ "$got" = refused ]
done
on director sysctl -qw net.ipv4.vs.nat_icmp_send=0

log "snat_reroute: replies routed as the VIP's"
fwd4() { on router2 awk '$1 == "Ip:" && $2 ~ /^[0-9]/ {print $7}' /proc/net/snmp; }
fwd6() { on router2 awk '$1 == "Ip6OutForwDatagrams" {print $2}' /proc/net/snmp6; }
for mode in 0 1; do
	on director sysctl -qw net.ipv4.vs.snat_reroute=$mode
	for vip in $VIP4 $VIP6; do
		case $vip in *:*) f=fwd6 ;; *) f=fwd4 ;; esac
		before=$($f)
		on client netcheck ask tcp $vip 80 reroute 3 >/dev/null || fail "TCP to $vip, snat_reroute=$mode"
		after=$($f)
		if [ $mode = 0 ]; then
			check "$vip, snat_reroute=0: replies by the router ($before -> $after via router2)" [ "$after" = "$before" ]
		else
			check "$vip, snat_reroute=1: replies by router2 ($before -> $after)" [ "$after" -gt "$before" ]
		fi
	done
done

[ ${#FAILED[@]} = 0 ] || fail "${#FAILED[@]} checks failed: ${FAILED[*]}"
log "ok"
