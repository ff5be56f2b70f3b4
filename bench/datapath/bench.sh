#!/bin/bash
# The datapath benchmark, run inside the lab guest (bench/datapath/run puts
# it there as a lab case).  Not a test: it prints "BENCH" lines and exits 0.
#
#   gen ──── director ──── rs
#   198.51.100.2  .1 │ 192.0.2.1   192.0.2.11 (drops what it gets: it
#                                   neither owns the VIP nor forwards)
#   VIP 203.0.113.10: UDP 53 and TCP 80 to rs by DR (aavs or stock ip_vs,
#   sloppy_tcp=1), or - "route" - the director just routes the VIP to rs.
#
# Traffic from gen, all processed in softirq on the sending CPU, so a rate
# is "what one CPU gets through generator + director + rs":
#   udp  pktgen, 60-byte UDP packets over 1000 flows (or ~1M flows)
#   tcp  tcpflood, bare ACKs over 1000 flows (each flow's first ACK makes
#        a conn entry through sloppy_tcp)
# pps = packets rs received / generator run time.  Order: route, aavs,
# stock, aavs again (the repeat shows drift), then aavs filled with ~1M
# flows (17 sources x 61681 ports) and measured over the same flows.  Entry size: the slab cache's object size and the Slab growth per
# entry in /proc/meminfo.
. "$LAB/lib.sh"

N=${BENCH_PACKETS:-100000}
VIP=203.0.113.10
BIG_FLOWS=$((17 * 61681))

netns_new gen director rs
veth gen g0 director d0
veth director d1 rs r0
addr gen g0 198.51.100.2/24
addr director d0 198.51.100.1/24
addr director d1 192.0.2.1/24
addr rs r0 192.0.2.11/24
on gen ip route add default via 198.51.100.1
on rs ip route add default via 192.0.2.1
on director sysctl -qw net.ipv4.ip_forward=1
on rs sysctl -qw net.ipv4.ip_forward=0
wait_for on gen ping -c1 -W1 192.0.2.11
on director ping -c1 -W1 192.0.2.11 >/dev/null
modprobe pktgen
DMAC=$(on director cat /sys/class/net/d0/address)

rx() { on rs cat /sys/class/net/r0/statistics/rx_packets; }

# settle: wait until rs stops receiving (queues drained).
settle() {
	local a b
	b=$(rx)
	while :; do
		sleep 0.3
		a=$(rx)
		[ "$a" = "$b" ] && return
		b=$a
	done
}

pg() { on gen sh -c "echo '$2' > /proc/net/pktgen/$1"; }

# pktgen_run COUNT NSRC NPORTS: COUNT UDP packets to the VIP, sources
# cycling over NSRC addresses and NPORTS ports together.
pktgen_run() {
	local count=$1 nsrc=$2 nports=$3
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device g0"
	pg g0 "count $count"
	pg g0 "clone_skb 0"
	pg g0 "pkt_size 60"
	pg g0 "delay 0"
	pg g0 "dst $VIP"
	pg g0 "dst_mac $DMAC"
	pg g0 "src_min 198.51.100.10"
	pg g0 "src_max 198.51.100.$((10 + nsrc - 1))"
	pg g0 "udp_src_min 1024"
	pg g0 "udp_src_max $((1024 + nports - 1))"
	pg g0 "udp_dst_min 53"
	pg g0 "udp_dst_max 53"
	pg pgctrl start
}

# measure NAME CMD...: run a generator, print and remember its pps.
declare -A PPS=([udp-1m-stock]=0 [udp-1k-stock]=0)
measure() {
	local name=$1 r0 r1 t0 t1 pps
	shift
	settle
	r0=$(rx)
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null
	t1=${EPOCHREALTIME/./}
	settle
	r1=$(rx)
	pps=$(((r1 - r0) * 1000000 / (t1 - t0)))
	PPS[$name]=$pps
	echo "BENCH pps $name $pps ($((r1 - r0)) packets in $(((t1 - t0) / 1000)) ms)"
}

udp_small() { pktgen_run "$1" 1 1000; }
udp_big() { pktgen_run "$1" 17 61681; }
tcp_small() { on gen tcpflood 198.51.100.2 $VIP 80 1000 "$1"; }

slab_kb() { awk '/^Slab:/ {print $2}' /proc/meminfo; }

ipvs_setup() {
	addr director lo $VIP/32
	on director sysctl -qw net.ipv4.vs.sloppy_tcp=1
	on director ipvsadm -A -u $VIP:53 -s rr
	on director ipvsadm -a -u $VIP:53 -r 192.0.2.11:53 -g
	on director ipvsadm -A -t $VIP:80 -s rr
	on director ipvsadm -a -t $VIP:80 -r 192.0.2.11:80 -g
}

# onek_stack NAME: the 1k-flow UDP and TCP rates through IPVS (loaded).
onek_stack() {
	local s=$1
	log "stack $s"
	ipvs_setup
	udp_small 1000 && tcp_small 1000 >/dev/null
	measure "udp-1k-$s" udp_small $N
	measure "tcp-1k-$s" tcp_small $N
}

ipvs_teardown() {
	on director ipvsadm -C
	on director ip addr del $VIP/32 dev lo
	unload_ipvs
}

# big_stack NAME CACHE: fill ~1M entries, size them, measure over them.
big_stack() {
	local s=$1 cache=$2 slab0 slab1 entries
	slab0=$(slab_kb)
	measure "udp-fill-$s" udp_big $BIG_FLOWS
	slab1=$(slab_kb)
	# Every UDP conn is inactive: the dest's InActConn counts them.
	entries=$(on director ipvsadm -Ln | awk '$2 == "192.0.2.11:53" {print $6}')
	echo "BENCH entries $s $entries"
	[ -d /sys/kernel/slab/$cache ] &&
		echo "BENCH objsize $s $(cat /sys/kernel/slab/$cache/object_size) slab_size $(cat /sys/kernel/slab/$cache/slab_size)"
	echo "BENCH slab-per-entry $s $(((slab1 - slab0) * 1024 / (entries > 0 ? entries : 1)))"
	measure "udp-1m-$s" udp_big $N
}

log "route: the director only forwards"
on director ip route add $VIP/32 via 192.0.2.11
udp_small 1000
measure udp-1k-route udp_small $N
measure tcp-1k-route tcp_small $N
on director ip route del $VIP/32 via 192.0.2.11

# aavs, stock, aavs again: the repeat shows how much the guest drifted.
load_aavs
dmesg | grep "aavs: connection table" | sed 's/^.*aavs: /BENCH /'
onek_stack aavs
ipvs_teardown
load_stock_ipvs
onek_stack stock
[ -d /sys/kernel/slab/ip_vs_conn ] &&
	echo "BENCH objsize stock $(cat /sys/kernel/slab/ip_vs_conn/object_size) slab_size $(cat /sys/kernel/slab/ip_vs_conn/slab_size)"
if [ -n "${BENCH_STOCK_FILL:-}" ]; then big_stack stock ip_vs_conn; fi
ipvs_teardown
load_aavs
onek_stack aavs2
big_stack aavs aavs_conn
ipvs_teardown

ratio() { echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'; }
echo "BENCH ratio udp aavs/stock $(ratio ${PPS[udp-1k-aavs]} ${PPS[udp-1k-stock]}) aavs/route $(ratio ${PPS[udp-1k-aavs]} ${PPS[udp-1k-route]}) stock/route $(ratio ${PPS[udp-1k-stock]} ${PPS[udp-1k-route]})"
echo "BENCH ratio tcp aavs/stock $(ratio ${PPS[tcp-1k-aavs]} ${PPS[tcp-1k-stock]}) aavs/route $(ratio ${PPS[tcp-1k-aavs]} ${PPS[tcp-1k-route]}) stock/route $(ratio ${PPS[tcp-1k-stock]} ${PPS[tcp-1k-route]})"
echo "BENCH ratio udp aavs2/stock $(ratio ${PPS[udp-1k-aavs2]} ${PPS[udp-1k-stock]}) tcp aavs2/stock $(ratio ${PPS[tcp-1k-aavs2]} ${PPS[tcp-1k-stock]})"
echo "BENCH ratio 1M/1k aavs $(ratio ${PPS[udp-1m-aavs]} ${PPS[udp-1k-aavs2]})"
exit 0
