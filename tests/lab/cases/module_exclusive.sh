#!/bin/bash
# aavs and the kernel's own ip_vs never share a kernel.
#
#   topology: none (the root namespace only)
#   action:   load ip_vs, then try aavs; unload; load aavs, then try ip_vs
#             and one of its schedulers
#   expect:   each second load fails with a non-zero status and a clear
#             kernel log line, and the first module keeps IPVS working.
. "$LAB/lib.sh"

log "ip_vs first: aavs must refuse"
modprobe ip_vs
dmesg -c >/dev/null
# modprobe, not insmod: aavs needs x_tables loaded first.
if modprobe aavs 2>/dev/null; then
	fail "aavs loaded beside ip_vs"
fi
grep -q "aavs: the kernel's ip_vs is loaded; unload it first" < <(dmesg) ||
	fail "no clear refusal message from aavs: $(dmesg | tail -3)"
[ ! -d /sys/module/aavs ] || fail "aavs in /sys/module after a refused load"
ipvsadm -Ln >/dev/null || fail "ip_vs stopped answering after aavs was refused"

log "aavs first: ip_vs must be refused"
unload_ipvs
modprobe aavs
dmesg -c >/dev/null
if modprobe ip_vs 2>/dev/null; then
	fail "ip_vs loaded beside aavs"
fi
grep -q "aavs: refusing to load ip_vs: aavs provides IPVS" < <(dmesg) ||
	fail "no clear refusal message for ip_vs: $(dmesg | tail -3)"
if modprobe ip_vs_sh 2>/dev/null; then
	fail "ip_vs_sh loaded beside aavs"
fi
[ ! -d /sys/module/ip_vs ] || fail "ip_vs in /sys/module beside aavs"
expect_eq "$(ipvsadm -Ln | head -1)" "IP Virtual Server version 1.2.1 (size=4096)" \
	"aavs still answers"
log "ok"
