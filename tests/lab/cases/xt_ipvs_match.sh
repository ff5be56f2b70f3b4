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

nat_back_mixed_topology $VIP4 $VIP6


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

# udp_stats: each UDP service's conns, packets and bytes in and out.  The
# conns only as counted or not: the client's kernel may give two of the 8
# flows the same source port, which then share one conn (7 against 8, now
# and then, with either module).
udp_stats() {
	on director ipvsadm -Ln --stats |
		awk '$1 == "UDP" {print $1, $2, ($3 > 0 ? "conns" : "no-conns"), $4, $5, $6, $7}'
}
udp_counted() {
	[ "$(udp_stats | awk '$4 == 8 && $5 == 8' | wc -l)" = 6 ]
}

# scenario VARIANT MODULE: counters in /tmp/xt.VARIANT.MODULE.
scenario() {
	local variant=$1 module=$2 out=/tmp/xt.$1.$2 f ipt vip len port seen rule
	modprobe $module
	nat_back_mixed $VIP4 $VIP6
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
