#!/bin/bash
# The packaged modprobe rules never leave the guest without IPVS: aavs where
# aavs.ko is installed for the running kernel, the stock ip_vs where it is
# not, with one kernel log line saying so.
#
#   topology: none (the root namespace only)
#   action:   install the files the packages ship (modprobe.d/aavs.conf and
#             /usr/libexec/aavs/modprobe-ipvs); take aavs.ko out of the
#             module tree and depmod; ask for ip_vs every way a director
#             does (modprobe ip_vs, the kernel's family autoload through
#             ipvsadm, a scheduler module first); put aavs.ko back where
#             the Debian package puts it (updates/dkms), depmod, and ask
#             again; last, a damaged aavs.ko that modinfo finds but the
#             kernel refuses
#   expect:   without aavs.ko: the stock ip_vs each time, its schedulers
#             load, and the kernel log holds "falling back to the kernel's
#             ip_vs" once per load; with it: aavs each time, no stock
#             module, no fallback line, ip_vs's options reach aavs, the
#             schedulers aavs has built in load as no-ops and the others
#             fail with a reason instead of a kernel refusal; the damaged
#             one gives the stock ip_vs and a fallback line naming it.
. "$LAB/lib.sh"

kver=$(uname -r)
ko=/lib/modules/$kver/extra/aavs.ko
[ -f "$ko" ] || fail "no $ko in the image"
fallback_line="aavs: no aavs module for kernel $kver; falling back to the kernel's ip_vs"

restore() {
	rm -f /etc/modprobe.d/aavs.conf /usr/libexec/aavs/modprobe-ipvs
	unload_ipvs
	rm -f "/lib/modules/$kver/updates/dkms/aavs.ko"
	[ -f /tmp/aavs.ko ] && mv /tmp/aavs.ko "$ko"
	depmod
	lab_cleanup
}
trap restore EXIT

mkdir -p /etc/modprobe.d
cp "$LAB/packaging/modprobe.d/aavs.conf" /etc/modprobe.d/aavs.conf
mkdir -p /usr/libexec/aavs
cp "$LAB/packaging/libexec/modprobe-ipvs" /usr/libexec/aavs/modprobe-ipvs

loaded() { [ -d "/sys/module/$1" ]; }
modules() { lsmod | awk 'NR > 1 {print $1}' | xargs; }
fallbacks() { dmesg | grep -c "aavs: .*falling back to the kernel's ip_vs"; }
expect_stock() {
	loaded ip_vs || fail "$1: no stock ip_vs ($(modules))"
	! loaded aavs || fail "$1: aavs loaded"
	expect_eq "$(fallbacks)" 1 "$1: fallback lines in the kernel log"
	dmesg | grep -qF "$fallback_line" || fail "$1: no line '$fallback_line'"
}
expect_aavs() {
	loaded aavs || fail "$1: aavs not loaded ($(modules))"
	! loaded ip_vs || fail "$1: the stock ip_vs was loaded"
	expect_eq "$(fallbacks)" 0 "$1: fallback lines in the kernel log"
}
fresh() { unload_ipvs; dmesg -c >/dev/null; }

log "aavs.ko not installed for $kver"
mv "$ko" /tmp/aavs.ko
depmod
! modinfo aavs >/dev/null 2>&1 || fail "modinfo still finds aavs after depmod"

fresh
modprobe ip_vs || fail "modprobe ip_vs failed without aavs"
expect_stock "modprobe ip_vs"
dmesg | grep "falling back"

fresh
out=$(ipvsadm -L -n 2>&1) || fail "stock ipvsadm failed without aavs: $out"
expect_eq "$(echo "$out" | head -1)" "IP Virtual Server version 1.2.1 (size=4096)" "ipvsadm header"
expect_stock "ipvsadm, the kernel's autoload"

fresh
modprobe ip_vs_rr || fail "modprobe ip_vs_rr with nothing loaded failed without aavs"
loaded ip_vs_rr || fail "ip_vs_rr not loaded"
expect_stock "modprobe ip_vs_rr"
modprobe ip_vs_sh || fail "modprobe ip_vs_sh beside the stock ip_vs failed"
loaded ip_vs_sh || fail "ip_vs_sh not loaded"
expect_eq "$(fallbacks)" 1 "fallback lines after a second scheduler"
ipvsadm -A -t 192.0.2.1:80 -s sh || fail "no sh service on the stock ip_vs"
ipvsadm -C

log "aavs.ko installed where the package puts it, depmod"
fresh
mkdir -p "/lib/modules/$kver/updates/dkms"
cp /tmp/aavs.ko "/lib/modules/$kver/updates/dkms/aavs.ko"
depmod
expect_eq "$(modinfo -n aavs)" "/lib/modules/$kver/updates/dkms/aavs.ko" "modinfo -n aavs"

modprobe ip_vs conn_tab_bits=10 || fail "modprobe ip_vs failed with aavs installed"
expect_aavs "modprobe ip_vs"
expect_eq "$(cat /sys/module/aavs/parameters/conn_tab_bits)" 10 "ip_vs's option passed to aavs"
dmesg | grep "aavs: aavs .* loaded" || fail "no aavs load line"
# Which aavs runs: version and git revision, the same in sysfs and modinfo.
version=$(cat /sys/module/aavs/version)
expect_eq "$(modinfo -F version aavs)" "$version" "modinfo's version"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+\+([0-9a-f]{7,}(-dirty)?|unknown)$ ]] ||
	fail "/sys/module/aavs/version '$version' is not VERSION+REVISION"
dmesg | grep -qF "aavs: aavs ${version%%+*} (git ${version#*+}) loaded" ||
	fail "the load line does not name version ${version%%+*} and revision ${version#*+}"

log "scheduler modules beside aavs"
for m in ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_mh ip_vs_dh ip_vs_sed \
	ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_twos ip_vs_lblc ip_vs_lblcr xt_ipvs; do
	modprobe "$m" || fail "modprobe $m beside aavs failed"
	! loaded "$m" || fail "$m loaded beside aavs"
done
expect_aavs "built-in schedulers and the ipvs match"
for m in ip_vs_ftp ip_vs_pe_sip; do
	if err=$(modprobe "$m" 2>&1); then fail "modprobe $m beside aavs succeeded"; fi
	echo "$err"
	echo "$err" | grep -q "aavs: $m not loaded: aavs provides IPVS here and has no such module" ||
		fail "modprobe $m: no reason given: $err"
	! loaded "$m" || fail "$m loaded beside aavs"
done
! dmesg | grep -q "refusing to load" || fail "a stock module reached the kernel beside aavs"
expect_aavs "other ip_vs modules"

fresh
modprobe ip_vs_sh || fail "modprobe ip_vs_sh with nothing loaded failed"
expect_aavs "modprobe ip_vs_sh"

fresh
out=$(ipvsadm -L -n 2>&1) || fail "stock ipvsadm failed with aavs installed: $out"
expect_eq "$(echo "$out" | head -1)" "IP Virtual Server version 1.2.1 (size=4096)" "ipvsadm header"
expect_aavs "ipvsadm, the kernel's autoload"

log "an aavs.ko that does not load (damaged): the stock module"
fresh
head -c 4096 /tmp/aavs.ko >"/lib/modules/$kver/updates/dkms/aavs.ko"
depmod 2>/dev/null
modinfo -n aavs >/dev/null 2>&1 || skip "depmod dropped the damaged module; nothing to test"
modprobe ip_vs || fail "modprobe ip_vs failed with a damaged aavs.ko"
loaded ip_vs || fail "no stock ip_vs with a damaged aavs.ko ($(modules))"
dmesg | grep "aavs: aavs did not load (.*format.*); falling back to the kernel's ip_vs" ||
	fail "no fallback line for an aavs that did not load: $(dmesg | tail -3)"

log "ok"
