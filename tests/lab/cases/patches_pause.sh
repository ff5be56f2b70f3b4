#!/bin/bash
# lab-kernels 6.1
# The kernel series of patches/linux, on the kernel it is built for: Debian's
# 6.1 with ip_vs built from its source with the series applied
# (patches/build-ipvs.sh), against the same kernel's stock ip_vs.
#
#   client ──┬── dir1, dir2  (same services on both, sloppy_tcp=1)
#            └── rs1..rs5    (weights 1..5; flat bridge, sched_topology.inc)
#
#   pause:  256 TCP connections through dir1, each answered once; rs3 is
#           paused (weight 0) on both directors; the client's VIP route
#           moves to dir2 (an ECMP change); every connection asks again;
#           then 256 new connections.  For sh (sh-fallback, sh-port, flag 3:
#           the stable table, which a pause does not re-tile) and mh
#           (mh-fallback, mh-port).
#   expect: patched, every connection answers again from the same server,
#           rs3's included, and no new one goes to rs3.  Stock breaks some
#           (rs3's at least): shown, to prove the case can tell.
#
#   diff:   on dir1, sh and mh services with each of their flags 1 and 2
#           (UDP, 128 addresses x 2 ports, rs3 paused) on stock and on
#           patched ip_vs; and sh/mh with flag 3 and without, dests added
#           in two orders.
#   expect: without flag 3 every flow lands on the same server on both; with
#           flag 3 patched maps both add orders alike, while stock (which
#           ignores flag 3) maps sh's two orders differently; and patched
#           with flag 3 maps every flow as aavs does with flag 3.
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

need_patched_ipvs

VIP=203.0.113.1

load_stock() { load_stock_ipvs; modprobe ip_vs_sh; modprobe ip_vs_mh; }
clear_all() { local d; for d in "${SCHED_DIRS[@]}"; do on "$d" ipvsadm -C; done; }

## The pause: as sched_pause.sh, on both modules.

configure() {
	local d i
	for d in "${SCHED_DIRS[@]}"; do
		on "$d" sysctl -qw net.ipv4.vs.sloppy_tcp=1
		on "$d" ipvsadm -A -t $VIP:80 -s "$1" -b "$2"
		for i in 1 2 3 4 5; do
			on "$d" ipvsadm -a -t $VIP:80 -r "$(rip 4 $i):80" -g -w $i
		done
	done
}

pause_rs3() {
	local d
	for d in "${SCHED_DIRS[@]}"; do
		on "$d" ipvsadm -e -t $VIP:80 -r "$(rip 4 3):80" -g -w 0
	done
}

ready() { grep -q READY "$1"; }

# scenario TAG SPORT: sets HELD, BROKEN, ON_RS3, NEW_RS3, NEW_NONE.
scenario() {
	local tag=$1 sport=$2 out=/tmp/$1.held err=/tmp/$1.err go=/tmp/$1.go pid
	sched_route_to dir1
	on client flowmap hold tcp $VIP 80 198.51.100.0 64 "$sport" 4 "$go" >"$out" 2>"$err" &
	pid=$!
	wait_for -t 60 ready "$err"
	pause_rs3
	sched_route_to dir2
	touch "$go"
	wait $pid
	HELD=$(wc -l <"$out")
	ON_RS3=$(awk '$3 == "rs3"' "$out" | wc -l)
	BROKEN=$(awk '$3 == "-" || $3 != $4' "$out" | wc -l)
	log "$tag: $HELD held, $ON_RS3 on rs3, $BROKEN broken" \
		"($(awk '$3 == "rs3" && $4 != "rs3"' "$out" | wc -l) of rs3's)"
	awk '($3 == "-" || $3 != $4) && n++ < 3 {print "  broken:", $0}' "$out"
	on client flowmap tcp $VIP 80 198.51.100.0 64 $((sport + 8)) 4 >"/tmp/$tag.new" 2>/dev/null
	NEW_RS3=$(awk '$3 == "rs3"' "/tmp/$tag.new" | wc -l)
	NEW_NONE=$(awk '$3 == "-"' "/tmp/$tag.new" | wc -l)
	log "$tag: new connections: $NEW_RS3 on rs3, $NEW_NONE unanswered"
	report "$tag held=$HELD on_rs3=$ON_RS3 broken=$BROKEN new_rs3=$NEW_RS3 new_none=$NEW_NONE"
}

PAUSE_SPECS=("sh sh-fallback,sh-port,flag-3" "mh mh-fallback,mh-port")

# pause_all WHO SPORT: both schedulers; sets BROKEN_sh, BROKEN_mh, ...
pause_all() {
	local who=$1 sport=$2 spec sched flags
	for spec in "${PAUSE_SPECS[@]}"; do
		read -r sched flags <<<"$spec"
		clear_all
		configure "$sched" "$flags"
		scenario "$who-$sched" "$sport"
		sport=$((sport + 100))
		printf -v "HELD_$sched" %s "$HELD"
		printf -v "ON_RS3_$sched" %s "$ON_RS3"
		printf -v "BROKEN_$sched" %s "$BROKEN"
		printf -v "NEW_RS3_$sched" %s "$NEW_RS3"
		printf -v "NEW_NONE_$sched" %s "$NEW_NONE"
	done
	clear_all
}

## The differential: as sched_diff.sh, IPv4 UDP, on dir1.

NADDR=128 NPORTS=2
SVCS=()
n=10
for sched in sh mh; do
	for flags in - $sched-fallback $sched-port $sched-fallback,$sched-port; do
		n=$((n + 1))
		SVCS+=("$sched:$flags $n $sched $flags up")
	done
	for order in up down; do
		n=$((n + 1))
		SVCS+=("$sched:flag-3:$order $n $sched flag-3,$sched-fallback,$sched-port $order")
	done
done

configure_diff() {
	local spec name n sched flags order i list
	for spec in "${@:-${SVCS[@]}}"; do
		read -r name n sched flags order <<<"$spec"
		if [ "$flags" = - ]; then
			on dir1 ipvsadm -A -u "203.0.113.$n:53" -s "$sched"
		else
			on dir1 ipvsadm -A -u "203.0.113.$n:53" -s "$sched" -b "$flags"
		fi
		list="1 2 3 4 5"
		[ "$order" = down ] && list="5 4 3 2 1"
		for i in $list; do
			on dir1 ipvsadm -a -u "203.0.113.$n:53" -r "$(rip 4 $i):53" -g -w $i
		done
		on dir1 ipvsadm -e -u "203.0.113.$n:53" -r "$(rip 4 3):53" -g -w 0
	done
}

map() {
	local tag=$1 spec name n rest
	shift
	sched_route_to dir1
	for spec in "${@:-${SVCS[@]}}"; do
		read -r name n rest <<<"$spec"
		on client flowmap udp "203.0.113.$n" 53 198.51.100.0 $NADDR 40000 $NPORTS \
			>"/tmp/$tag.$name" 2>/dev/null
	done
	log "$tag: mapped ${#SVCS[@]} services"
}

differ() { paste -d' ' "$1" "$2" | awk '$3 != $6' | wc -l; }

sched_topology 2

log "stock ip_vs"
load_stock
pause_all stock 20000
configure_diff
map stock "${SVCS[@]}"
clear_all
unload_ipvs

log "patched ip_vs ($(cat "$PATCHED_IPVS/KVER"))"
load_patched_ipvs
pause_all patched 30000
configure_diff
map patched "${SVCS[@]}"
clear_all
unload_ipvs

# aavs's own flag-3 tables, which the series reproduces.
FLAG3=()
for spec in "${SVCS[@]}"; do
	case $spec in *flag-3*) FLAG3+=("$spec") ;; esac
done
log "aavs"
load_aavs
configure_diff "${FLAG3[@]}"
map aavs "${FLAG3[@]}"
clear_all
unload_ipvs

bad=0
# Stock's numbers were overwritten by the patched run: read them back.
stock_broken() { awk '$3 == "-" || $3 != $4' "/tmp/stock-$1.held" | wc -l; }
stock_rs3() { awk '$3 == "rs3"' "/tmp/stock-$1.held" | wc -l; }
for sched in sh mh; do
	sb=$(stock_broken "$sched") so=$(stock_rs3 "$sched")
	pb=$(eval "echo \$BROKEN_$sched") ph=$(eval "echo \$HELD_$sched")
	po=$(eval "echo \$ON_RS3_$sched")
	pn=$(eval "echo \$NEW_RS3_$sched") pu=$(eval "echo \$NEW_NONE_$sched")
	log "pause $sched: stock broke $sb of 256 ($so on rs3), patched broke $pb of $ph ($po on rs3)"
	report "pause-$sched stock_broken=$sb stock_on_rs3=$so patched_broken=$pb patched_held=$ph patched_on_rs3=$po patched_new_rs3=$pn patched_new_none=$pu"
	[ "$ph" -eq 256 ] || { bad=1; log "  patched $sched: $ph connections held, not 256"; }
	[ "$po" -gt 0 ] || { bad=1; log "  patched $sched: no held connection on rs3"; }
	[ "$pb" -eq 0 ] || { bad=1; log "  patched $sched: $pb connections broken"; }
	[ "$pn" -eq 0 ] || { bad=1; log "  patched $sched: $pn new connections on paused rs3"; }
	[ "$pu" -eq 0 ] || { bad=1; log "  patched $sched: $pu new connections unanswered"; }
	[ "$sb" -gt 0 ] || { bad=1; log "  stock $sched broke nothing: the case cannot tell"; }
done

total_diff=0
for spec in "${SVCS[@]}"; do
	name=${spec%% *}
	case $name in *flag-3*) continue ;; esac
	d=$(differ "/tmp/stock.$name" "/tmp/patched.$name")
	flows=$(wc -l <"/tmp/patched.$name")
	answered=$(grep -cv ' -$' "/tmp/patched.$name" || true)
	log "diff $name: $flows flows, $answered answered, stock and patched differ on $d"
	report "diff $name flows=$flows answered=$answered differ=$d"
	total_diff=$((total_diff + d))
	[ "$flows" -eq $((NADDR * NPORTS)) ] || { bad=1; log "  wrong flow count"; }
	[ "$answered" -gt $((flows / 2)) ] || { bad=1; log "  too few answered"; }
	[ "$d" -eq 0 ] || bad=1
done
for sched in sh mh; do
	p3=$(differ "/tmp/patched.$sched:flag-3:up" "/tmp/patched.$sched:flag-3:down")
	s3=$(differ "/tmp/stock.$sched:flag-3:up" "/tmp/stock.$sched:flag-3:down")
	log "order $sched: flows differing between add orders: patched with flag 3 $p3, stock $s3"
	report "order $sched patched_flag3_differ=$p3 stock_differ=$s3"
	[ "$p3" -eq 0 ] || bad=1
	grep -qv ' -$' "/tmp/patched.$sched:flag-3:up" || { bad=1; log "  $sched flag 3: nothing answered"; }
	[ "$sched" = mh ] || [ "$s3" -gt 0 ] || { bad=1; log "  stock sh should depend on add order"; }
done
for spec in "${FLAG3[@]}"; do
	name=${spec%% *}
	d=$(differ "/tmp/patched.$name" "/tmp/aavs.$name")
	log "aavs $name: patched and aavs differ on $d flows"
	report "aavs $name differ=$d"
	[ "$d" -eq 0 ] || bad=1
done
[ $bad = 0 ] || fail "see above"
log "ok: $total_diff flows differ between stock and patched without flag 3"
