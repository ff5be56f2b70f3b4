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
nat_back_mixed_topology $VIP4 $VIP6
wait_for on director ping -c1 -W1 203.0.113.67

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
	nat_back_mixed $VIP4 $VIP6
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
