#!/bin/bash
# keepalived 2.2.7 configures aavs and tracks its health checks.
#
#   topology:        director (br0 198.51.100.1/24, keepalived -C)
#                    /          |            \
#      rs1 .11 (TCP 80 up)  rs2 .12 (down)  rs3 .13 (no checker)
#   action:   keepalived's virtual_server 192.0.2.10:80, sh with sh-port and
#             sh-fallback, DR, TCP_CHECK with inhibit_on_failure on rs1/rs2;
#             then rs2's server comes up; then keepalived stops.
#   expect:   ipvsadm shows the service with both flags, rs2 at weight 0
#             while its check fails and at its weight once it passes, and
#             nothing once keepalived has gone.
. "$LAB/lib.sh"

modprobe aavs
netns_new kdir rs1 rs2 rs3
on kdir ip link add br0 type bridge
on kdir ip link set br0 up
addr kdir br0 198.51.100.1/24
for i in 1 2 3; do
	veth rs$i eth0 kdir p$i
	on kdir ip link set p$i master br0
	addr rs$i eth0 198.51.100.1$i/24
done
serve rs1 tcp 80 rs1
wait_for on kdir ping -c1 -W1 198.51.100.11

conf=/tmp/ctl_keepalived.conf
cat >"$conf" <<'CONF'
global_defs {
    router_id LAB_CTL
}

virtual_server 192.0.2.10 80 {
    delay_loop 1
    lvs_sched sh
    sh-port
    sh-fallback
    lvs_method DR
    protocol TCP

    real_server 198.51.100.11 80 {
        weight 1
        inhibit_on_failure
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 198.51.100.12 80 {
        weight 2
        inhibit_on_failure
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 198.51.100.13 80 {
        weight 3
    }
}
CONF

log "keepalived -C in the director's namespace"
# Not through on(): $! must be keepalived itself (ip netns exec execs it).
ip netns exec kdir keepalived -n -l -D -C -f "$conf" -p /run/ctl_ka.pid \
	-c /run/ctl_ka_checkers.pid >/tmp/ctl_keepalived.log 2>&1 &
ka=$!
# keepalived and its checker child, killed hard if TERM did not do it.
ka_stop() {
	kill -TERM $ka 2>/dev/null || true
	local i
	for i in $(seq 100); do
		kill -0 $ka 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL $ka 2>/dev/null || true
	pkill_checkers
}
pkill_checkers() {
	local pid
	pid=$(cat /run/ctl_ka_checkers.pid 2>/dev/null) || return 0
	kill -KILL "$pid" 2>/dev/null || true
}
trap 'ka_stop; lab_cleanup' EXIT

dest_line() { on kdir ipvsadm -Ln | grep -F -- "-> $1:80" || true; }
weight_is() { [ "$(dest_line "$1" | awk '{print $4}')" = "$2" ]; }

wait_for -t 20 on kdir sh -c 'ipvsadm -Ln | grep -q "192.0.2.10:80"'
log "rs2's check fails: weight 0, not removed"
wait_for -t 30 weight_is 198.51.100.12 0
on kdir ipvsadm -Ln
expect_eq "$(on kdir ipvsadm -Ln | grep 192.0.2.10)" \
	"TCP  192.0.2.10:80 sh (sh-fallback,sh-port)" "service line"
weight_is 198.51.100.11 1 || fail "rs1: $(dest_line 198.51.100.11)"
weight_is 198.51.100.13 3 || fail "rs3: $(dest_line 198.51.100.13)"
grep -q Route < <(dest_line 198.51.100.12) || fail "rs2 not DR: $(dest_line 198.51.100.12)"

log "rs2 comes up: weight 2"
serve rs2 tcp 80 rs2
wait_for -t 30 weight_is 198.51.100.12 2

log "keepalived stops: its service goes"
kill -TERM $ka
wait_for -t 20 sh -c "! kill -0 $ka 2>/dev/null"
expect_eq "$(on kdir ipvsadm -Sn)" "" "table after keepalived exit"
grep -q "IPVS cmd .* error" /tmp/ctl_keepalived.log &&
	{ cat /tmp/ctl_keepalived.log; fail "keepalived logged an IPVS error"; }
log "ok"
