#!/bin/bash
# The stock ipvsadm sees no difference between stock ip_vs and aavs.
#
#   topology: none (the root namespace only)
#   action:   run ctl_commands.txt (services of every kind, edits, bad
#             requests, every listing) against stock ip_vs, then the same
#             against aavs
#   expect:   every output line and exit status identical; then the two
#             answers that differ on purpose (--pe sip, --start-daemon)
#             give aavs's documented errors.
. "$LAB/lib.sh"

cmds=$LAB/cases/ctl_commands.txt
[ -f "$cmds" ] || fail "no $cmds"

# Replay the script; print each command, its output and its status.
replay() {
	local line rc out
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		echo "\$ $line"
		rc=0
		if [ "${line:0:1}" = "!" ]; then
			out=$(bash -c "${line:1}" 2>&1) || rc=$?
		else
			out=$(eval "ipvsadm $line" 2>&1) || rc=$?
		fi
		[ -n "$out" ] && echo "$out"
		echo "[rc=$rc]"
	done <"$cmds"
}

log "against stock ip_vs"
unload_ipvs
load_stock_ipvs
replay >/tmp/ctl_stock.out
ipvsadm -C
unload_ipvs
grep -q '^ip_vs' < <(lsmod) && fail "stock ip_vs did not unload: $(lsmod | grep ip_vs)"

log "against aavs"
load_aavs
replay >/tmp/ctl_aavs.out

log "compare ($(grep -c '^\$ ' /tmp/ctl_stock.out) commands)"
if ! diff -u /tmp/ctl_stock.out /tmp/ctl_aavs.out >/tmp/ctl.diff; then
	cat /tmp/ctl.diff
	fail "ipvsadm output differs between stock ip_vs and aavs"
fi

log "aavs's own answers"
out=$(ipvsadm -A -t 192.0.2.1:80 -s rr -p 10 --pe sip 2>&1) && fail "--pe sip accepted"
expect_eq "$out" "Scheduler or persistence engine not found" "--pe sip"
out=$(ipvsadm --start-daemon master --mcast-interface lo 2>&1) && fail "sync daemon started"
expect_eq "$out" "Protocol not supported" "--start-daemon"
expect_eq "$(ipvsadm -S -n)" "" "table after refused requests"
rmmod aavs
log "ok"
