#!/bin/bash
# lab-kernels 6.1
# net.ipv4.vs.conntrack=1: IPVS traffic stays in the director's conntrack
# as with ip_vs, so its own netfilter rules see it: a stateful FORWARD
# filter passes the replies, MASQUERADE after IPVS NAT makes real servers
# with no route to the clients reachable, conntrack -L lists the flows,
# and an entry goes when its IPVS conn does.
#
#   client ── director ─── back (bridge) ─┬─ rs1 .66 / ::66
#   198.51.100.2  eth0 .1 │ eth1 .65      └─ rs2 .67 / ::67
#                 VIP 192.0.2.10 / 2001:db8:f::10 (lo)
#   VIP:80/TCP -> RS:8080 and VIP:53/UDP -> RS:5353 by NAT (both
#   servers), VIP:54/UDP by DR (rs1), VIP:55/UDP by IPIP (rs2).
#
#   action, per module (stock ip_vs, then aavs), conntrack=1:
#     filter  FORWARD policy DROP but --ctstate ESTABLISHED; the real
#             servers route via the director; 4 TCP and 4 UDP flows per
#             NAT service, 4 to the DR and IPIP ones, IPv4 and IPv6;
#             conntrack -L;
#     masq    the real servers lose their default route; the director
#             masquerades what leaves by eth1; the same NAT flows;
#     expiry  UDP timeout 2 s: one datagram's entry, gone 8 s later
#             (conntrack's own would last 30 s).
#   expect: every flow answered, and conntrack's entries (client ports
#           masked) the same with aavs as with stock, in each step.
#           Negative control: aavs with conntrack=0 (the default) answers
#           none of the filtered or masqueraded flows.
. "$LAB/lib.sh"
. "$LAB/cases/nat_back.inc"

VIP4=192.0.2.10 VIP6=2001:db8:f::10

command -v conntrack >/dev/null || skip "no conntrack tool in the image"
modprobe ipip
modprobe ip6_tunnel
netns_new client director back rs1 rs2
veth client eth0 director eth0
addr client eth0 198.51.100.2/24 2001:db8:c::2/64
addr director eth0 198.51.100.1/24 2001:db8:c::1/64
on client ip route add $VIP4/32 via 198.51.100.1
on client ip -6 route add $VIP6/128 via 2001:db8:c::1
addr director lo $VIP4/32 $VIP6/128
on director sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# DR replies come back through the director, from the VIP: not martians.
on director sysctl -qw net.ipv4.conf.all.accept_local=1
nat_back rs1 rs2
for rs in rs1 rs2; do
	on $rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
	addr $rs lo $VIP4/32 $VIP6/128
	on $rs ip link set tunl0 up
	on $rs ip link set ip6tnl0 up
	serve $rs tcp 8080 $rs
	serve $rs udp 5353 $rs
done
serve rs1 udp 54 rs1
serve rs2 udp 55 rs2
wait_for on client ping -c1 -W1 198.51.100.1
wait_for on director ping -c1 -W1 203.0.113.67

services() {
	local f v rip1 rip2
	for f in 4 6; do
		if [ $f = 4 ]; then v=$VIP4 rip1=203.0.113.66 rip2=203.0.113.67
		else v="[$VIP6]" rip1="[2001:db8:b::66]" rip2="[2001:db8:b::67]"; fi
		on director ipvsadm -A -t $v:80 -s rr
		on director ipvsadm -A -u $v:53 -s rr
		on director ipvsadm -A -u $v:54 -s rr
		on director ipvsadm -A -u $v:55 -s rr
		for rip in $rip1 $rip2; do
			on director ipvsadm -a -t $v:80 -r $rip:8080 -m
			on director ipvsadm -a -u $v:53 -r $rip:5353 -m
		done
		on director ipvsadm -a -u $v:54 -r $rip1:54 -g
		on director ipvsadm -a -u $v:55 -r $rip2:55 -i
	done
}

# ipt ARGS: the same rule for IPv4 and IPv6.
ipt() {
	on director iptables-legacy "$@" && on director ip6tables-legacy "$@"
}

# flows PORTS...: 4 flows to each service, both VIPs; fails quietly, at
# the first flow not answered (UDP first: it gives up sooner).
flows() {
	local vip port
	for vip in $VIP4 $VIP6; do
		for port in "$@"; do
			on client netcheck ask udp $vip $port ct-$port 4 >/dev/null || return 1
		done
		on client netcheck ask tcp $vip 80 ct-tcp 4 >/dev/null || return 1
	done
}

# entries: conntrack's TCP and UDP entries in a comparable form: tuples
# only (no timeouts, states or flags), client-chosen ports masked, sorted.
entries() {
	local f p
	for f in ipv4 ipv6; do
		for p in tcp udp; do
			on director conntrack -L -f $f -p $p 2>/dev/null
		done
	done | awk '{
		out = $1
		for (i = 2; i <= NF; i++) {
			if ($i !~ /^(src|dst|sport|dport)=/) continue
			split($i, kv, "=")
			if (kv[1] ~ /port/ && kv[2] + 0 >= 1024 && kv[2] != 5353 && kv[2] != 8080)
				kv[2] = "P"
			out = out " " kv[1] "=" kv[2]
		}
		print out
	}' | sort
}

# scenario MODULE CONNTRACK: results in /tmp/ct.MODULE.CONNTRACK.
scenario() {
	local module=$1 ct=$2 out=/tmp/ct.$1.$2 rs
	modprobe $module
	on director sysctl -qw net.ipv4.vs.conntrack=$ct
	services
	: >"$out"

	log "$module, conntrack=$ct: stateful filter"
	ipt -P FORWARD DROP
	ipt -A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT
	if flows 53 54 55; then echo "filter: answered" >>"$out"
	else echo "filter: not answered" >>"$out"; fi
	entries | sed 's/^/filter: /' >>"$out"
	ipt -F FORWARD
	ipt -P FORWARD ACCEPT
	on director conntrack -F 2>/dev/null

	log "$module, conntrack=$ct: MASQUERADE after NAT"
	for rs in rs1 rs2; do
		on $rs ip route del default
		on $rs ip -6 route del default
	done
	ipt -t nat -A POSTROUTING -o eth1 -j MASQUERADE
	if flows 53; then echo "masq: answered" >>"$out"
	else echo "masq: not answered" >>"$out"; fi
	entries | sed 's/^/masq: /' >>"$out"
	ipt -t nat -F POSTROUTING
	for rs in rs1 rs2; do
		on $rs ip route add default via 203.0.113.65
		on $rs ip -6 route add default via 2001:db8:b::65
	done
	on director conntrack -F 2>/dev/null

	log "$module, conntrack=$ct: the entry goes with the conn"
	on director ipvsadm --set 0 0 2
	# A conntrack rule keeps conntrack on in the namespace.
	ipt -A FORWARD -m conntrack --ctstate INVALID -j DROP
	on client netcheck ask udp $VIP4 53 ct-expiry >/dev/null || fail "$module: UDP to $VIP4:53 not answered"
	entries | sed 's/^/expiry, at once: /' >>"$out"
	sleep 8
	entries | sed 's/^/expiry, 8 s later: /' >>"$out"
	ipt -F FORWARD
	on director conntrack -F 2>/dev/null

	sed "s/^/$module conntrack=$ct: /" "$out"
	on director ipvsadm -C
	on director ipvsadm --set 900 120 300
	unload_ipvs
}

scenario ip_vs 1
grep -q '^filter: answered' /tmp/ct.ip_vs.1 && grep -q '^masq: answered' /tmp/ct.ip_vs.1 ||
	fail "stock ip_vs did not pass the flows: the lab is broken"
grep -q '^expiry, at once: udp' /tmp/ct.ip_vs.1 ||
	fail "stock ip_vs: no conntrack entry to watch go"
scenario aavs 1
log "aavs against stock, conntrack=1"
diff /tmp/ct.ip_vs.1 /tmp/ct.aavs.1 ||
	fail "conntrack sees IPVS traffic differently with aavs (- stock, + aavs)"
scenario aavs 0
grep -q '^filter: not answered' /tmp/ct.aavs.0 && grep -q '^masq: not answered' /tmp/ct.aavs.0 ||
	fail "control: with conntrack=0 the filter or MASQUERADE passed IPVS flows"
log "ok"
