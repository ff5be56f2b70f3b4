#!/bin/bash
# lab-kernels 6.12
# GUE and GRE tunnels (ipvsadm --tun-type gue|gre, with their checksum
# options), stock ip_vs and aavs one after the other in the same guest: the
# DR topology of dr_stock.sh, real servers decapsulating with the kernel's
# own tunnel devices.
#
#   client ── router ── director ══ rs1: fou port 6080 (gue) + ipip/ip6tnl
#                       (TUN, rr)   rs2: gre / ip6gre
#                                   rs3: gre / ip6gre with csum (checksum
#                                        required on input)
#
#   action: per module, TCP and UDP flows to a VIP (IPv4 and IPv6) served by
#           all three, and 4000-byte TCP messages (GSO packets whose
#           segments do not fit the tunnels: path MTU discovery); rs1's GUE dest with --tun-nocsum, --tun-csum,
#           --tun-remcsum in turn; one UDP datagram from a fixed port to a
#           one-server service per real server, captured on the real
#           server's NIC; a 1400-byte datagram (DF) into a path narrowed
#           to 1300 (IPv4) / 1400 (IPv6) bytes.
#   expect: every flow answered, by all three real servers; the captured
#           packets are byte for byte those stock ip_vs sends (outer
#           header, GUE/GRE header, checksum present or not, the inner
#           packet with its hop count less one; masked: what the client's
#           socket randomises, see mask()); the MTU the client learns for each tunnel type is
#           stock's (the path's 1300/1400 less the outer header and 8 + 4
#           for GUE, 4 for GRE, 8 for GRE with checksum), GSO packets
#           included: the director's output path refuses none of them
#           (FragFails, as with stock).  Before this case's change aavs refused
#           GUE and GRE dests (EOPNOTSUPP): the same scenario failed.
. "$LAB/lib.sh"
. "$LAB/cases/dr_topology.inc"

for m in fou fou6 ipip ip6_tunnel ip_gre ip6_gre; do modprobe $m; done
dr_topology
D4=192.0.2.10 D6=2001:db8:a::10
for i in 1 2 3; do
	rs=rs$i
	on $rs sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	case $rs in
	rs1)
		on rs1 ip fou add port 6080 gue
		on rs1 ip fou add port 6080 gue -6
		on rs1 ip link add t4 type ipip remote $D4 local 192.0.2.11 \
			encap gue encap-sport auto encap-dport 6080
		on rs1 ip link add t6 type ip6tnl mode ip6ip6 remote $D6 local 2001:db8:a::11 \
			encap gue encap-sport auto encap-dport 6080
		;;
	*)
		csum=
		[ $rs = rs3 ] && csum=csum
		on $rs ip link add t4 type gre remote $D4 local 192.0.2.1$i $csum
		on $rs ip link add t6 type ip6gre remote $D6 local 2001:db8:a::1$i $csum
		;;
	esac
	on $rs sysctl -qw net.ipv4.conf.t4.rp_filter=0
	on $rs ip link set t4 up
	on $rs ip link set t6 up
	# VIP:54N reaches rsN's datagram echo (tunnels keep the port).
	serve $rs udp 54$i $rs
done
# The path to every real server narrows: 1300 bytes for IPv4, 1400 for IPv6.
for i in 1 2 3; do
	on director ip route add 192.0.2.1$i/32 dev eth0 mtu lock 1300
	on director ip -6 route add 2001:db8:a::1$i/128 dev eth0 metric 256 mtu lock 1400
done

# tun_opts RS GUE_CSUM: the ipvsadm tunnel options of RS's dest.
tun_opts() {
	case $1 in
	rs1) echo "-i --tun-type gue --tun-port 6080 --tun-$2" ;;
	rs2) echo "-i --tun-type gre --tun-nocsum" ;;
	rs3) echo "-i --tun-type gre --tun-csum" ;;
	esac
}
rip() { case $1 in 4) echo 192.0.2.1$2 ;; 6) echo "[2001:db8:a::1$2]" ;; esac; }
vip() { case $1 in 4) echo $VIP4 ;; 6) echo "[$VIP6]" ;; esac; }

# services: VIP:80/TCP and VIP:53/UDP on all three, VIP:54N/UDP on rsN
# alone, for both VIPs; rs1 starts on GUE without checksum.
services() {
	local f i
	for f in 4 6; do
		on director ipvsadm -A -t $(vip $f):80 -s rr
		on director ipvsadm -A -u $(vip $f):53 -s rr
		for i in 1 2 3; do
			on director ipvsadm -a -t $(vip $f):80 -r $(rip $f $i):80 $(tun_opts rs$i nocsum)
			on director ipvsadm -a -u $(vip $f):53 -r $(rip $f $i):53 $(tun_opts rs$i nocsum)
			on director ipvsadm -A -u $(vip $f):54$i -s rr
			on director ipvsadm -a -u $(vip $f):54$i -r $(rip $f $i):54$i $(tun_opts rs$i nocsum)
		done
	done
}

# gue_csum CSUM: rs1's dests edited in place (their flows go on) to
# --tun-CSUM.
gue_csum() {
	local f
	for f in 4 6; do
		on director ipvsadm -e -t $(vip $f):80 -r $(rip $f 1):80 $(tun_opts rs1 $1)
		on director ipvsadm -e -u $(vip $f):53 -r $(rip $f 1):53 $(tun_opts rs1 $1)
		on director ipvsadm -e -u $(vip $f):541 -r $(rip $f 1):541 $(tun_opts rs1 $1)
	done
}

# traffic: 12 TCP and 12 UDP flows per VIP, answered by all three.
traffic() {
	local vip proto port seen rs
	for vip in $VIP4 $VIP6; do
		for proto in tcp udp; do
			port=80; [ $proto = udp ] && port=53
			seen=$(on client netcheck ask $proto $vip $port "hello-$proto" 12) ||
				fail "$1: $proto to $vip: not every flow answered: $(echo "$seen" | sort | uniq -c | xargs)"
			for rs in "${RS_NAMES[@]}"; do
				grep -qx "$rs" <<<"$seen" || fail "$1: $proto to $vip never reached $rs"
			done
		done
		# 4000 bytes: the client's TCP sends them as one GSO packet,
		# too big for the narrowed tunnel paths in its segments.  (Not
		# with GUE's remote checksum: stock ip_vs loses those, and so
		# would aavs, which sends the same packets.)
		[[ $1 == *remcsum ]] && continue
		on client netcheck ask tcp $vip 80 "$(head -c 4000 /dev/zero | tr '\0' b)" 3 >/dev/null ||
			fail "$1: 4000-byte TCP messages to $vip not answered"
	done
}

# mask N F: the hex packet on stdin with what is not the director's to
# choose masked, and the outer length fields (below).  The client's own per-socket randomness: the inner IPv4
# ID (and so the inner header checksum) or the inner IPv6 flow label, and
# GUE's UDP source port, a hash of the flow that takes the client socket's
# transmit hash into account (it crosses veth and netns unchanged).  And
# the checksums over them (outer UDP for GUE, GRE's): "cccc" when present,
# 0000 when not, which is what the options decide.
mask() {
	local pkt o t ck
	read -r pkt
	o=40; [ "$2" = 6 ] && o=80	# the outer header, in hex digits
	case $1 in
	1)	# UDP and GUE (and its options: GUE's hlen, in 4-byte words)
		t=$((24 + 8 * 0x${pkt:o+16:2}))
		ck=${pkt:o+12:4}; [ "$ck" = 0000 ] || ck=cccc
		pkt=${pkt:0:o}ssss${pkt:o+4:8}$ck${pkt:o+16}
		;;
	*)	# GRE, with the checksum when its C bit is set
		t=8
		if [ "${pkt:o:1}" = 8 ]; then
			t=16
			pkt=${pkt:0:o+8}cccc${pkt:o+12}
		fi
		;;
	esac
	# The outer length fields and IPv4 header checksum: fou rewrites them
	# in place when it strips UDP and GUE, in the very buffer the capture
	# shares, so pktcap reads the wire's or fou's values as the race goes
	# (seen: 0x43 once, 0x37 otherwise, for a 67-byte packet).  The
	# line's length and the real server's answer vouch for them.
	if [ "$2" = 4 ]; then
		pkt=${pkt:0:4}llll${pkt:8:12}hhhh${pkt:24}
	else
		pkt=${pkt:0:8}llll${pkt:12}
	fi
	local i=$((o + t))
	if [ "$2" = 4 ]; then
		pkt=${pkt:0:i+8}iiii${pkt:i+12:8}hhhh${pkt:i+24}
	else
		pkt=${pkt:0:i+3}fffff${pkt:i+8}
	fi
	echo "$pkt"
}

# capture OUT N WHAT: per real server and family, the packet one datagram
# from a client port of its own becomes on the real server's NIC.
capture() {
	local out=$1 n=$2 f i proto pid answer
	for f in 4 6; do
		for i in 1 2 3; do
			proto=47; [ $i = 1 ] && proto=17
			on rs$i pktcap eth0 $proto 1 3000 >/tmp/cap &
			pid=$!
			wait_for grep -q '^# listening' /tmp/cap
			answer=$(on client knobpkt udp-from $((40000 + n * 100 + f * 10 + i)) $(vip $f | tr -d '[]') 54$i)
			wait $pid || fail "$3: no packet for rs$i (IPv$f) on its NIC"
			echo "rs$i IPv$f $answer $(grep -v '^#' /tmp/cap | mask $i $f)" >>"$out"
		done
	done
}

# client_mtu F N: the path MTU the client holds for the VIP after a
# 1400-byte datagram to VIP:54N.
client_mtu() {
	local vip
	vip=$(vip $1 | tr -d '[]')
	on client ip -$1 route flush cache
	on client netcheck ask udp $vip 54$2 "$(head -c 1400 /dev/zero | tr '\0' m)" 1 >/dev/null 2>&1 || true
	on client ip route get $vip | sed -n 's/.* mtu \([0-9]*\).*/\1/p'
}

# frag_fails: the director's IPv4 and IPv6 FragFails, summed: packets its
# own output path found too big and refused (an ICMP error to itself, for
# a tunnel's outer packet: the client hears nothing).
frag_fails() {
	local v4 v6
	v4=$(on director awk '$1 == "Ip:" { if (!c) { for (i = 1; i <= NF; i++) if ($i == "FragFails") c = i } else print $c }' /proc/net/snmp)
	v6=$(on director awk '$1 == "Ip6FragFails" {print $2}' /proc/net/snmp6)
	echo $((v4 + v6))
}

# scenario MODULE: everything above on MODULE; results in /tmp/encap.MODULE.
scenario() {
	local module=$1 out=/tmp/encap.$1 c n=0 f i
	: >"$out"
	modprobe $module
	services
	local fails0
	fails0=$(frag_fails)
	for c in nocsum csum remcsum; do
		n=$((n + 1))
		gue_csum $c
		traffic "$module gue $c"
		log "$module, rs1 on GUE --tun-$c: every flow answered by all three"
		capture "$out" $n "$module gue $c"
	done
	# Too big in its segments: "fragmentation needed" before the tunnel.
	echo "director FragFails: $(($(frag_fails) - fails0))" >>"$out"
	on director ipvsadm -Sn >>"$out"
	for f in 4 6; do
		for i in 1 2 3; do
			echo "mtu IPv$f rs$i $(client_mtu $f $i)" >>"$out"
		done
	done
	grep '^mtu' "$out" | sed "s/^/$module: /"
	on director ipvsadm -C
	unload_ipvs
}

scenario ip_vs
scenario aavs

log "aavs sends what stock ip_vs sends"
diff /tmp/encap.ip_vs /tmp/encap.aavs || fail "aavs's tunnel packets, listing or MTUs differ from stock ip_vs's (above: - stock, + aavs)"
n=$(grep -c '^rs[123] IPv[46] answered [46]' /tmp/encap.aavs)
[ "$n" = 18 ] || fail "$n of 18 datagrams captured and answered: $(head -3 /tmp/encap.aavs)"
for f in 4 6; do
	for i in 1 2 3; do
		mtu=$(awk -v k="IPv$f" -v r="rs$i" '$1 == "mtu" && $2 == k && $3 == r {print $4}' /tmp/encap.aavs)
		[ -n "$mtu" ] || fail "IPv$f to rs$i: the client learned no path MTU"
	done
done
log "ok"
