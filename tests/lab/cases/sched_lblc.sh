#!/bin/bash
# lab-kernels 6.1
# lblc and lblcr send each destination address where stock ip_vs_lblc and
# ip_vs_lblcr send it: the same server again and again, another one (lblc)
# or one more (lblcr) when it is overloaded, a new one when it leaves the
# service; their expiration sysctls read and write as ip_vs's do.
#
#   client ──┬── director (stock ip_vs, then aavs; the same commands)
#            └── rs1..rs5  (flat bridge, see sched_topology.inc)
#
#   The key of both is the packet's destination address: the director's tc
#   marks 203.0.113.0/25 with 1 (fwmark service 1, lblc) and
#   203.0.113.128/25 with 2 (fwmark service 2, lblcr), so each service
#   sees 12 addresses.  rs1..rs5 at weights 1 1 2 2 0, added in that
#   order (so listed rs5 first, as ip_vs lists them).
#
#   action: every flow is sent alone, after the one before was answered,
#           so each choice sees the counts of the ones before (UDP flows
#           count as inactive, held TCP connections as active):
#           map    one UDP flow to each of the 24 addresses
#           again  the same, new source port
#           hold   5 TCP connections held open to .1 (lblc) and to .129
#                  (lblcr), one after another: past its weight the server
#                  is overloaded by ip_vs's rule and another is taken
#           busy   the 24 addresses again, the connections still open
#           gone   the connections closed, rs3 deleted from both, again
#           shrink lblcr_expiration=1, 2 s later two passes over lblcr's
#                  addresses: a set of several loses its busiest member
#           sysctls: both read 86400 (a day, in seconds) before, both
#                  take 300 and read it back
#   expect: every step gives the same address -> server lines on both;
#           "again" repeats "map" (stickiness), on both; "hold" uses two
#           servers or more for each of .1 and .129 (the overload moved or
#           replicated); "gone" sends no flow to rs3 and lblc keeps the
#           addresses of other servers where they were; the flows are spread
#           over 3 or more servers (the comparison is not vacuous).
#   negative control: on aavs only, service 1 is edited to wlc
#           (ipvsadm -E, which also drops lblc's table) and mapped again:
#           the stickiness check applied to it must find differences,
#           or the check proves nothing; then back to lblc.
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

LBLC_ADDRS=$(seq 1 12) LBLCR_ADDRS=$(seq 129 140)

ready() { grep -q READY "$1"; }

configure() {
	local f i
	on director tc qdisc add dev eth0 clsact
	on director tc filter add dev eth0 ingress protocol ip prio 1 u32 \
		match ip dst 203.0.113.0/25 action skbedit mark 1
	on director tc filter add dev eth0 ingress protocol ip prio 2 u32 \
		match ip dst 203.0.113.128/25 action skbedit mark 2
	on director ipvsadm -A -f 1 -s lblc
	on director ipvsadm -A -f 2 -s lblcr
	for f in 1 2; do
		i=1
		for w in 1 1 2 2 0; do
			on director ipvsadm -a -f $f -r "192.0.2.1$i" -g -w $w
			i=$((i + 1))
		done
	done
}

# pass MOD TAG SPORT ADDRS...: one UDP flow to each 203.0.113.ADDR in turn;
# /tmp/MOD.TAG gets "ADDR SERVER" lines ("-": no answer).
pass() {
	local mod=$1 tag=$2 sport=$3 a
	shift 3
	for a in "$@"; do
		on client flowmap udp "203.0.113.$a" 53 198.51.100.1 1 "$sport" 1 2>/dev/null |
			awk -v a="$a" '{print a, $3}'
	done >"/tmp/$mod.$tag"
	log "$mod $tag: $(awk '{print $2}' "/tmp/$mod.$tag" | xargs)"
}

# hold MOD TAG ADDR N: N TCP connections to 203.0.113.ADDR, each opened
# once the one before is established, all held until unhold.
HSPORT=30000
hold() {
	local mod=$1 tag=$2 a=$3 n=$4 i f
	for ((i = 0; i < n; i++)); do
		HSPORT=$((HSPORT + 1))
		f=/tmp/$mod.$tag.$HSPORT
		echo "$f" >>"/tmp/$mod.$tag.list"
		on client flowmap hold tcp "203.0.113.$a" 80 198.51.100.2 1 $HSPORT 1 \
			"/tmp/$mod.go" >"$f.out" 2>"$f.err" &
		echo $! >>"/tmp/$mod.pids"
		wait_for -t 60 ready "$f.err"
	done
}

# unhold MOD TAG...: close every held connection; /tmp/MOD.TAG lists the
# server of each, in the order they were opened.
unhold() {
	local mod=$1 pid tag f
	shift
	touch "/tmp/$mod.go"
	while read -r pid; do wait "$pid" || true; done <"/tmp/$mod.pids"
	for tag in "$@"; do
		while read -r f; do awk '{print $3}' "$f.out"; done <"/tmp/$mod.$tag.list" |
			awk '{print NR, $1}' >"/tmp/$mod.$tag"
		log "$mod $tag: $(awk '{print $2}' "/tmp/$mod.$tag" | xargs)"
	done
}

# differ A B: lines of two maps that disagree.
differ() { paste -d' ' "$1" "$2" | awk '$1 != $3 || $2 != $4' | wc -l; }

sysctls() {
	local mod=$1 k
	for k in lblc_expiration lblcr_expiration; do
		echo "$k $(on director cat /proc/sys/net/ipv4/vs/$k)"
	done >"/tmp/$mod.sysctl"
	on director sysctl -qw net.ipv4.vs.lblc_expiration=300
	echo "written $(on director cat /proc/sys/net/ipv4/vs/lblc_expiration)" >>"/tmp/$mod.sysctl"
	on director sysctl -qw net.ipv4.vs.lblc_expiration=86400
	log "$mod sysctls: $(xargs <"/tmp/$mod.sysctl")"
}

run() {
	local mod=$1 base=$2
	configure
	sysctls "$mod"
	pass "$mod" map $((base + 1)) $LBLC_ADDRS $LBLCR_ADDRS
	pass "$mod" again $((base + 2)) $LBLC_ADDRS $LBLCR_ADDRS
	hold "$mod" hold1 1 5
	hold "$mod" hold129 129 5
	pass "$mod" busy $((base + 3)) $LBLC_ADDRS $LBLCR_ADDRS
	on director ipvsadm -Ln >"/tmp/$mod.ipvsadm"
	unhold "$mod" hold1 hold129
	on director ipvsadm -d -f 1 -r 192.0.2.13
	on director ipvsadm -d -f 2 -r 192.0.2.13
	pass "$mod" gone $((base + 4)) $LBLC_ADDRS $LBLCR_ADDRS
	on director sysctl -qw net.ipv4.vs.lblcr_expiration=1
	# lblcr's rule is about time passed since a set last changed.
	sleep 2
	pass "$mod" shrink1 $((base + 5)) $LBLCR_ADDRS
	sleep 2
	pass "$mod" shrink2 $((base + 6)) $LBLCR_ADDRS
	if [ "$mod" = aavs ]; then
		# The negative control: wlc does not keep addresses on servers.
		on director ipvsadm -E -f 1 -s wlc
		pass "$mod" wlc $((base + 7)) $LBLC_ADDRS
		on director ipvsadm -E -f 1 -s lblc
		pass "$mod" relblc $((base + 8)) $LBLC_ADDRS
	fi
	on director ipvsadm -D -f 1
	on director ipvsadm -D -f 2
	on director tc qdisc del dev eth0 clsact
}

sched_topology 1

log "stock ip_vs"
load_stock_ipvs
run stock 20000
lsmod | grep -q '^ip_vs_lblc ' || fail "stock: ip_vs_lblc was not autoloaded"
lsmod | grep -q '^ip_vs_lblcr ' || fail "stock: ip_vs_lblcr was not autoloaded"
sed -n '1,20p' /tmp/stock.ipvsadm
unload_ipvs

log "aavs"
load_aavs
run aavs 40000
sed -n '1,20p' /tmp/aavs.ipvsadm

bad=0
for tag in sysctl map again hold1 hold129 busy gone shrink1 shrink2; do
	s=/tmp/stock.$tag a=/tmp/aavs.$tag
	d=$(differ "$s" "$a")
	servers=$(awk '$2 != "-" {print $2}' "$s" | sort -u | wc -l)
	log "$tag: $(wc -l <"$s") lines, $servers servers, differ: $d"
	report "$tag lines=$(wc -l <"$s") servers=$servers differ=$d"
	if [ "$d" -ne 0 ] || ! cmp -s "$s" "$a"; then
		bad=1
		paste -d' ' "$s" "$a" | awk '$1 != $3 || $2 != $4 {if (n++ < 6) print "  stock/aavs:", $0}'
	fi
done
expect_eq "$(xargs </tmp/stock.sysctl)" "lblc_expiration 86400 lblcr_expiration 86400 written 300" "stock sysctls"
for mod in stock aavs; do
	expect_eq "$(differ /tmp/$mod.map /tmp/$mod.again)" 0 "$mod: addresses that moved between map and again"
	grep -q ' -$' "/tmp/$mod.map" "/tmp/$mod.gone" && fail "$mod: unanswered flows"
	[ "$(awk '{print $2}' /tmp/$mod.map | sort -u | wc -l)" -ge 3 ] ||
		fail "$mod: map used fewer than 3 servers: the comparison proves little"
	for h in hold1 hold129; do
		[ "$(awk '{print $2}' /tmp/$mod.$h | sort -u | wc -l)" -ge 2 ] ||
			fail "$mod: $h stayed on one server: no overload seen"
	done
	grep -q ' rs3$' "/tmp/$mod.gone" && fail "$mod: a flow went to deleted rs3"
	# lblc: what was not on rs3 stayed where it was (lblcr may pick
	# another member of a set, the loads having changed: logged only).
	moved=$(paste -d' ' /tmp/$mod.busy /tmp/$mod.gone | awk '$2 != "rs3" && $2 != $4 {print $1}')
	log "$mod: deleting rs3 moved addresses not on it: $(echo $moved)"
	for a in $moved; do [ "$a" -le 12 ] && fail "$mod: lblc moved 203.0.113.$a off a server that stayed"; done
done
# The negative control: the stickiness check sees wlc move addresses.
neg=$(differ <(head -12 /tmp/aavs.map) /tmp/aavs.wlc)
log "negative control: stickiness check on wlc finds $neg of 12 addresses moved"
report "negative wlc_moved=$neg"
[ "$neg" -gt 0 ] || fail "the stickiness check does not tell wlc from lblc"
grep -q ' -$' /tmp/aavs.relblc && fail "aavs: lblc again after wlc left flows unanswered"
[ $bad = 0 ] || fail "aavs and stock ip_vs disagree (see above)"
log "ok"
