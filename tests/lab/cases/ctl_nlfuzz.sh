#!/bin/bash
# lab-kernels 6.12 debug
# lab-debug
# Generated IPVS netlink requests neither crash aavs nor corrupt its table,
# and unprivileged senders change nothing.
#
#   topology: none (the root namespace; the userns run makes its own netns);
#             no traffic at all.
#   action:   nlfuzz (tests/tools/nlfuzz.cc) sends seeded, generated
#             requests to aavs: mostly-valid commands on a pool of services
#             and real servers, random commands and attribute trees, and
#             mutations of both (truncated, overlong, odd, duplicate,
#             zero-length attributes, batches).  60 000 as root, 20 000 as
#             nobody, 20 000 as root of a user namespace owning a fresh
#             netns.  Then the root and userns seeds once at stock ip_vs
#             (the userns seed only on the debug kernel, where stock's
#             survival is not what is tested: three minutes there).
#   expect:   the table afterwards parses (ipvsadm -Ln, -Sn), our
#             aavs-ipvsadm -Ln prints what Debian's does, every counter is 0
#             (no traffic), ipvsadm -C empties it and rmmod aavs succeeds;
#             as nobody every state-changing request is answered EPERM and
#             the table and timeouts are unchanged; in the user namespace
#             aavs answers exactly what stock ip_vs answers (its rule:
#             CAP_NET_ADMIN in the initial user namespace, so all EPERM)
#             and the root table is unchanged; stock ip_vs survives the same
#             seeds; no kernel warning (the harness checks).
#   reproduce: one message: nlfuzz --seed S --from I --count 1 --hex
#             (message I of seed S does not depend on --from or --count).
#   knobs:    NLFUZZ_SEED (default 1313), NLFUZZ_ROOT, NLFUZZ_NOBODY,
#             NLFUZZ_USERNS (message counts).
. "$LAB/lib.sh"

SEED=${NLFUZZ_SEED:-1313}
ROOT=${NLFUZZ_ROOT:-60000}
NOBODY=${NLFUZZ_NOBODY:-20000}
USERNS=${NLFUZZ_USERNS:-20000}

# fuzz NAME SEED COUNT [OPTION]: one nlfuzz run, its output in /tmp/nlfuzz.NAME.
fuzz() {
	local name=$1 seed=$2 count=$3 t0=$SECONDS
	shift 3
	nlfuzz --seed "$seed" --count "$count" "$@" >/tmp/nlfuzz."$name" ||
		fail "nlfuzz $name (seed $seed) failed"
	log "$name: $(line SUMMARY "$name") (${SECONDS}s total, $((SECONDS - t0)) s)"
	log "$name: $(line ANSWERS "$name")"
	log "$name: $(line STATE "$name")"
	if grep -q '^userns ' /tmp/nlfuzz."$name"; then
		log "$name: in the namespace: $(line userns "$name" | tr -s '\t\n' '  ')"
	fi
}

# line KEY NAME: the line of /tmp/nlfuzz.NAME that starts with KEY.
line() { sed -n "s/^$1 //p" /tmp/nlfuzz."$2"; }
# field KEY NAME FIELD: FIELD=value of that line.
field() { line "$1" "$2" | tr ' ' '\n' | sed -n "s/^$3=//p"; }

table() { ipvsadm -Sn; ipvsadm -L --timeout; }

# Every counter and rate in ipvsadm's view and in /proc/net/ip_vs_stats is
# 0: nothing but netlink touched this kernel.  (The numbers are the last
# five fields: fwmark services print their family before them.)
counters_zero() {
	local what=$1 bad
	bad=$(ipvsadm -Ln --stats --exact | awk '$1 ~ /^(TCP|UDP|SCTP|FWM|->)$/ && $2 != "RemoteAddress:Port" && ($(NF-4) $(NF-3) $(NF-2) $(NF-1) $NF) != "00000"')
	[ -z "$bad" ] || fail "$what: non-zero counters without traffic: $bad"
	bad=$(ipvsadm -Ln --rate | awk '$1 ~ /^(TCP|UDP|SCTP|FWM|->)$/ && $2 != "RemoteAddress:Port" && ($(NF-4) $(NF-3) $(NF-2) $(NF-1) $NF) != "00000"')
	[ -z "$bad" ] || fail "$what: non-zero rates without traffic: $bad"
	bad=$(awk 'NR == 3 || NR == 6' /proc/net/ip_vs_stats | tr -s ' ' '\n' | grep -v '^0*$' || true)
	[ -z "$bad" ] || fail "$what: /proc/net/ip_vs_stats not zero: $(cat /proc/net/ip_vs_stats)"
	[ "$(awk 'NR == 3 || NR == 6 {n += NF} END {print n}' /proc/net/ip_vs_stats)" = 10 ] ||
		fail "$what: /proc/net/ip_vs_stats unreadable: $(cat /proc/net/ip_vs_stats)"
}

# consistent WHAT [stock]: the table after a fuzz run is one ipvsadm can
# read.  Debian's ipvsadm -Sn itself crashes on some tables stock ip_vs
# accepts (found by this case; likely its tunnel-flag name lookup, see
# below): for stock that is logged, not failed.
consistent() {
	local what=$1 stock=${2:-} rc=0
	ipvsadm -Ln >/tmp/ln.stock || fail "$what: ipvsadm -Ln failed after the fuzz"
	ipvsadm -Sn >/tmp/sn 2>/tmp/sn.err || rc=$?
	if [ $rc != 0 ] && [ -n "$stock" ]; then
		log "$what: Debian's ipvsadm -Sn failed (exit $rc) on this table:"
		cat /tmp/ln.stock /tmp/sn.err
		awk '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ {print "-A"} $1 == "->" && $2 != "RemoteAddress:Port" {print "-a"}' \
			/tmp/ln.stock >/tmp/sn
	elif [ $rc != 0 ]; then
		fail "$what: ipvsadm -Sn failed (exit $rc) after the fuzz"
	fi
	ipvsadm -Ln --stats >/dev/null || fail "$what: ipvsadm -Ln --stats failed"
	ipvsadm -L --timeout >/dev/null || fail "$what: ipvsadm -L --timeout failed"
	# Stock's crashes too (a GUE dest with tunnel flags beyond 2, which
	# ip_vs stores and aavs refuses, indexes past ipvsadm's name table).
	if [ -z "$stock" ]; then
		ipvsadm -Ln --tun-info >/dev/null || fail "$what: ipvsadm -Ln --tun-info failed"
	fi
	log "$what: $(grep -c '^-A' /tmp/sn || true) services, $(grep -c '^-a' /tmp/sn || true) real servers"
	counters_zero "$what"
}

# flushed WHAT: ipvsadm -C leaves nothing.
flushed() {
	ipvsadm -C || fail "$1: ipvsadm -C failed"
	[ -z "$(ipvsadm -Sn)" ] || fail "$1: ipvsadm -C left: $(ipvsadm -Sn)"
}

# Debian lets unprivileged users create user namespaces unless told not to.
sysctl -qw kernel.unprivileged_userns_clone=1 2>/dev/null || true

log "aavs, seed $SEED"
unload_ipvs
load_aavs
fuzz root "$SEED" "$ROOT"
consistent "aavs after the root fuzz"
# Documented difference (ipvsadm.8, DIFFERENCES): ours names flag 3 on sh
# and mh sh-stable/mh-stable, 1.31 prints nothing for it.
aavs-ipvsadm -Ln >/tmp/ln.aavs || fail "aavs-ipvsadm -Ln failed after the fuzz"
sed -i -E 's/,[sm]h-stable\)/)/; s/\([sm]h-stable\)/()/; s/\([sm]h-stable,/(/; s/,[sm]h-stable,/,/' /tmp/ln.aavs
diff -u /tmp/ln.stock /tmp/ln.aavs || fail "aavs-ipvsadm -Ln differs from ipvsadm -Ln"

before=$(table)
fuzz nobody $((SEED + 1)) "$NOBODY" --as-nobody
[ "$(field STATE nobody sent)" -gt 0 ] || fail "nobody: no state-changing request sent"
# Refused, every one: with EPERM, or with EOPNOTSUPP where the generic-
# netlink core answers first.  From 6.2 on it looks the command up for the
# flags asked (a dump of NEW_SERVICE has no handler) before it checks the
# sender's capability; 6.1 checks the capability first.  The table is
# compared below either way.
not_refused=$(line STATE nobody | tr ' ' '\n' |
	awk -F= '/^[A-Z_]+:[A-Z]+=/ && $1 !~ /:EOPNOTSUPP$/ {n += $2} END {print n + 0}')
[ "$not_refused" = 0 ] && [ "$(field STATE nobody none)" = 0 ] ||
	fail "nobody: a state-changing request was not refused: $(line STATE nobody)"
[ "$before" = "$(table)" ] || fail "nobody changed the table"

fuzz userns $((SEED + 2)) "$USERNS" --userns
[ "$before" = "$(table)" ] || fail "the user namespace run changed the root table"
consistent "aavs after all runs"
flushed aavs
unload_ipvs
lsmod | grep -q '^aavs' && fail "aavs still loaded"

load_stock_ipvs
if debug_kernel; then
	log "stock ip_vs, the userns seed"
	stock_root="stock root not run (debug kernel)"
else
	log "stock ip_vs, the root and userns seeds"
	fuzz stock_root "$SEED" "$ROOT"
	consistent "stock after the root fuzz" stock
	stock_root="stock root $(field SUMMARY stock_root sent) at $(field SUMMARY stock_root rate)/s survived"
fi
fuzz stock_userns $((SEED + 2)) "$USERNS" --userns
flushed stock
unload_ipvs

# ip_vs's rule in a user namespace: GENL_ADMIN_PERM, CAP_NET_ADMIN in the
# initial one.  Assert of aavs what stock shows, then the whole answer mix.
if [ "$(field STATE stock_userns other)" = 0 ] && [ "$(field STATE stock_userns none)" = 0 ]; then
	[ "$(field STATE userns other)" = 0 ] && [ "$(field STATE userns none)" = 0 ] ||
		fail "userns: stock refuses every state-changing request with EPERM, aavs: $(line STATE userns)"
fi
if [ "$(line ANSWERS userns)" = "$(line ANSWERS stock_userns)" ]; then
	userns_match=match
else
	userns_match=differ
	fail "userns answers differ: aavs $(line ANSWERS userns), stock $(line ANSWERS stock_userns)"
fi

report "aavs root $(field SUMMARY root sent) msgs at $(field SUMMARY root rate)/s," \
	"nobody $(field SUMMARY nobody sent) (state-changing $(field STATE nobody sent), all refused)," \
	"userns $(field SUMMARY userns sent) ($userns_match stock);" \
	"$stock_root;" \
	"case ${SECONDS}s"
log "ok after ${SECONDS}s"
