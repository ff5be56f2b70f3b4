#!/bin/bash
# lab-kernels 6.12
# A client on the director itself reaches the virtual services as a remote
# one would: ip_vs schedules its packets at LOCAL_OUT, forwards them by DR
# or NAT, and turns NAT replies back at LOCAL_IN.  Stock ip_vs first, then
# aavs, each on a fresh topology; the two runs must agree.
#
#   director eth0 192.0.2.10 / 2001:db8:a::10 ── lan ─┬─ rs1 .11 / ::11 (VIP on lo)
#            eth1 203.0.113.65 ── back ─┬─ nat1 .66   ├─ rs2 .12 / ::12
#                                       │             └─ client .2 / ::2
#            VIP 203.0.113.10 /         └─ nat2 .67  (route via the director)
#                2001:db8:f::10 on lo
#   DR:  VIP:80/tcp, VIP:53/udp -> rs1, rs2 (-g)
#   NAT: VIP:8080/tcp, VIP:5353/udp -> nat1, nat2 (-m);
#        VIP:54/udp -> 127.0.0.1:5454 / [::1]:5454 and VIP:55/udp ->
#        eth1's address:5455 (-m), daemons on the director itself
#
#   action: netcheck in the director's namespace asks each service, IPv4
#           and IPv6.  To NAT services it sends from the VIP (the address
#           the kernel picks); to DR ones from eth0's address, as the real
#           servers hold the VIP too, and answer it directly.  A remote
#           client asks VIP:55 (and VIP:54) too.  4000-byte messages:
#           TCP (GSO bursts) by DR and NAT, UDP by NAT.
#   expect: with both modules, every flow answered, by both servers of a
#           pair; the loopback daemon answers a local client (only another
#           host's packets are kept from loopback), the eth1 one local and
#           remote clients (its replies rewritten at LOCAL_OUT); the same
#           answers, `ipvsadm -Ln --stats` conns (and UDP packets), the same
#           -Lnc entries and states, and the same TTL / hop limit at the
#           real server; big TCP messages answered, a big UDP datagram
#           refused as too big (the socket only learns the path MTU from
#           it).  An IPv4 DR reply comes from the VIP, a local
#           address: the director takes it only with accept_local (both
#           modules).  Before aavs hooked LOCAL_OUT, its packets looped
#           through lo to LOCAL_IN: DR worked, but NAT replies reached the
#           local socket untranslated and the case failed there.
. "$LAB/lib.sh"
. "$LAB/cases/nat_back.inc"

VIP4=203.0.113.10 VIP6=2001:db8:f::10
SRC4=192.0.2.10 SRC6=2001:db8:a::10

topology() {
	local i rs
	netns_new lan back director rs1 rs2 nat1 nat2 client
	on lan ip link add br0 type bridge
	on lan ip link set br0 up
	veth client eth0 lan p-client
	on lan ip link set p-client master br0
	addr client eth0 192.0.2.2/24 2001:db8:a::2/64
	on client ip route add $VIP4/32 via $SRC4
	on client ip -6 route add $VIP6/128 via $SRC6
	veth director eth0 lan p-director
	on lan ip link set p-director master br0
	addr director eth0 $SRC4/24 $SRC6/64
	addr director lo $VIP4/32 $VIP6/128
	on director sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	for i in 1 2; do
		rs=rs$i
		veth $rs eth0 lan p-$rs
		on lan ip link set p-$rs master br0
		addr $rs eth0 192.0.2.1$i/24 2001:db8:a::1$i/64
		on $rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
		addr $rs lo $VIP4/32 $VIP6/128
		serve $rs tcp 80 $rs
		serve $rs udp 53 $rs
	done
	nat_back nat1 nat2
	for rs in nat1 nat2; do
		serve $rs tcp 8080 $rs
		serve $rs udp 5353 $rs
	done
	serve director udp 5454 director
	serve director udp 5455 director
	wait_for on director ping -c1 -W1 192.0.2.12
	wait_for on director ping -6 -c1 -W1 2001:db8:a::12
	wait_for on director ping -c1 -W1 203.0.113.67
	wait_for on director ping -6 -c1 -W1 2001:db8:b::67
}

services() {
	local vip f i rip
	for f in 4 6; do
		if [ $f = 4 ]; then vip=$VIP4; else vip="[$VIP6]"; fi
		on director ipvsadm -A -t $vip:80 -s rr
		on director ipvsadm -A -u $vip:53 -s rr
		on director ipvsadm -A -t $vip:8080 -s rr
		on director ipvsadm -A -u $vip:5353 -s rr
		on director ipvsadm -A -u $vip:54 -s rr
		for i in 1 2; do
			if [ $f = 4 ]; then rip=192.0.2.1$i; else rip="[2001:db8:a::1$i]"; fi
			on director ipvsadm -a -t $vip:80 -r $rip:80 -g
			on director ipvsadm -a -u $vip:53 -r $rip:53 -g
			if [ $f = 4 ]; then rip=203.0.113.6$((i + 5)); else rip="[2001:db8:b::6$((i + 5))]"; fi
			on director ipvsadm -a -t $vip:8080 -r $rip:8080 -m
			on director ipvsadm -a -u $vip:5353 -r $rip:5353 -m
		done
	done
	on director ipvsadm -a -u $VIP4:54 -r 127.0.0.1:5454 -m
	on director ipvsadm -a -u "[$VIP6]:54" -r "[::1]:5454" -m
	on director ipvsadm -A -u $VIP4:55 -s rr
	on director ipvsadm -a -u $VIP4:55 -r 203.0.113.65:5455 -m
	on director ipvsadm -A -u "[$VIP6]:55" -s rr
	on director ipvsadm -a -u "[$VIP6]:55" -r "[2001:db8:b::65]:5455" -m
}

# ask STACK PROTO VIP PORT [SOURCE]: 6 flows from the director; the
# servers that answered go to the stack's record, which must list both of
# a pair (or the director, for the loopback daemon).
ask() {
	local stack=$1 proto=$2 vip=$3 port=$4 src=${5:-} seen
	seen=$(NETCHECK_SPORTS=$(sports $port) NETCHECK_SOURCE=$src \
		on director netcheck ask $proto $vip $port "local-$proto" 6) ||
		fail "$stack: $proto to $vip:$port${src:+ from $src}: not every flow was answered: $(echo "$seen" | sort | uniq -c | xargs)"
	echo "$proto $vip:$port: $(echo "$seen" | sort | uniq -c | xargs)" >>"$RECORD"
	case $port in
	80 | 53) grep -qx rs1 <<<"$seen" && grep -qx rs2 <<<"$seen" ;;
	54 | 55) ! grep -qvx director <<<"$seen" ;;
	*) grep -qx nat1 <<<"$seen" && grep -qx nat2 <<<"$seen" ;;
	esac || fail "$stack: $proto to $vip:$port: not both servers: $(echo "$seen" | sort | uniq -c | xargs)"
}

# remote_ask VIP PORT: 2 flows from the client namespace; whether they were
# answered, and by whom, goes to the record.
remote_ask() {
	local seen
	seen=$(NETCHECK_SPORTS=$(sports remote-$2) on client netcheck ask udp $1 $2 "remote" 2 2>/dev/null) || true
	echo "remote udp $1:$2: $(echo "$seen" | sort | uniq -c | xargs)" >>"$RECORD"
}

# hops FAMILY VIP SOURCE: the TTL / hop limit a DR real server sees on a
# local client's datagram (two flows: rr sends one of them to rs1).
hops() {
	local f=$1 vip=$2 src=$3 cap=/tmp/local-client.cap$1 byte=8 pid
	[ $f = 6 ] && byte=7
	# A file of its own, made empty here: the capture's "listening" must
	# be this one's, not a leftover the background job has yet to clear.
	: >$cap
	on rs1 pktcap eth0 17 1 5000 >$cap &
	pid=$!
	wait_for grep -q '^# listening' $cap
	NETCHECK_SPORTS=$(sports 53) NETCHECK_SOURCE=$src on director netcheck ask udp $vip 53 "hops" 2 >/dev/null ||
		fail "$STACK: UDP to $vip from $src"
	wait $pid || fail "$STACK: rs1 saw no UDP from $src"
	echo "IPv$f hops at rs1: $((16#$(grep -v '^#' $cap | cut -c$((byte * 2 + 1))-$((byte * 2 + 2)))))" >>"$RECORD"
}

# counts: conns per service, and in/out packets for UDP (TCP's depend on
# how segments and ACKs happened to fall); -Lnc entries by protocol,
# state and virtual service.
# Each UDP flow's source port, per service port (remote-PORT: the remote
# client's), from netcheck's $NETCHECK_SPORTS: the kernel may give a closed
# flow's port to a later one, which then rightly follows the same entry.
# So UDP conns are compared as "one per distinct flow", not as a number.
sports() {
	mkdir -p "/tmp/sports.$STACK/$1"
	echo "/tmp/sports.$STACK/$1"
}
# udp_flows VIP:PORT (as ipvsadm prints it): the distinct flows to it.
udp_flows() {
	local vip=${1%:*} port=${1##*:} n=0 f
	vip=${vip#\[}
	vip=${vip%\]}
	for f in "/tmp/sports.$STACK/$port/udp-$vip" "/tmp/sports.$STACK/remote-$port/udp-$vip"; do
		[ -f "$f" ] && n=$((n + $(sort -u "$f" | wc -l)))
	done
	echo $n
}
# udp_as_flows: a "UDP VIP:PORT CONNS ..." line with CONNS less the flows.
udp_as_flows() {
	local proto svc n rest
	while read -r proto svc n rest; do
		[ "$proto" = UDP ] && n="flows$(printf '%+d' $((n - $(udp_flows "$svc"))))"
		echo "$proto $svc $n${rest:+ $rest}"
	done
}
svc_stats() { on director ipvsadm -Ln --stats | awk '$1 == "TCP" {print $1, $2, $3} $1 == "UDP" {print $1, $2, $3, $4, $5}'; }
counted() { [ "$(svc_stats | awk '{s += $3} END {print s}')" -ge "$1" ]; }

run() {
	local big vip
	STACK=$1 RECORD=/tmp/local-client.$1
	: >"$RECORD"
	topology
	$2
	services
	log "$STACK: IPv4 DR, replies from the VIP: not taken without accept_local"
	if NETCHECK_SPORTS=$(sports 53) NETCHECK_SOURCE=$SRC4 \
		on director netcheck ask udp $VIP4 53 "martian" 1 >/dev/null 2>&1; then
		echo "IPv4 DR without accept_local: answered" >>"$RECORD"
	else
		echo "IPv4 DR without accept_local: not answered" >>"$RECORD"
	fi
	on director sysctl -qw net.ipv4.conf.eth0.accept_local=1
	hops 4 $VIP4 $SRC4
	hops 6 $VIP6 $SRC6
	ask $STACK tcp $VIP4 80 $SRC4
	ask $STACK tcp $VIP6 80 $SRC6
	ask $STACK udp $VIP4 53 $SRC4
	ask $STACK udp $VIP6 53 $SRC6
	ask $STACK tcp $VIP4 8080
	ask $STACK tcp $VIP6 8080
	ask $STACK udp $VIP4 5353
	ask $STACK udp $VIP6 5353
	ask $STACK udp $VIP4 54
	ask $STACK udp $VIP6 54
	ask $STACK udp $VIP4 55
	ask $STACK udp $VIP6 55
	log "$STACK: big messages: TCP in GSO bursts, UDP over the path MTU"
	big=$(head -c 4000 /dev/zero | tr '\0' b)
	NETCHECK_SOURCE=$SRC4 on director netcheck ask tcp $VIP4 80 "$big" 2 >/dev/null ||
		fail "$STACK: 4000-byte TCP messages by DR"
	on director netcheck ask tcp $VIP6 8080 "$big" 2 >/dev/null ||
		fail "$STACK: 4000-byte TCP messages by NAT"
	for vip in $VIP4 $VIP6; do
		if NETCHECK_SPORTS=$(sports 5353) on director netcheck ask udp $vip 5353 "$big" 1 >/dev/null 2>&1; then
			echo "4000-byte UDP to $vip by NAT: answered" >>"$RECORD"
		else
			echo "4000-byte UDP to $vip by NAT: not answered" >>"$RECORD"
		fi
	done
	log "$STACK: a remote client, to daemons on the director"
	remote_ask $VIP4 55
	remote_ask $VIP6 55
	remote_ask $VIP4 54
	remote_ask $VIP6 54
	# 1 + 2 + 2 probe flows, 6 per ask, 4 + 2 big, 2 per remote ask.
	wait_for -t 20 counted 91
	on director ipvsadm -Ln --stats
	svc_stats | udp_as_flows | sed 's/^/stats /' >>"$RECORD"
	on director ipvsadm -Lnc | awk 'NR > 2 {print $1, $5, $3}' | sort | uniq -c |
		awk '{print $2, $3, $1, $4}' | udp_as_flows | sed 's/^/conn /' >>"$RECORD"
	on director ipvsadm -C
	unload_ipvs
	lab_cleanup
	LAB_NETNS=()
}

run stock load_stock_ipvs
run aavs load_aavs
cat /tmp/local-client.aavs
diff -u /tmp/local-client.stock /tmp/local-client.aavs ||
	fail "aavs and stock ip_vs differ for a client on the director (diff above)"
log ok
