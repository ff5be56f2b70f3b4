#!/bin/bash
# lab-kernels 6.1
# A running director switches from the stock ip_vs to aavs and back without
# a reboot, in the order docs/install.md gives.
#
#   topology: none (the root namespace only)
#   action:   with the packaged modprobe rules installed: the stock ip_vs
#             (loaded with --ignore-install, as an operator going back
#             does) runs services on rr and sh with a sysctl set; flush,
#             unload its scheduler modules, unload ip_vs, load aavs (modprobe
#             ip_vs, through the rules), apply the sysctl again, add the
#             services again; then back: flush, unload aavs,
#             modprobe --ignore-install ip_vs
#   expect:   each step succeeds, in that order; ip_vs will not unload while
#             a scheduler module holds it; sysctls do not survive a module
#             switch (reapplied); the services answer on each module.
. "$LAB/lib.sh"

# Services pin the stock scheduler modules: flush before unloading.
trap '[ -d /sys/module/ip_vs ] || [ -d /sys/module/aavs ] && ipvsadm -C
	rm -f /etc/modprobe.d/aavs.conf /usr/libexec/aavs/modprobe-ipvs; unload_ipvs; lab_cleanup' EXIT
mkdir -p /etc/modprobe.d /usr/libexec/aavs
cp "$LAB/packaging/modprobe.d/aavs.conf" /etc/modprobe.d/aavs.conf
cp "$LAB/packaging/libexec/modprobe-ipvs" /usr/libexec/aavs/modprobe-ipvs
loaded() { [ -d "/sys/module/$1" ]; }
services() {
	ipvsadm -A -t 192.0.2.1:80 -s rr || fail "$1: no rr service"
	ipvsadm -A -t 192.0.2.1:443 -s sh || fail "$1: no sh service"
	ipvsadm -a -t 192.0.2.1:443 -r 198.51.100.11 -g || fail "$1: no real server"
	expect_eq "$(ipvsadm -Ln | grep -c '^TCP')" 2 "$1: services listed"
}

unload_ipvs
log "the stock ip_vs, as the director ran before"
modprobe --ignore-install ip_vs || fail "modprobe --ignore-install ip_vs"
loaded ip_vs && ! loaded aavs || fail "--ignore-install did not give the stock module"
services stock
loaded ip_vs_rr && loaded ip_vs_sh || fail "ip_vs did not load its scheduler modules"
sysctl -qw net.ipv4.vs.sloppy_tcp=1

log "to aavs: flush, schedulers, ip_vs, aavs"
ipvsadm -C
if modprobe -r ip_vs 2>/dev/null; then
	fail "ip_vs unloaded while its scheduler modules held it"
fi
# shellcheck disable=SC2046 # docs/install.md's line, word for word
modprobe -r $(lsmod | awk '$1 ~ /^ip_vs_/ {print $1}') || fail "modprobe -r the scheduler modules"
modprobe -r ip_vs || fail "modprobe -r ip_vs"
! loaded ip_vs || fail "ip_vs still loaded"
modprobe ip_vs || fail "modprobe ip_vs (through the rules)"
loaded aavs && ! loaded ip_vs || fail "the rules did not load aavs"
expect_eq "$(sysctl -n net.ipv4.vs.sloppy_tcp)" 0 "sloppy_tcp after the switch (sysctls start over)"
sysctl -qw net.ipv4.vs.sloppy_tcp=1
services aavs

log "back: flush, aavs, the stock ip_vs past the rules"
ipvsadm -C
modprobe -r aavs || fail "modprobe -r aavs"
! loaded aavs || fail "aavs still loaded"
modprobe --ignore-install ip_vs || fail "modprobe --ignore-install ip_vs"
loaded ip_vs && ! loaded aavs || fail "not the stock module"
services "stock again"
log "ok"
