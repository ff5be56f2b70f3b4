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
# pps = packets rs received / generator run time.  A TCG guest's speed
# drifts by tens of percent over minutes, so the three datapaths are
# measured in ROUNDS short rounds (route, then aavs and stock in turns,
# their order swapped every round) and compared within each round; the
# medians of the per-round ratios are the result.  The director's own cost
# per packet is what a datapath adds to plain routing:
#   cost = 1/pps - 1/pps(route)      (same round)
# Then, in FILL_ROUNDS rounds: aavs over 1k flows, then filled with ~1M
# flows (17 sources x 61681 ports) and measured over the same flows.  Entry size: the slab cache's object size and the
# Slab growth per entry in /proc/meminfo.
. "$LAB/lib.sh"

N=${BENCH_PACKETS:-50000}
ROUNDS=${BENCH_ROUNDS:-7}
FILL_ROUNDS=${BENCH_FILL_ROUNDS:-3}
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
declare -A PPS=()
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

# route_round R: both protocols with the director only routing the VIP.
route_round() {
	on director ip route add $VIP/32 via 192.0.2.11
	udp_small 1000
	measure "udp-1k-route-$1" udp_small $N
	measure "tcp-1k-route-$1" tcp_small $N
	on director ip route del $VIP/32 via 192.0.2.11
}

stack_round() {
	case $1 in aavs) load_aavs ;; stock) load_stock_ipvs ;; esac
	onek_stack "$1-$2"
	ipvs_teardown
}

load_aavs
dmesg | grep "aavs: connection table" | sed 's/^.*aavs: /BENCH /'
unload_ipvs
load_stock_ipvs
[ -d /sys/kernel/slab/ip_vs_conn ] &&
	echo "BENCH objsize stock $(cat /sys/kernel/slab/ip_vs_conn/object_size) slab_size $(cat /sys/kernel/slab/ip_vs_conn/slab_size)"
unload_ipvs

for r in $(seq "$ROUNDS"); do
	log "round $r of $ROUNDS"
	route_round $r
	if [ $((r % 2)) = 1 ]; then
		stack_round aavs $r
		stack_round stock $r
	else
		stack_round stock $r
		stack_round aavs $r
	fi
done

if [ -n "${BENCH_STOCK_FILL:-}" ]; then
	load_stock_ipvs
	ipvs_setup
	big_stack stock ip_vs_conn
	ipvs_teardown
fi
# 1k against ~1M live entries, in FILL_ROUNDS rounds for the same drift:
# each round measures over 1k flows, fills the table, measures over all.
for r in $(seq "$FILL_ROUNDS"); do
	log "fill round $r of $FILL_ROUNDS"
	load_aavs
	ipvs_setup
	udp_small 1000
	measure "udp-1k-fill-$r" udp_small $N
	big_stack "aavs-$r" aavs_conn
	ipvs_teardown
done

# summary PROTO: per-round ratios and their medians.
summary() {
	local p=$1 r
	for r in $(seq "$ROUNDS"); do
		echo "${PPS[$p-1k-route-$r]} ${PPS[$p-1k-aavs-$r]} ${PPS[$p-1k-stock-$r]}"
	done | awk -v p="$p" '
		function median(a, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		{
			n++; pps[n] = sprintf("%.2f", $2 / $3); ppsl = ppsl " " pps[n]
			ca = 1 / $2 - 1 / $1; cs = 1 / $3 - 1 / $1
			if (ca > 0 && cs > 0) { m++; cost[m] = sprintf("%.2f", cs / ca); costl = costl " " cost[m] }
			else costl = costl " -"
		}
		END {
			printf "BENCH ratio %s aavs/stock pps median %.2f (rounds:%s)\n", p, median(pps, n), ppsl
			if (m) printf "BENCH ratio %s stock/aavs director cost median %.2f (rounds:%s)\n", p, median(cost, m), costl
		}'
}

ratio() { echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'; }
summary udp
summary tcp
for r in $(seq "$FILL_ROUNDS"); do
	echo "$(ratio ${PPS[udp-1m-aavs-$r]} ${PPS[udp-1k-fill-$r]})"
done | sort -n | awk '{ v[NR] = $1; l = l " " $1 } END { printf "BENCH ratio 1M/1k aavs median %s (rounds:%s)\n", v[int((NR + 1) / 2)], l }'
exit 0
