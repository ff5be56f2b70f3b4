#!/bin/bash
# lab-kernels 6.12
# (The table code is the same C on every kernel; six minutes of the 6.1
# lab went to it, and the 6.1 lab is the longer one.)
# sh and mh map clients exactly as stock ip_vs does.
#
#   client ──┬── director (stock ip_vs, then aavs; same ipvsadm commands)
#            └── rs1..rs5  (weights 1..5, added rs1 first; rs3 then paused)
#   (flat bridge, see sched_topology.inc)
#
#   action: the same sh and mh services, with each of sh-/mh-fallback and
#           sh-/mh-port, IPv4 and IPv6, UDP (and TCP for fallback+port), get
#           the same 256 flows (128 source addresses x 2 source ports) on
#           stock ip_vs and then on aavs.
#   expect: every flow is answered by the same real server on both (or by
#           none on both: without fallback, flows hashed to the paused rs3).
#           On aavs, flag 3 (the stable table) gives the same map whatever
#           the order the dests were added in; without it sh's map changes.
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

NADDR=128 NPORTS=2
SVCS=()	# name proto af vip port sched flags order

# svc NAME PROTO AF N SCHED FLAGS [ORDER]: one service on VIP number N.
svc() { SVCS+=("$1 $2 $3 $4 $5 ${6:--} ${7:-up}"); }

n=0
for af in 4 6; do
	for sched in sh mh; do
		for flags in - $sched-fallback $sched-port $sched-fallback,$sched-port; do
			n=$((n + 1))
			svc "$sched$af:$flags" udp $af $n $sched "$flags"
		done
		n=$((n + 1))
		svc "$sched$af:tcp:$sched-fallback,$sched-port" tcp $af $n $sched \
			"$sched-fallback,$sched-port"
	done
done
# aavs only: flag 3 in two add orders, and the same without flag 3.
AAVS_ONLY=()
for sched in sh mh; do
	for order in up down; do
		n=$((n + 1))
		AAVS_ONLY+=("$sched:flag-3:$order udp 4 $n $sched flag-3,$sched-fallback,$sched-port $order")
		n=$((n + 1))
		AAVS_ONLY+=("$sched:plain:$order udp 4 $n $sched $sched-fallback,$sched-port $order")
	done
done

vip() { if [ "$1" = 6 ]; then echo "2001:db8:f::$2"; else echo "203.0.113.$2"; fi; }
vipsvc() { if [ "$1" = 6 ]; then echo "[2001:db8:f::$2]"; else echo "203.0.113.$2"; fi; }
src() { if [ "$1" = 6 ]; then echo "2001:db8:c::100"; else echo "198.51.100.0"; fi; }

# configure SPEC...: add each service, its five dests and pause rs3.
configure() {
	local spec name proto af n sched flags order port opt v i order_list
	for spec in "$@"; do
		read -r name proto af n sched flags order <<<"$spec"
		port=53 opt=-u
		[ "$proto" = tcp ] && port=80 opt=-t
		v=$(vipsvc "$af" "$n"):$port
		if [ "$flags" = - ]; then
			on director ipvsadm -A $opt "$v" -s "$sched"
		else
			on director ipvsadm -A $opt "$v" -s "$sched" -b "$flags"
		fi
		order_list="1 2 3 4 5"
		[ "$order" = down ] && order_list="5 4 3 2 1"
		for i in $order_list; do
			on director ipvsadm -a $opt "$v" -r "$(rip "$af" $i):$port" -g -w $i
		done
		on director ipvsadm -e $opt "$v" -r "$(rip "$af" 3):$port" -g -w 0
	done
}

# map TAG SPEC...: flowmap every service into /tmp/TAG.NAME.
map() {
	local tag=$1 spec name proto af n sched flags order port
	shift
	for spec in "$@"; do
		read -r name proto af n sched flags order <<<"$spec"
		port=53
		[ "$proto" = tcp ] && port=80
		# flowmap resets its TCP connections: no TIME_WAIT keeps the
		# same source ports from being used again on the other module.
		on client flowmap "$proto" "$(vip "$af" "$n")" $port "$(src "$af")" \
			$NADDR 20000 $NPORTS >"/tmp/$tag.$name" 2>/dev/null
	done
	log "$tag: mapped $# services (${SECONDS}s)"
}

# servers FILE: "rs1=N rs2=N ..." answer counts.
servers() { awk '{print $3}' "$1" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}'; }

sched_topology 1

log "stock ip_vs"
load_stock_ipvs
modprobe ip_vs_sh
modprobe ip_vs_mh
configure "${SVCS[@]}"
on director ipvsadm -Ln >/tmp/stock.ipvsadm
sed -n '4,10p' /tmp/stock.ipvsadm
map stock "${SVCS[@]}"
for spec in "${SVCS[@]}"; do
	name=${spec%% *}
	log "stock $name: $(servers "/tmp/stock.$name")"
done
# A few vectors for tests/unit/test_golden.cc's lab cross-check.
for f in /tmp/stock.sh4:sh-fallback,sh-port /tmp/stock.mh6:mh-port /tmp/stock.sh6:-; do
	log "golden $(basename "$f"): $(sed -n '1p;130p;200p' "$f" | xargs)"
done
on director ipvsadm -C
unload_ipvs

log "aavs"
load_aavs
configure "${SVCS[@]}" "${AAVS_ONLY[@]}"
if ! grep -qv ' -$' < <(on client flowmap udp 203.0.113.2 53 198.51.100.0 8 21000 1 2>/dev/null); then
	skip "aavs forwarded no flow (datapath not there yet?)"
fi
map aavs "${SVCS[@]}" "${AAVS_ONLY[@]}"

bad=0
for spec in "${SVCS[@]}"; do
	name=${spec%% *}
	s=/tmp/stock.$name a=/tmp/aavs.$name
	total=$(wc -l <"$s")
	answered=$(grep -cv ' -$' "$s" || true)
	diff=$(paste -d' ' "$s" "$a" | awk '$3 != $6' | wc -l)
	log "$name: $total flows, $answered answered; stock: $(servers "$s"); differ: $diff"
	report "$name flows=$total answered=$answered differ=$diff"
	[ "$total" -eq $((NADDR * NPORTS)) ] || { bad=1; log "  wrong flow count"; }
	[ "$answered" -gt $((total / 2)) ] || { bad=1; log "  too few answered"; }
	if [ "$diff" -ne 0 ]; then
		bad=1
		paste -d' ' "$s" "$a" | awk '$3 != $6 && n++ < 5 {print "  stock", $1, $2, $3, "aavs", $6}'
	fi
done
[ $bad = 0 ] || fail "aavs and stock ip_vs disagree (see above)"

for sched in sh mh; do
	d3=$(paste -d' ' "/tmp/aavs.$sched:flag-3:up" "/tmp/aavs.$sched:flag-3:down" | awk '$3 != $6' | wc -l)
	dp=$(paste -d' ' "/tmp/aavs.$sched:plain:up" "/tmp/aavs.$sched:plain:down" | awk '$3 != $6' | wc -l)
	log "$sched: add order up vs down differ on $d3 flows with flag 3, $dp without"
	report "$sched order-independence flag3_differ=$d3 plain_differ=$dp"
	expect_eq "$d3" 0 "$sched flag-3 flows that depend on add order"
	grep -qv ' -$' "/tmp/aavs.$sched:flag-3:up" || fail "$sched flag-3: nothing answered"
done
[ "$(paste -d' ' /tmp/aavs.sh:plain:up /tmp/aavs.sh:plain:down | awk '$3 != $6' | wc -l)" -gt 0 ] ||
	fail "sh without flag 3 should depend on add order"
log "ok"
