#!/bin/bash
# lab-kernels 6.1
# iptables' ipvs match (-m ipvs, the kernel's xt_ipvs) with aavs: the same
# rules count the same packets as with stock ip_vs and xt_ipvs, for
# iptables-legacy and iptables-nft, IPv4 and IPv6.
#
#   client ── director ─── back (bridge) ─┬─ rs1: NAT and DR server
#                                          └─ rs2: NAT and IPIP server
#   VIP:80/TCP and VIP:53/UDP by NAT (both), VIP:54/UDP by DR (rs1),
#   VIP:55/UDP by IPIP (rs2); real servers route via the director.
#
#   action: per iptables variant, per module (stock ip_vs, aavs): counting
#           rules in the director's mangle POSTROUTING, one per option of
#           the match (--ipvs, --vproto, --vaddr, --vport, --vdir,
#           --vmethod, --vportctl, inverted too); 8 datagrams to each UDP
#           service and 4 TCP connections to VIP:80, per VIP.
#   expect: every flow answered; each UDP service counts 8 packets in and
#           8 out (DR and IPIP replies pass the director, and ip_vs counts
#           them, state and all); each UDP rule's packet and byte counters
#           the same with aavs as with stock; the TCP rule counts with
#           both or with neither; `modprobe xt_ipvs` beside aavs loads
#           nothing.  The negative control is stock's own table: the rules
#           do not all count alike (MASQ requests match --vaddr, DR and
#           tunnels only --ipvs), so a match that ignored its options
#           would differ.  Without aavs's match the rules fail to load.
. "$LAB/lib.sh"
. "$LAB/cases/nat_back.inc"

VIP4=192.0.2.10 VIP6=2001:db8:f::10

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
# DR and IPIP replies come back through the director, from the VIP: not
# martians here.
on director sysctl -qw net.ipv4.conf.all.accept_local=1
nat_back rs1 rs2
for rs in rs1 rs2; do
	on $rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
	addr $rs lo $VIP4/32 $VIP6/128
	on $rs ip link set tunl0 up
	on $rs ip link set ip6tnl0 up 2>/dev/null || true
	serve $rs tcp 8080 $rs
	serve $rs udp 5353 $rs
	serve $rs udp 54 $rs
	serve $rs udp 55 $rs
done
wait_for on client ping -c1 -W1 198.51.100.1

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

# rules VIP LEN: the counting rules, one per line.
rules() {
	local vip=$1 len=$2
	cat <<RULES
-p udp -m ipvs --ipvs
-p udp -m ipvs ! --ipvs
-p udp -m ipvs --vproto udp
-p udp -m ipvs --vproto tcp
-p udp -m ipvs ! --vproto tcp
-p udp -m ipvs --vaddr $vip/$len
-p udp -m ipvs ! --vaddr $vip/$len
-p udp -m ipvs --vaddr $vip/$len --vport 53 --vmethod MASQ
-p udp -m ipvs --vport 54
-p udp -m ipvs ! --vport 53
-p udp -m ipvs --vmethod MASQ
-p udp -m ipvs --vmethod GATE
-p udp -m ipvs --vmethod IPIP
-p udp -m ipvs ! --vmethod MASQ
-p udp -m ipvs --vdir ORIGINAL
-p udp -m ipvs --vdir REPLY
-p udp -m ipvs --vportctl 21
-p udp -m ipvs ! --vportctl 21
-p tcp -m ipvs --vaddr $vip/$len --vport 80 --vmethod MASQ
RULES
}

# udp_stats: each UDP service's conns, packets and bytes in and out.
udp_stats() {
	on director ipvsadm -Ln --stats | awk '$1 == "UDP" {print $1, $2, $3, $4, $5, $6, $7}'
}
udp_counted() {
	[ "$(udp_stats | awk '$4 == 8 && $5 == 8' | wc -l)" = 6 ]
}

# scenario VARIANT MODULE: counters in /tmp/xt.VARIANT.MODULE.
scenario() {
	local variant=$1 module=$2 out=/tmp/xt.$1.$2 f ipt vip len port seen rule
	modprobe $module
	services
	for f in 4 6; do
		ipt=iptables-$variant vip=$VIP4 len=32
		[ $f = 6 ] && ipt=ip6tables-$variant vip=$VIP6 len=128
		while read -r rule; do
			# shellcheck disable=SC2086
			on director $ipt -t mangle -A POSTROUTING $rule ||
				fail "$variant, $module: $ipt refused: $rule"
		done < <(rules $vip $len)
	done
	for vip in $VIP4 $VIP6; do
		for port in 53 54 55; do
			seen=$(on client netcheck ask udp $vip $port "xt-$port" 8) ||
				fail "$variant, $module: UDP to $vip:$port: $(echo "$seen" | sort | uniq -c | xargs)"
		done
		on client netcheck ask tcp $vip 80 xt-tcp 4 >/dev/null ||
			fail "$variant, $module: TCP to $vip:80 not answered"
	done
	: >"$out"
	# ip_vs counts DR and tunnel replies that pass the director too (and
	# reports its counters up to 2 s late): 8 in, 8 out per UDP service.
	wait_for udp_counted || fail "$variant, $module: UDP counters: $(udp_stats)"
	udp_stats >>"$out"
	for f in 4 6; do
		ipt=iptables-$variant
		[ $f = 6 ] && ipt=ip6tables-$variant
		# "-A POSTROUTING RULE -c PACKETS BYTES"; TCP's count varies
		# with the segments each connection needs: counted or not.
		on director $ipt -t mangle -S POSTROUTING -v | grep -- '-m ipvs' |
			sed 's/^-A POSTROUTING //; /-p tcp/s/-c 0 0$/-c none/; /-p tcp/s/-c [1-9][0-9]* [0-9]*$/-c some/' |
			sed "s/^/IPv$f /" >>"$out"
		on director $ipt -t mangle -F POSTROUTING
	done
	sed "s/^/$variant $module: /" "$out"
	on director ipvsadm -C
	rmmod xt_ipvs 2>/dev/null || true
	unload_ipvs
}

for variant in legacy nft; do
	scenario $variant ip_vs
	grep -q '^\(IPv4\|IPv6\) -p udp -m ipvs --ipvs -c [1-9]' /tmp/xt.$variant.ip_vs ||
		fail "$variant: stock counted nothing IPVS sent"
	scenario $variant aavs
	log "$variant: aavs's counters against stock's"
	diff /tmp/xt.$variant.ip_vs /tmp/xt.$variant.aavs ||
		fail "$variant: the ipvs match counts differently with aavs (- stock, + aavs)"
done
log "ok"
