#!/bin/bash
# lab-kernels 6.1
# A dest the mh table cannot index is refused, not left unscheduled.
#
#   topology: none (the root namespace only)
#   action:   an mh service gets 4093 real servers (ip_vs's and aavs's mh
#             table has 4093 slots), then a 4094th; then one is deleted and
#             the 4094th added again.
#   expect:   the 4094th add fails with EINVAL (ipvsadm: "Invalid
#             operation.  Possibly wrong module version, ...") and leaves 4093
#             dests; after the delete it succeeds.  (Stock ip_vs accepts
#             the 4094th and never schedules it: its mh keeps the old table
#             and ignores the error; aavs reports it instead.)
. "$LAB/lib.sh"

N=4093 VIP=192.0.2.1:80
rip() { echo "10.16.$(($1 / 256)).$(($1 % 256))"; }
# Lines with "->": the column header and one per dest.
dests() { ipvsadm -Ln -t $VIP | grep -c -- '->' || true; }

load_aavs
log "$N dests"
ipvsadm -A -t $VIP -s mh
for ((i = 1; i <= N; i++)); do
	echo "-a -t $VIP -r $(rip $i):80 -g"
done | ipvsadm -R
expect_eq "$(dests)" $((N + 1)) "listed lines (header + $N dests)"

log "one more"
err=$(ipvsadm -a -t $VIP -r "$(rip $((N + 1)))":80 -g 2>&1) &&
	fail "mh took a 4094th dest its table cannot index"
echo "$err"
case $err in "Invalid operation."*) ;; *) fail "not EINVAL: $err" ;; esac
expect_eq "$(dests)" $((N + 1)) "listed lines after the refused add"

log "one out, the new one in"
ipvsadm -d -t $VIP -r "$(rip 1)":80
ipvsadm -a -t $VIP -r "$(rip $((N + 1)))":80 -g ||
	fail "mh refused its 4093rd dest after a delete"
expect_eq "$(dests)" $((N + 1)) "listed lines after delete and add"
ipvsadm -C
rmmod aavs
log "ok"
