#!/bin/bash
# What docs/deploying.md says about ARP and ND for a VIP on lo, checked.
#
#   topology: probe eth0 192.0.2.1 fd00::1 ── host eth0 192.0.2.11 fd00::11,
#             VIP 203.0.113.10/32 and 2001:db8:f::10/128 on host's lo
#   action:   probe asks for the VIPs (ARP request, neighbour solicitation)
#             and for host's own address; host sends from the VIP to probe;
#             first with the kernel's defaults (a director), then with the
#             real servers' arp_ignore=1 arp_announce=2
#   expect:   defaults: the IPv4 VIP IS answered in ARP (Linux answers for
#             any local address), the IPv6 VIP is not answered in ND (only
#             addresses on the asking interface are); a packet from the VIP
#             teaches probe that the VIP lives at host.  With the real
#             servers' settings neither happens, and host's own address is
#             still answered.
# lab-kernels 6.1
. "$LAB/lib.sh"

VIP4=203.0.113.10 VIP6=2001:db8:f::10
netns_new probe host
veth probe eth0 host eth0
addr probe eth0 192.0.2.1/24 fd00::1/64
addr host eth0 192.0.2.11/24 fd00::11/64
on host ip addr add $VIP4/32 dev lo
on host ip -6 addr add $VIP6/128 dev lo

# arp_answered ADDR: probe gets an ARP reply for ADDR on its lan.
arp_answered() { on probe arping -q -f -c 2 -w 2 -I eth0 "$1"; }
# nd_answered ADDR: probe, treating ADDR as on-link, resolves it.
nd_answered() {
	on probe ip -6 neigh flush dev eth0
	on probe ip -6 route replace "$1/128" dev eth0
	on probe ping -c 1 -W 2 "$1" >/dev/null 2>&1 || true
	on probe ip -6 neigh show "$1" dev eth0 | grep -Eq 'REACHABLE|STALE|DELAY|PROBE'
}
# vip_learned: after host pings probe from the VIP, probe's neighbour
# table has an entry for the VIP (ARP requests carried it as sender).
vip_learned() {
	on probe ip neigh flush dev eth0
	on host ip neigh flush dev eth0
	on host ping -c 1 -W 2 -I $VIP4 192.0.2.1 >/dev/null 2>&1 || true
	on probe ip neigh show $VIP4 dev eth0 | grep -q lladdr
}

log "a director's defaults (arp_ignore=0, arp_announce=0)"
arp_answered 192.0.2.11 || fail "host's own address is not answered in ARP"
arp_answered $VIP4 || fail "expected the IPv4 VIP on lo to be answered in ARP with arp_ignore=0"
! nd_answered $VIP6 || fail "the IPv6 VIP on lo was answered in ND"
nd_answered fd00::11 || fail "host's own IPv6 address is not answered in ND"
vip_learned || fail "expected probe to learn the VIP from host's ARP request with arp_announce=0"

log "a real server's settings (arp_ignore=1, arp_announce=2)"
on host sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
! arp_answered $VIP4 || fail "the IPv4 VIP on lo is answered in ARP with arp_ignore=1"
arp_answered 192.0.2.11 || fail "host's own address is not answered with arp_ignore=1"
! vip_learned || fail "probe learned the VIP from host's ARP request with arp_announce=2"
! nd_answered $VIP6 || fail "the IPv6 VIP on lo was answered in ND"
log "ok"
