#!/bin/bash
# With packaging/modprobe.d/aavs.conf installed, asking for ip_vs loads aavs.
#
#   topology: none (the root namespace only)
#   action:   install the modprobe.d file; `modprobe ip_vs` (what ipvsadm and
#             keepalived run); then run each ipvsadm with nothing loaded (the
#             kernel's own family-alias autoload); then compare with a plain
#             "alias ip_vs aavs" line instead
#   expect:   every path ends with aavs loaded and the stock ip_vs not; the
#             alias variant covers `modprobe ip_vs` but not the kernel's
#             autoload (documented in docs/modprobe.md).
. "$LAB/lib.sh"

conf=$LAB/packaging/modprobe.d/aavs.conf
[ -f "$conf" ] || fail "no $conf in the image"
trap 'rm -f /etc/modprobe.d/aavs.conf /usr/libexec/aavs/modprobe-ipvs; unload_ipvs; lab_cleanup' EXIT
mkdir -p /etc/modprobe.d
# The rules run the packaged helper.
mkdir -p /usr/libexec/aavs
cp "$LAB/packaging/libexec/modprobe-ipvs" /usr/libexec/aavs/modprobe-ipvs

loaded() { [ -d "/sys/module/$1" ]; }
expect_aavs() {
	loaded aavs || fail "$1: aavs not loaded ($(lsmod | awk 'NR>1{print $1}' | tr '\n' ' '))"
	! loaded ip_vs || fail "$1: the stock ip_vs was loaded"
}

unload_ipvs
cp "$conf" /etc/modprobe.d/aavs.conf

log "modprobe ip_vs, as ipvsadm and keepalived run it"
/sbin/modprobe -- ip_vs
expect_aavs "modprobe ip_vs"
# The schedulers aavs has built in, including those added after sh and mh.
for m in ip_vs_rr ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_twos \
	ip_vs_lblc ip_vs_lblcr; do
	/sbin/modprobe "$m" || fail "modprobe $m beside aavs failed"
	! loaded "$m" || fail "$m loaded beside aavs"
done
expect_aavs "scheduler modules"
unload_ipvs

log "the stock ipvsadm with nothing loaded"
out=$(ipvsadm -L -n 2>&1) || fail "stock ipvsadm failed: $out"
expect_eq "$(echo "$out" | head -1)" "IP Virtual Server version 1.2.1 (size=4096)" "stock ipvsadm header"
expect_aavs "stock ipvsadm"
unload_ipvs

log "our ipvsadm with nothing loaded"
out=$(aavs-ipvsadm -L -n 2>&1) || fail "aavs-ipvsadm failed: $out"
expect_eq "$(echo "$out" | head -1)" "IP Virtual Server version 1.2.1 (size=4096)" "our header"
expect_aavs "aavs-ipvsadm"
unload_ipvs

log "without the file: the stock module, as before"
rm -f /etc/modprobe.d/aavs.conf
out=$(aavs-ipvsadm -L -n 2>&1) || fail "aavs-ipvsadm failed: $out"
loaded ip_vs || fail "no stock ip_vs without the modprobe.d file"
unload_ipvs

log "for comparison: 'alias ip_vs aavs'"
echo "alias ip_vs aavs" >/etc/modprobe.d/aavs.conf
/sbin/modprobe -- ip_vs
loaded aavs || fail "alias: modprobe ip_vs did not load aavs"
unload_ipvs
ipvsadm -L -n >/dev/null 2>&1 || true
loaded ip_vs || fail "alias: expected the kernel's autoload to bypass it (docs/modprobe.md)"
log "alias: covers modprobe ip_vs, not the kernel's family autoload"
unload_ipvs
log "ok"
