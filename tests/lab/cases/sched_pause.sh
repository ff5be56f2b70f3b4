#!/bin/bash
# Pausing a real server (weight 0) breaks none of its connections, even when
# they move to a director that never saw them.
#
#   client ──┬── dir1, dir2  (same service on both, sloppy_tcp=1)
#            └── rs1..rs5    (weights 1..5; flat bridge, sched_topology.inc)
#
#   action: 256 TCP connections through dir1, each answered once; rs3 is
#           paused on both directors; the client's VIP route moves to dir2
#           (an ECMP change); every connection asks again.  Then 256 new
#           connections.
#   expect: on aavs, with sh (sh-fallback, sh-port, flag 3) and mh
#           (mh-fallback, mh-port), every connection answers again from the
#           same server, rs3's included: dir2 picks them up mid-stream and
#           keeps them on their hashed server; new connections avoid rs3.
#           On stock ip_vs, mh (mh-fallback, mh-port) keeps every other
#           connection but breaks all of rs3's: mh-fallback sends their
#           mid-stream packets to another server.  Checked, to show the case
#           can tell.
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

VIP=203.0.113.1

# configure SCHED FLAGS: the service on both directors, sloppy TCP on.
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

# What the directors and servers saw, when connections broke.
diagnose() {
	local d rs
	for d in "${SCHED_DIRS[@]}"; do
		log "$d: $(on "$d" ipvsadm -Lnc | grep -c ESTABLISHED) established conns;" \
			"$(on "$d" ipvsadm -Ln --stats | awk '/^TCP/ {print "conns", $3, "in", $4}')"
	done
	for rs in "${SCHED_RS[@]}"; do
		log "$rs: $(on $rs cat /proc/net/netstat /proc/net/snmp | awk '
			/^(TcpExt|Tcp):/ { if (!h[$1]) { for (i = 2; i <= NF; i++) n[$1, i] = $i; h[$1] = 1; next }
				for (i = 2; i <= NF; i++) if (n[$1, i] ~ /^(SyncookiesSent|ListenOverflows|OutRsts|EstabResets)$/) printf "%s=%s ", n[$1, i], $i }')"
	done
}

# scenario TAG SPORT: held connections across the pause and the route
# change; sets BROKEN, ON_RS3 (held connections rs3 answered first) and
# NEW_RS3 (new connections rs3 answered).
scenario() {
	local tag=$1 sport=$2 out=/tmp/$1.held err=/tmp/$1.err go=/tmp/$1.go pid
	sched_route_to dir1
	on client flowmap hold tcp $VIP 80 198.51.100.0 64 "$sport" 4 "$go" >"$out" 2>"$err" &
	pid=$!
	wait_for -t 60 ready "$err"
	log "$tag: $(cat "$err")"
	pause_rs3
	sched_route_to dir2
	touch "$go"
	wait $pid
	ON_RS3=$(awk '$3 == "rs3"' "$out" | wc -l)
	BROKEN=$(awk '$3 == "-" || $3 != $4' "$out" | wc -l)
	log "$tag: $(wc -l <"$out") held, $ON_RS3 on rs3, $BROKEN broken" \
		"($(awk '$3 == "rs3" && $4 != "rs3"' "$out" | wc -l) of rs3's)"
	awk '($3 == "-" || $3 != $4) && n++ < 3 {print "  broken:", $0}' "$out"
	[ "$BROKEN" -eq 0 ] || diagnose
	on client flowmap tcp $VIP 80 198.51.100.0 64 $((sport + 8)) 4 >"/tmp/$tag.new" 2>/dev/null
	NEW_RS3=$(awk '$3 == "rs3"' "/tmp/$tag.new" | wc -l)
	NEW_NONE=$(awk '$3 == "-"' "/tmp/$tag.new" | wc -l)
	log "$tag: new connections: $NEW_RS3 on rs3, $NEW_NONE unanswered"
	report "$tag held=$(wc -l <"$out") on_rs3=$ON_RS3 broken=$BROKEN new_rs3=$NEW_RS3"
}

sched_topology 2

log "stock ip_vs, mh (mh-fallback, mh-port)"
load_stock_ipvs
modprobe ip_vs_mh
configure mh mh-fallback,mh-port
scenario stock-mh 20000
[ "$ON_RS3" -gt 0 ] || fail "stock: no held connection on rs3"
expect_eq "$BROKEN" "$ON_RS3" "stock ip_vs: broken connections (all of rs3's, no other)"
for d in "${SCHED_DIRS[@]}"; do on "$d" ipvsadm -C; done
unload_ipvs

load_aavs
configure sh sh-fallback,sh-port,flag-3
sched_route_to dir1
if ! grep -qv ' -$' < <(on client flowmap tcp $VIP 80 198.51.100.0 4 21000 1 2>/dev/null); then
	skip "aavs forwarded no flow (datapath not there yet?)"
fi
sport=30000
for sched in sh mh; do
	if [ $sched = mh ]; then
		for d in "${SCHED_DIRS[@]}"; do on "$d" ipvsadm -C; done
		configure mh mh-fallback,mh-port
	fi
	scenario "aavs-$sched" $sport
	sport=$((sport + 100))
	[ "$ON_RS3" -gt 0 ] || fail "aavs $sched: no held connection on rs3"
	expect_eq "$BROKEN" 0 "aavs $sched: connections broken by the pause and route change"
	expect_eq "$NEW_RS3" 0 "aavs $sched: new connections on paused rs3"
	expect_eq "$NEW_NONE" 0 "aavs $sched: new connections unanswered"
done
log "ok"
