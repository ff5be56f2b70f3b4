#!/bin/bash
# lab-debug
# lab-cpus 4
# lab-kernels 6.12 debug
# A flapping health check under load: new flows of every protocol and
# source port arrive at every scheduler while the control plane adds and
# deletes a real server that holds no connections, edits weights, switches
# schedulers, deletes and re-creates services and flushes everything.  On
# 4 vCPUs a packet is scheduled on one CPU while the dest it picked is
# deleted on another: the dest must stay referenceable until that packet is
# done with it (kernel/dest.c), or the kernel logs "refcount_t: addition on
# 0" and later writes through freed memory.
#
#   flood 10.99.0.2 ── director eth0 10.99.0.1  eth1 192.0.2.10 ── lan ─┬─ rs1 .11
#   fd99::2            fd99::1  VIP on lo       2001:db8:a::10          ├─ rs2 .12
#   spoofed sources 198.51.100.0/24, 2001:db8:c::/64                    ├─ rs3 .13
#                                                                       └─ rs4 .14 (churned)
#   VIP 203.0.113.10 / 2001:db8:f::10, DR.  TCP and UDP on ports
#   80 rr, 81 wrr, 82 lc, 83 wlc, 84 sh (sh-port,sh-fallback),
#   85 mh (mh-port,mh-fallback), 86 rr persistent (5 s), 87 lblc,
#   88 lblcr (tables with a GC timer, holding dests).  UDP services
#   but the persistent one schedule each datagram alone (-o): their conns
#   die at once, so rs4 holds no connection there when it is deleted.
#
#   action: CHURN_SECS (default 60) of SYN floods, UDP floods (IPv4 and
#           IPv6, every source port), mid-stream flows that come back
#           (taken by the fast path once confirmed) and a control loop
#           that also turns fast_path and conntrack=1 on and off, with
#           conntrack on; then real TCP and UDP through the VIP, flush,
#           namespaces deleted, rmmod aavs.
#   expect: no BUG/WARNING/refcount_t line (the lab fails the case on any),
#           answers after the churn, the conn cache empties, aavs unloads.
#   knobs:  CHURN_SECS, CHURN_CONNTRACK (default 1; 0 leaves conntrack off)
. "$LAB/lib.sh"

VIP4=203.0.113.10 VIP6=2001:db8:f::10
SECS=${CHURN_SECS:-60}
CONNTRACK=${CHURN_CONNTRACK:-1}
SCHEDS=(rr wrr lc wlc "sh -b sh-port,sh-fallback" "mh -b mh-port,mh-fallback" "rr -p 5"
	lblc lblcr)

topology() {
	local i rs
	netns_new flood director lan rs1 rs2 rs3 rs4
	veth flood eth0 director eth0
	addr flood eth0 10.99.0.2/24 fd99::2/64
	addr director eth0 10.99.0.1/24 fd99::1/64
	on flood ip route add default via 10.99.0.1
	on flood ip -6 route add default via fd99::1
	addr director lo $VIP4/32 $VIP6/128
	on director ip route add 198.51.100.0/24 via 10.99.0.2
	on director ip -6 route add 2001:db8:c::/64 via fd99::2
	# DR replies come back through here from the VIP, a local address.
	on director sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.accept_local=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.accept_local=1 net.ipv4.conf.default.rp_filter=0
	on lan ip link add br0 type bridge
	on lan ip link set br0 up
	veth director eth1 lan p-director
	on lan ip link set p-director master br0
	on director sysctl -qw net.ipv4.conf.eth1.accept_local=1 net.ipv4.conf.eth1.rp_filter=0
	addr director eth1 192.0.2.10/24 2001:db8:a::10/64
	for i in 1 2 3 4; do
		rs=rs$i
		veth $rs eth0 lan p-$rs
		on lan ip link set p-$rs master br0
		addr $rs eth0 192.0.2.1$i/24 2001:db8:a::1$i/64
		on $rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
		addr $rs lo $VIP4/32 $VIP6/128
		on $rs ip route add default via 192.0.2.10
		on $rs ip -6 route add default via 2001:db8:a::10
		# Answers to spoofed sources would only load the emulated CPUs.
		on $rs ip route add blackhole 198.51.100.0/24
		on $rs ip -6 route add blackhole 2001:db8:c::/64
		serve $rs tcp 80 $rs
		serve $rs udp 80 $rs
	done
	wait_for on flood ping -c1 -W1 192.0.2.13
	wait_for on flood ping -c1 -W1 2001:db8:a::13
}

# vip_of FAMILY: the VIP as ipvsadm wants it.
vip_of() { [ "$1" = 6 ] && echo "[$VIP6]" || echo $VIP4; }
rip_of() { [ "$1" = 6 ] && echo "[2001:db8:a::1$2]" || echo 192.0.2.1$2; }

# services: the restore script of every service with rs1..rs3, weights 1..3.
services() {
	local fam proto port sched ops i
	for fam in 4 6; do
		for proto in -t -u; do
			for port in 80 81 82 83 84 85 86 87 88; do
				sched=${SCHEDS[$((port - 80))]}
				ops=
				[ "$proto" = -u ] && [ $port != 86 ] && ops=-o
				echo "-A $proto $(vip_of $fam):$port -s $sched $ops"
				for i in 1 2 3; do
					echo "-a $proto $(vip_of $fam):$port -r $(rip_of $fam $i):$port -g -w $i"
				done
			done
		done
	done
}

# rs4 SUBCOMMAND...: the same dest command for rs4 in every service.
rs4() {
	local fam proto port
	for fam in 4 6; do
		for proto in -t -u; do
			for port in 80 81 82 83 84 85 86 87 88; do
				echo "$1 $proto $(vip_of $fam):$port -r $(rip_of $fam 4):$port ${*:2}"
			done
		done
	done
}

# churn: one control-plane step per round, in batches ipvsadm -R applies,
# until stop_loop; counts rounds in /tmp/churn.rounds.
churn() {
	local n=0 fam proto port step
	set +e
	exec >/dev/null 2>&1
	while looping; do
		n=$((n + 1))
		echo $n >/tmp/churn.rounds
		fam=$((4 + 2 * (RANDOM % 2)))
		proto=$(echo -t -u | cut -d' ' -f$((1 + RANDOM % 2)))
		port=$((80 + RANDOM % 9))
		step=$((n % 8))
		case $step in
		0 | 2 | 4) rs4 -a -g -w $((1 + RANDOM % 3)) | on director ipvsadm -R
		   rs4 -d | on director ipvsadm -R ;;
		1) for i in 1 2 3; do
			echo "-e $proto $(vip_of $fam):$port -r $(rip_of $fam $i):$port -g -w $((RANDOM % 4))"
		   done | on director ipvsadm -R ;;
		3) on director ipvsadm -E $proto "$(vip_of $fam):$port" \
			-s $(echo rr wrr lc wlc sh mh lblc lblcr | cut -d' ' -f$((1 + RANDOM % 8))) ;;
		5) on director ipvsadm -D $proto "$(vip_of $fam):$port"
		   services | grep -F -- "$proto $(vip_of $fam):$port " | on director ipvsadm -R ;;
		6) rs4 -a -g -w 1 | on director ipvsadm -R
		   on director ipvsadm -C
		   services | on director ipvsadm -R ;;
		7) # the fast path's hooks come and go under traffic; conns made
		   # with conntrack=0 are the ones it forwards
		   on director sysctl -qw net.ipv4.vs.fast_path=$(((n / 8) % 2)) \
			net.ipv4.vs.conntrack=$(((n / 16) % 2 & CONNTRACK))
		   on director ipvsadm -Ln >/dev/null
		   head -c 65536 /proc/net/ip_vs_conn >/dev/null
		   # digests read while tables are rebuilt and services go
		   on director cat /proc/net/aavs_services >/dev/null ;;
		esac
	done
}

# flood NAME ARGS...: one flood generator in the flood namespace for SECS.
flood() {
	local name=$1
	shift
	on flood flood --duration "$SECS" --ports 80,81,82,83,84,85,86,87,88 "$@" >/tmp/flood.$name 2>&1
}

topology
load_aavs
on director sysctl -qw net.ipv4.vs.sloppy_tcp=1
# conntrack=1 with conntrack on (a rule that changes nothing): conns take
# and drop conntrack entries while dests and services go under them.
if [ "$CONNTRACK" = 1 ]; then
	on director sysctl -qw net.ipv4.vs.conntrack=1
	conntrack_on director || fail "no conntrack rule"
fi
services | on director ipvsadm -R

log "churn for ${SECS}s under SYN and UDP floods (4 vCPUs: $(nproc))"
churn &
cpid=$!
pids=()
flood syn4 --dst $VIP4 --src 198.51.100.1 --hosts 250 --proto tcp --flags syn --rate 1500 & pids+=($!)
flood ack4 --dst $VIP4 --src 198.51.100.1 --hosts 250 --proto tcp --flags ack --rate 500 & pids+=($!)
flood udp4 --dst $VIP4 --src 198.51.100.1 --hosts 250 --proto udp --rate 1500 & pids+=($!)
flood udp6 --dst $VIP6 --src 2001:db8:c::1 --hosts 250 --proto udp --rate 500 & pids+=($!)
# A small pool of mid-stream flows, each seen every few seconds: after
# its second packet a conn is confirmed and the fast path (when on)
# forwards the rest, while dests change under it.
flood est4 --dst $VIP4 --src 198.51.100.1 --hosts 2 --sports 3000-3099 --proto tcp --flags ack --rate 500 & pids+=($!)
flood est6 --dst $VIP6 --src 2001:db8:c::1 --hosts 2 --sports 3000-3099 --proto tcp --flags ack --rate 300 & pids+=($!)
for p in "${pids[@]}"; do
	wait "$p" || fail "a flood generator failed: $(cat /tmp/flood.* | xargs)"
done
stop_loop $cpid
for f in syn4 ack4 udp4 udp6 est4 est6; do log "$f: $(cat /tmp/flood.$f)"; done
log "control-plane rounds: $(cat /tmp/churn.rounds); conns now: $(on director ipvsadm -Lnc | tail -n +3 | wc -l)"
report "churn: $(cat /tmp/churn.rounds) control rounds in ${SECS}s, $(cat /tmp/flood.* | awk '{n += $2} END {print n}') flood packets"

log "a known state again; real traffic through every port"
on director ipvsadm -C
services | on director ipvsadm -R
on director ipvsadm -Ln >/dev/null || fail "ipvsadm -Ln after the churn"
for vip in $VIP4 $VIP6; do
	for proto in tcp udp; do
		on flood netcheck ask $proto $vip 80 "after-churn" 3 >/dev/null ||
			fail "$proto to $vip not answered after the churn"
	done
done

log "teardown: flush, namespaces deleted, rmmod aavs"
on director ipvsadm -C
lab_cleanup
LAB_NETNS=()
conn_objects() { awk '$1 == "aavs_conn" {print $2}' /proc/slabinfo; }
conns_freed() { [ "$(conn_objects)" = 0 ]; }
wait_for -t 60 conns_freed
unload_ipvs
log "ok after ${SECONDS}s"
