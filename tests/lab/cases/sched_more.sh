#!/bin/bash
# lab-kernels 6.12
# dh, sed, nq, fo and ovf pick the same real server as stock ip_vs does.
#
#   client ──┬── director (stock ip_vs, then aavs; same ipvsadm commands)
#            └── rs1..rs5  (flat bridge, see sched_topology.inc)
#
#   action: fo, ovf, sed and nq: one TCP service each, dests added rs1
#           first (so listed rs5 first, as ip_vs lists them), weights
#           with ties and a weight 0; TCP connections opened one after
#           another and held open, so every choice sees the active
#           counts of the ones before; between batches a weight is
#           edited (a dest paused, one unpaused, a connection limit
#           raised) and the last batch of fo and ovf finds no dest.
#           dh: 32 IPv4 and 8 IPv6 UDP services (dh hashes the VIP), rs3
#           at weight 0; mapped, then rs2 deleted and rs3 given weight 3,
#           mapped again.
#   expect: every flow reaches the same real server on both, or none on
#           both; each scheduler spreads its flows over more than one
#           server (the comparison is not vacuous); each dh service's table
#           digest (aavs-ipvsadm --digest) is the same on both, before and
#           after the change, and the change changed it.
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

VIP_FO=203.0.113.1 VIP_OVF=203.0.113.2 VIP_SED=203.0.113.3 VIP_NQ=203.0.113.4
NDH4=32 NDH6=8

ready() { grep -q READY "$1"; }

# tcpsvc VIP SCHED W1 W2 W3 W4 W5: the service, rs1..rs5 added in order.
tcpsvc() {
	local vip=$1 sched=$2 i
	shift 2
	on director ipvsadm -A -t "$vip:80" -s "$sched"
	for i in 1 2 3 4 5; do
		on director ipvsadm -a -t "$vip:80" -r "192.0.2.1$i:80" -g -w "$1"
		shift
	done
}

# weight VIP RS W: edit one dest's weight.
weight() { on director ipvsadm -e -t "$1:80" -r "192.0.2.1$2:80" -g -w "$3"; }

# hold MOD TAG VIP N: N more TCP connections to VIP, each opened once the
# one before is established (and counted active), all held until done.
SPORT=30000
hold() {
	local mod=$1 tag=$2 vip=$3 n=$4 i f
	for ((i = 0; i < n; i++)); do
		SPORT=$((SPORT + 1))
		f=/tmp/$mod.$tag.$SPORT
		echo "$f" >>"/tmp/$mod.$tag.list"
		on client flowmap hold tcp "$vip" 80 198.51.100.1 1 $SPORT 1 \
			"/tmp/$mod.$tag.go" >"$f.out" 2>"$f.err" &
		echo $! >>"/tmp/$mod.$tag.pids"
		wait_for -t 60 ready "$f.err"
	done
}

# done_holding MOD TAG: close TAG's connections; /tmp/MOD.TAG lists the
# first answer of each, in the order they were opened ("-": no dest).
done_holding() {
	local mod=$1 tag=$2 f pid
	touch "/tmp/$mod.$tag.go"
	while read -r pid; do wait "$pid" || true; done <"/tmp/$mod.$tag.pids"
	while read -r f; do
		awk '{print $3}' "$f.out"
	done <"/tmp/$mod.$tag.list" | awk '{print NR, $1}' >"/tmp/$mod.$tag"
	log "$mod $tag: $(awk '{print $2}' "/tmp/$mod.$tag" | xargs)"
}

# conns MOD: the four connection-counting services, in batches.
conns() {
	local mod=$1
	# fo: rs3 and rs2 tie at 5, rs3 is listed first; rs5 starts paused.
	tcpsvc $VIP_FO fo 2 5 5 1 0
	hold "$mod" fo $VIP_FO 3
	weight $VIP_FO 3 0
	hold "$mod" fo $VIP_FO 3
	weight $VIP_FO 5 7
	hold "$mod" fo $VIP_FO 2
	for i in 1 2 4 5; do weight $VIP_FO $i 0; done
	hold "$mod" fo $VIP_FO 1
	done_holding "$mod" fo

	# ovf: the weight is a limit on active connections; rs5 and rs3 tie.
	tcpsvc $VIP_OVF ovf 1 3 2 0 2
	hold "$mod" ovf $VIP_OVF 10
	weight $VIP_OVF 4 4
	hold "$mod" ovf $VIP_OVF 9
	done_holding "$mod" ovf

	# sed and nq: rs5 and rs3 tie at 3, rs4 is paused.
	for s in sed nq; do
		v=$VIP_SED
		[ $s = nq ] && v=$VIP_NQ
		tcpsvc $v $s 1 2 3 0 3
		hold "$mod" $s $v 12
		weight $v 2 6
		hold "$mod" $s $v 6
		weight $v 5 0
		hold "$mod" $s $v 4
		done_holding "$mod" $s
	done
	on director ipvsadm -Ln >"/tmp/$mod.ipvsadm"
}

dhvips() {
	local k
	for ((k = 1; k <= NDH4; k++)); do echo "4 203.0.113.$((100 + k))"; done
	for ((k = 1; k <= NDH6; k++)); do echo "6 2001:db8:f::$((100 + k))"; done
}

# dhsvc AF VIP: "VIP:53" as ipvsadm wants it.
dhsvc() { if [ "$1" = 6 ]; then echo "[$2]:53"; else echo "$2:53"; fi; }

dh_configure() {
	local af vip i
	while read -r af vip; do
		on director ipvsadm -A -u "$(dhsvc "$af" "$vip")" -s dh
		for i in 1 2 3 4 5; do
			on director ipvsadm -a -u "$(dhsvc "$af" "$vip")" -r "$(rip "$af" $i):53" -g -w $i
		done
		on director ipvsadm -e -u "$(dhsvc "$af" "$vip")" -r "$(rip "$af" 3):53" -g -w 0
	done < <(dhvips)
}

# dh_change: one dest leaves (the table is rebuilt), one is unpaused.
dh_change() {
	local af vip
	while read -r af vip; do
		on director ipvsadm -d -u "$(dhsvc "$af" "$vip")" -r "$(rip "$af" 2):53"
		on director ipvsadm -e -u "$(dhsvc "$af" "$vip")" -r "$(rip "$af" 3):53" -g -w 3
	done < <(dhvips)
}

# dh_map MOD TAG SPORT: two flows to every dh VIP (both must land alike),
# from a source port no earlier map used: a flow the director already
# knows would follow its connection, not the scheduler.
dh_map() {
	local mod=$1 tag=$2 sport=$3 af vip src
	while read -r af vip; do
		src=198.51.100.0
		[ "$af" = 6 ] && src=2001:db8:c::100
		on client flowmap udp "$vip" 53 $src 2 "$sport" 1 2>/dev/null |
			awk -v v="$vip" '{print v, $1, $3}'
	done < <(dhvips) >"/tmp/$mod.dh.$tag"
	log "$mod dh $tag: $(awk '{print $3}' "/tmp/$mod.dh.$tag" | sort | uniq -c | xargs)"
}

# dh_digests MOD TAG: the dh services' table digests (aavs-ipvsadm
# --digest: computed for stock, the kernel's for aavs, which the tool
# checks against its own computation, exit 2 if they differ).
dh_digests() {
	local mod=$1 tag=$2 out rc=0 f=/tmp/$1.dhdigest.$2
	out=$(on director aavs-ipvsadm --digest) || rc=$?
	[ $rc -eq 0 ] || fail "$mod dh $tag: aavs-ipvsadm --digest exited $rc: $(echo "$out" | grep -v ' source=')"
	echo "$out" | awk '$3 == "dh"' | sort >"$f"
	[ "$(wc -l <"$f")" -eq $((NDH4 + NDH6)) ] || fail "$mod dh $tag: $(wc -l <"$f") digests"
	sed -i 's/ source=.*//' "$f"
}

run() {
	local mod=$1
	conns "$mod"
	dh_configure
	dh_map "$mod" first 20000
	dh_digests "$mod" first
	dh_change
	dh_map "$mod" changed 20100
	dh_digests "$mod" changed
	on director ipvsadm -C
}

sched_topology 1

log "stock ip_vs"
load_stock_ipvs
for s in dh sed nq fo ovf; do modprobe "ip_vs_$s"; done
run stock
sed -n '1,30p' /tmp/stock.ipvsadm
unload_ipvs

log "aavs"
load_aavs
SPORT=40000	# no 4-tuple of the stock run again
run aavs

bad=0
for tag in fo ovf sed nq dh.first dh.changed; do
	s=/tmp/stock.$tag a=/tmp/aavs.$tag
	total=$(wc -l <"$s")
	answered=$(awk '$NF != "-"' "$s" | wc -l)
	servers=$(awk '$NF != "-" {print $NF}' "$s" | sort -u | wc -l)
	diff=$(paste -d' ' "$s" "$a" | awk '{h = NF / 2; for (i = 1; i <= h; i++) if ($i != $(i + h)) {print; break}}' | wc -l)
	log "$tag: $total flows, $answered answered by $servers servers; differ: $diff"
	report "$tag flows=$total answered=$answered servers=$servers differ=$diff"
	[ "$(wc -l <"$a")" -eq "$total" ] || { bad=1; log "  aavs saw $(wc -l <"$a") flows"; }
	[ "$servers" -ge 2 ] || { bad=1; log "  fewer than 2 servers: the case proves nothing"; }
	if [ "$diff" -ne 0 ]; then
		bad=1
		# awk stops printing itself: head would end it with SIGPIPE.
		paste -d' ' "$s" "$a" | awk '{h = NF / 2; for (i = 1; i <= h; i++) if ($i != $(i + h)) {if (n++ < 5) print "  stock", $0; break}}'
	fi
done
# test_dh.cc's vectors: 203.0.113.101 hashes to the first listed (rs5),
# 203.0.113.102 to the fourth (rs2).
log "golden dh: $(awk '$1 ~ /^203\.0\.113\.10[12]$/ {print $1, $3}' /tmp/stock.dh.first | sort -u | xargs)"
# dh: both flows of a VIP on one server, and the change moved some VIPs.
split=$(awk '{print $1, $3}' /tmp/stock.dh.first | sort -u | awk '{print $1}' | uniq -d | wc -l)
expect_eq "$split" 0 "dh VIPs whose two flows went to different servers"
moved=$(paste -d' ' /tmp/stock.dh.first /tmp/stock.dh.changed | awk '$3 != $6' | wc -l)
log "dh: the change moved $moved of $(wc -l </tmp/stock.dh.first) flows"
[ "$moved" -gt 0 ] || fail "dh: deleting rs2 moved no flow"
# dh's digests: aavs's kernel gives stock's (computed) for every service,
# and the change changed every service's table.
for tag in first changed; do
	cmp -s "/tmp/stock.dhdigest.$tag" "/tmp/aavs.dhdigest.$tag" ||
		fail "dh $tag: aavs's digests differ from stock's: $(diff /tmp/stock.dhdigest.$tag /tmp/aavs.dhdigest.$tag | head -4 | xargs)"
done
same=$(paste -d' ' /tmp/stock.dhdigest.first /tmp/stock.dhdigest.changed | awk '$5 == $10' | wc -l)
expect_eq "$same" 0 "dh services whose digest the change left alone"
log "dh digests: $(wc -l </tmp/aavs.dhdigest.first) services, stock's and aavs's equal before and after the change"
grep -q ' -$' /tmp/stock.fo || fail "fo: the all-paused batch found a dest"
grep -q ' -$' /tmp/stock.ovf || fail "ovf: the batch past every limit found a dest"
[ $bad = 0 ] || fail "aavs and stock ip_vs disagree (see above)"
log "ok"
