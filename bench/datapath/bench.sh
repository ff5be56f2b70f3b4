#!/bin/bash
# The datapath benchmark, run inside the lab guest (bench/datapath/run puts
# it there as a lab case).  Not a test: it prints "BENCH" lines and exits 0.
#
#   gen ──veth── director ── sink (a dummy device: the wire to rs)
#   198.51.100.2    .1 │ 192.0.2.1     rs = 192.0.2.11, out there
#   VIP 203.0.113.10: UDP 53 and TCP 80 to rs by DR (aavs or stock ip_vs,
#   sloppy_tcp=1; "aavs-fast": aavs with fast_path=1), or - "route" - the
#   director just routes the VIP to rs.
#
# Traffic from gen (bench/datapath/flood.c, a packet socket straight to
# g0's driver), all processed in softirq on the sending CPU, so a rate is
# "what one CPU gets through generator + director":
#   udp  60-byte UDP packets over 1000 flows (or ~1M flows)
#   tcp  bare ACKs over 1000 flows (each flow's first ACK makes a conn
#        entry through sloppy_tcp)
# pps = packets the director sent to rs / generator run time.  rs is
# another machine, so its cost stays out of the rate: the director's
# packets to it end in the dummy driver, which counts and frees them,
# the least any NIC driver does.  The three
# datapaths are measured in ROUNDS short rounds (route, then aavs and stock
# in turns, their order swapped every round) and compared within each
# round; the medians of the per-round ratios are the result.  On qemu's
# instruction clock (bench/datapath/run's default) rounds agree to a few
# tenths of a percent; on wall-clock time a TCG guest drifts by tens of
# percent, which is what the rounds are for.  The director's own cost per
# packet is what a datapath adds to plain routing:
#   cost = 1/pps - 1/pps(route)      (same round)
# Then, in FILL_ROUNDS rounds: aavs over 1k flows, then filled with ~1M
# flows (17 sources x 61681 ports) and measured over the same flows.
# Entry size: the slab cache's object size and the slab growth per entry
# in /proc/meminfo.
. "$LAB/lib.sh"

N=${BENCH_PACKETS:-50000}
ROUNDS=${BENCH_ROUNDS:-7}
FILL_ROUNDS=${BENCH_FILL_ROUNDS:-3}
CT_ROUNDS=${BENCH_CT_ROUNDS:-3}
VIP=203.0.113.10
BIG_FLOWS=$((17 * 61681))

netns_new gen director
veth gen g0 director d0
on director ip link add sink type dummy
on director ip link set sink up
addr gen g0 198.51.100.2/24
addr director d0 198.51.100.1/24
addr director sink 192.0.2.1/24
on gen ip route add default via 198.51.100.1
on director sysctl -qw net.ipv4.ip_forward=1
wait_for on gen ping -c1 -W1 198.51.100.1
DMAC=$(on director cat /sys/class/net/d0/address)

rx() { on director cat /sys/class/net/sink/statistics/tx_packets; }

# settle: wait until the sink stops counting (queues drained).
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

# measure NAME CMD...: run a generator, print and remember its pps.  The
# time is the generator's own, from its first packet to its last, so
# neither process start-up nor building the frames counts.
declare -A PPS=()
measure() {
	local name=$1 r0 r1 out us pps
	shift
	settle
	r0=$(rx)
	out=$("$@")
	settle
	r1=$(rx)
	us=$(awk '/^sent/ { printf "%d", $4 * 1000000 }' <<<"$out")
	pps=$(((r1 - r0) * 1000000 / us))
	PPS[$name]=$pps
	echo "BENCH pps $name $pps ($((r1 - r0)) packets in $((us / 1000)) ms)"
}

# GEN COUNT: COUNT packets to the VIP over 1000 flows, or ~1M (udp_big).
flood() { on gen flood g0 "$DMAC" "$1" 198.51.100.10 "$2" $VIP "$3" "$4" "$5"; }
udp_small() { flood udp 1 53 1000 "$1"; }
udp_big() { flood udp 17 53 61681 "$1"; }
tcp_small() { flood tcp 1 80 1000 "$1"; }

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
	udp_small 1000 >/dev/null && tcp_small 1000 >/dev/null
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
	udp_small 1000 >/dev/null
	measure "udp-1k-route-$1" udp_small $N
	measure "tcp-1k-route-$1" tcp_small $N
	on director ip route del $VIP/32 via 192.0.2.11
}

stack_round() {
	case $1 in aavs*) load_aavs ;; stock) load_stock_ipvs ;; esac
	[ "$1" = aavs-fast ] && on director sysctl -qw net.ipv4.vs.fast_path=1
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
		stack_round aavs-fast $r
	else
		stack_round aavs-fast $r
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
# The fast path's the same way: the fill's first packets make the entries
# (slow path), the measurement over them is the fast path's.
for r in $(seq "$FILL_ROUNDS"); do
	for s in aavs aavs-fast; do
		log "fill round $r of $FILL_ROUNDS, $s"
		load_aavs
		[ $s = aavs-fast ] && on director sysctl -qw net.ipv4.vs.fast_path=1
		ipvs_setup
		udp_small 1000 >/dev/null
		measure "udp-1k-fill-$s-$r" udp_small $N
		big_stack "$s-$r" aavs_conn
		ipvs_teardown
	done
done

# conntrack=1's cost, on a director whose own rules keep conntrack on
# (here a stateful FORWARD rule): over 1k flows, aavs with conntrack=0
# (each packet gets an entry in PREROUTING, which IPVS then drops and
# untracks), aavs with conntrack=1 (entries kept and confirmed) and stock
# with conntrack=1, in CT_ROUNDS rounds.
ct_round() {
	local s=$1 ct=$2 r=$3
	case $s in aavs) load_aavs ;; stock) load_stock_ipvs ;; esac
	on director iptables-legacy -A FORWARD -m conntrack --ctstate INVALID -j DROP
	on director sysctl -qw net.ipv4.vs.conntrack=$ct
	onek_stack "$s-ct$ct-$r"
	on director iptables-legacy -F FORWARD
	on director conntrack -F 2>/dev/null || true
	ipvs_teardown
}
if command -v conntrack >/dev/null; then
	for r in $(seq "$CT_ROUNDS"); do
		log "conntrack round $r of $CT_ROUNDS"
		ct_round aavs 0 $r
		ct_round aavs 1 $r
		ct_round stock 1 $r
	done
fi

# median: of the numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# fast_summary PROTO: the fast path against routing and stock ip_vs, and
# each path's director cost: instructions per packet on the instruction
# clock (nanoseconds on the wall clock) beyond routing's.
fast_summary() {
	local p=$1 r s b
	for b in route stock; do
		for r in $(seq "$ROUNDS"); do
			ratio "${PPS[$p-1k-aavs-fast-$r]:-0}" "${PPS[$p-1k-$b-$r]:-0}"
			echo
		done | median | awk -v n="$p aavs-fast/$b" '{ printf "BENCH ratio %s pps median %.2f\n", n, $1 }'
	done
	for s in route aavs stock aavs-fast; do
		for r in $(seq "$ROUNDS"); do
			echo "${PPS[$p-1k-$s-$r]} ${PPS[$p-1k-route-$r]}" |
				awk '{ printf "%.0f %.0f\n", 1e9 / $1, 1e9 / $1 - 1e9 / $2 }'
		done | sort -n | awk -v n="$p $s" '{ t[NR] = $1; c[NR] = $2 } END {
			m = int((NR + 1) / 2)
			printf "BENCH per-packet %s total %d director %d\n", n, t[m], c[m] }'
	done
}

# BENCH_PROFILE=1: one more UDP measurement of each path under perf (its
# cpu-clock ticks on the instruction clock: samples are instructions),
# the hottest symbols of each (those with 0.4 % of the busy samples).
profile_path() {
	local s=$1 pid
	perf record -q -a -e cpu-clock -c 20000 -o /tmp/perf.$s >/dev/null 2>&1 &
	pid=$!
	sleep 1
	udp_small $N >/dev/null
	kill -TERM $pid
	wait $pid || true
	# Shares of the busy samples: the idle loop (the generator's start-up
	# and the settling around it) left out.
	perf report -q -i /tmp/perf.$s --stdio --sort sym 2>/dev/null | grep -v '^#' | grep . |
		awk -v s=$s '$NF == "native_safe_halt" { next } { sub(/%/, "", $1); p[NR] = $1; n[NR] = $NF; t += $1 }
			END {
				for (i = 1; i <= NR; i++) if (i in p && p[i] / t >= 0.004 && shown++ < 40) printf "BENCH profile %s %5.1f%% %s\n", s, 100 * p[i] / t, n[i]
				# and every function of the IPVS module itself, hot or not
				for (i = 1; i <= NR; i++) if (n[i] ~ /^(aavs|ip_vs)_/ && p[i] / t >= 0.001) { printf "BENCH profile-module %s %5.2f%% %s\n", s, 100 * p[i] / t, n[i]; m += p[i] }
				if (m) printf "BENCH profile-module %s %5.2f%% in all\n", s, 100 * m / t
			}'
}
if [ -n "${BENCH_PROFILE:-}" ] && command -v perf >/dev/null; then
	sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1
	on director ip route add $VIP/32 via 192.0.2.11
	udp_small 1000 >/dev/null
	profile_path route
	on director ip route del $VIP/32 via 192.0.2.11
	for s in aavs stock aavs-fast; do
		case $s in aavs*) load_aavs ;; stock) load_stock_ipvs ;; esac
		[ $s = aavs-fast ] && on director sysctl -qw net.ipv4.vs.fast_path=1
		ipvs_setup
		udp_small 1000 >/dev/null
		profile_path $s
		ipvs_teardown
	done
fi

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
# ct_summary PROTO A B: the median over the conntrack rounds of A's pps / B's.
ct_summary() {
	local p=$1 a=$2 b=$3 r
	for r in $(seq "$CT_ROUNDS"); do
		ratio "${PPS[$p-1k-$a-$r]:-0}" "${PPS[$p-1k-$b-$r]:-0}"
		echo
	done | sort -n | awk -v n="$p $a/$b" '{ v[NR] = $1; l = l " " $1 } END { printf "BENCH ratio %s pps median %s (rounds:%s)\n", n, v[int((NR + 1) / 2)], l }'
}
summary udp
summary tcp
fast_summary udp
fast_summary tcp
if command -v conntrack >/dev/null; then
	for p in udp tcp; do
		ct_summary $p aavs-ct1 aavs-ct0
		ct_summary $p aavs-ct1 stock-ct1
	done
fi
for s in aavs aavs-fast; do
	for r in $(seq "$FILL_ROUNDS"); do
		echo "$(ratio ${PPS[udp-1m-$s-$r]} ${PPS[udp-1k-fill-$s-$r]})"
	done | sort -n | awk -v s=$s '{ v[NR] = $1; l = l " " $1 } END { printf "BENCH ratio 1M/1k %s median %s (rounds:%s)\n", s, v[int((NR + 1) / 2)], l }'
done
exit 0
