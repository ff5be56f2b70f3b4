#!/bin/bash
# aavs.ko loads, registers the IPVS interfaces, and unloads cleanly.
#
#   topology: none (the root namespace only)
#   action:   modprobe aavs; use every interface once; rmmod aavs
#   expect:   the IPVS generic-netlink family answers the stock ipvsadm,
#             /proc/net/ip_vs and net.ipv4.vs.* exist, and after rmmod
#             nothing of aavs is left.
. "$LAB/lib.sh"

log "load"
modprobe aavs
[ -d /sys/module/aavs ] || fail "aavs is not in /sys/module after modprobe"
grep -q "aavs: aavs .* loaded" < <(dmesg) || fail "no load message in the kernel log"

log "the stock ipvsadm talks to aavs"
out=$(ipvsadm -Ln)
echo "$out"
expect_eq "$(echo "$out" | head -1)" "IP Virtual Server version 1.2.1 (size=4096)" "ipvsadm -Ln header"
expect_eq "$(ipvsadm -L --timeout)" "Timeout (tcp tcpfin udp): 900 120 300" "ipvsadm --timeout"
[ -e /proc/net/ip_vs ] || fail "no /proc/net/ip_vs"
[ -e /proc/sys/net/ipv4/vs/sloppy_tcp ] || fail "no net.ipv4.vs.sloppy_tcp"

log "unload"
rmmod aavs
[ ! -d /sys/module/aavs ] || fail "aavs still loaded after rmmod"
# Not ipvsadm here: it would autoload the stock ip_vs, as it should.
[ ! -e /proc/net/ip_vs ] || fail "/proc/net/ip_vs still exists after rmmod"
[ ! -d /proc/sys/net/ipv4/vs ] || fail "net.ipv4.vs still exists after rmmod"
log "ok"
