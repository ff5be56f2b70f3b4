#!/bin/bash
# Directors that map flows alike show one table digest; directors that do
# not, do not -- stock ip_vs (the tool computes it) and aavs (the kernel's).
#
#   client ──┬── dir1, dir2, dir3  (the same UDP service VIP:53 on each)
#            └── rs1..rs5          (weights 1..5; flat bridge, sched_topology.inc)
#   The client's VIP route moves from director to director, as ECMP moves
#   flows when the cluster changes.
#
#   1. stock ip_vs, plain sh (sh-port), servers added rs1..rs5 on all three:
#      `aavs-ipvsadm --digest` computes one digest (source=computed).
#   2. aavs, the same: the kernel's digest (source=kernel) is stock's, and
#      1000 flows land exactly where they did on stock.
#   3. aavs, plain sh, servers added in three orders: three digests; of 1000
#      flows, the number that would move between directors is reported.
#   4. the same orders with sh-stable, and with mh-stable: one digest, and
#      not one flow lands differently.
#   5. a weight edited on dir3 only: its digest differs until dir1 and dir2
#      get the same edit; re-setting an unchanged weight changes nothing.
# Every --digest on aavs also checks the kernel's digest against the tool's
# own computation from the same table code (exit status 2 on a mismatch).
# lab-kernels 6.1
. "$LAB/lib.sh"
. "$LAB/cases/sched_topology.inc"

VIP=203.0.113.1
SVC="UDP $VIP:53"
NADDR=125 NPORTS=8	# 1000 flows

# configure DIR SCHED FLAGS RS...: the service on DIR, servers added in order.
configure() {
	local d=$1 sched=$2 flags=$3 i
	shift 3
	on "$d" ipvsadm -C
	on "$d" ipvsadm -A -u $VIP:53 -s "$sched" -b "$flags"
	for i in "$@"; do
		on "$d" ipvsadm -a -u $VIP:53 -r "$(rip 4 "$i"):53" -g -w "$i"
	done
}

# digest DIR: "DIGEST SOURCE" of the service, as aavs-ipvsadm --digest says.
digest() {
	local out rc=0
	out=$(on "$1" aavs-ipvsadm --digest) || rc=$?
	[ $rc -eq 0 ] || fail "$1: aavs-ipvsadm --digest exited $rc: $out"
	awk -v s="$SVC" '$1 " " $2 == s {
		for (i = 3; i <= NF; i++) {
			if ($i ~ /^table=/) t = substr($i, 7)
			if ($i ~ /^source=/) src = substr($i, 8)
		}
		print t, src
	}' <<<"$out"
}

# digests: the three directors' digests, one line.
digests() { echo "$(digest dir1 | cut -d' ' -f1) $(digest dir2 | cut -d' ' -f1) $(digest dir3 | cut -d' ' -f1)"; }
distinct() { tr ' ' '\n' <<<"$1" | sort -u | wc -l; }

# flows TAG DIR SPORT: where the 1000 flows from source ports SPORT... land
# through DIR, in /tmp/digest.TAG.  A director keeps a flow's entry after
# its service is gone (and drops the flow): each step takes fresh ports.
flows() {
	sched_route_to "$2"
	on client flowmap udp $VIP 53 198.51.100.0 $NADDR "$3" $NPORTS 2>/dev/null |
		sort -k1,1 -k2,2n >"/tmp/digest.$1"
	[ "$(wc -l <"/tmp/digest.$1")" -eq $((NADDR * NPORTS)) ] || fail "$1: flowmap lost flows"
	[ "$(awk '$3 == "-"' "/tmp/digest.$1" | wc -l)" -eq 0 ] || fail "$1: flows unanswered"
}

# differ TAG...: flows the maps disagree on, or that went unanswered.
differ() {
	local t files=()
	for t in "$@"; do files+=("/tmp/digest.$t"); done
	paste "${files[@]}" | awk '{
		bad = $3 == "-"
		for (i = 6; i <= NF; i += 3) if ($i != $3) bad = 1
		n += bad
	} END { print n + 0 }'
}

sched_topology 3
for d in "${SCHED_DIRS[@]}"; do on "$d" true; done

log "1. stock ip_vs, plain sh, the same order everywhere"
load_stock_ipvs
modprobe ip_vs_sh
for d in "${SCHED_DIRS[@]}"; do configure "$d" sh sh-port 1 2 3 4 5; done
read -r stock src <<<"$(digest dir1)"
expect_eq "$src" computed "stock: digest source"
expect_eq "$(digests)" "$stock $stock $stock" "stock: digests of identical directors"
on dir1 aavs-ipvsadm --prometheus | grep -qF "aavs_service_table_info{service=\"$SVC\",scheduler=\"sh\",flags=\"sh-port\",digest=\"$stock\",source=\"computed\"} 1" ||
	fail "stock: --prometheus does not show the digest"
flows stock dir1 20000
for d in "${SCHED_DIRS[@]}"; do on "$d" ipvsadm -C; done
unload_ipvs

log "2. aavs, the same configuration"
load_aavs
for d in "${SCHED_DIRS[@]}"; do configure "$d" sh sh-port 1 2 3 4 5; done
read -r aavs src <<<"$(digest dir1)"
expect_eq "$src" kernel "aavs: digest source"
expect_eq "$aavs" "$stock" "aavs's kernel digest against the tool's for stock"
flows aavs dir1 20000
expect_eq "$(differ stock aavs)" 0 "flows landing differently on stock and aavs"

# orders SCHED FLAGS: the three directors, servers added in three orders.
orders() {
	configure dir1 "$1" "$2" 1 2 3 4 5
	configure dir2 "$1" "$2" 5 4 3 2 1
	configure dir3 "$1" "$2" 3 1 5 2 4
}

log "3. plain sh, three add orders"
orders sh sh-port
d=$(digests)
expect_eq "$(distinct "$d")" 3 "plain sh, three orders: distinct digests"
for i in 1 2 3; do flows "plain$i" "dir$i" 21000; done
moved=$(differ plain1 plain2 plain3)
pair=$(differ plain1 plain2)
log "plain sh: $moved of 1000 flows land differently across the directors ($pair between dir1 and dir2)"
[ "$pair" -gt 0 ] || fail "plain sh: two orders, yet every flow agrees"
report "plain-sh orders=3 digests=3 flows=1000 differ=$moved differ-dir1-dir2=$pair"

sport=21000
for sched in sh mh; do
	log "4. $sched-stable, three add orders"
	orders $sched "$sched-port,flag-3"	# Debian's ipvsadm: flag-3
	d=$(digests)
	expect_eq "$(distinct "$d")" 1 "$sched-stable, three orders: distinct digests"
	sport=$((sport + 1000))
	for i in 1 2 3; do flows "$sched-stable$i" "dir$i" $sport; done
	expect_eq "$(differ "$sched-stable1" "$sched-stable2" "$sched-stable3")" 0 \
		"$sched-stable: flows landing differently"
	report "$sched-stable orders=3 digests=1 flows=1000 differ=0"
done

log "5. a weight edited on one director"
before=$(digest dir1 | cut -d' ' -f1)
on dir3 ipvsadm -e -u $VIP:53 -r "$(rip 4 2):53" -g -w 4
d=$(digests)
expect_eq "$(distinct "$d")" 2 "dir3 edited alone: distinct digests"
[ "$(digest dir3 | cut -d' ' -f1)" != "$before" ] || fail "dir3's digest did not change"
for d in dir1 dir2; do on "$d" ipvsadm -e -u $VIP:53 -r "$(rip 4 2):53" -g -w 4; done
d=$(digests)
expect_eq "$(distinct "$d")" 1 "every director edited: distinct digests"
after=${d%% *}
[ "$after" != "$before" ] || fail "the edit left the digest unchanged"
on dir1 ipvsadm -e -u $VIP:53 -r "$(rip 4 2):53" -g -w 4
expect_eq "$(digest dir1 | cut -d' ' -f1)" "$after" "digest after re-setting the same weight"
log "ok"
