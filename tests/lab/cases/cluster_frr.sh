#!/bin/bash
# lab-kernels 6.1
# The router runs FRR instead of bird, and so does one director:
# docs/bgp-health.md's FRR configurations (tests/lab/cluster/frr-*.conf) in
# the cluster, BFD between FRR and bird, and the health tie working through
# both (bird's protocols on d2, FRR's network statements on d1).
#
#   c1..c3 ── router (FRR: zebra, bgpd, bfdd; ECMP over the directors that
#               │      announce the VIP; BFD 200 ms x 5, hold time 3 s)
#               ├── d1 (aavs, FRR + BFD, aavs-bgp-health through vtysh)
#               ├── d2 (aavs, bird + BFD, aavs-bgp-health through birdc)
#               ├── d3 (aavs, bird + BFD)
#               └── rs1 rs2 rs3 (VIP on lo)
#   (the full picture: cluster_topology.inc)
#
#   traffic: 150 TCP connections (IPv4 and IPv6), sh -b sh-port,sh-fallback,
#            sloppy_tcp, plus 15 new connections a second.
#   steps, each one row:
#     f1 drain file on d2, then removed  expect FRR's route drops d2 and takes
#                                        it back; 0 broken, 0 refused
#     f2 d3's cable cut, then mended     expect FRR's sessions to d3 go down
#                                        by BFD, not the hold timer; 0 broken
#     f3 drain file on d1 (FRR), removed expect the router drops d1 and takes
#                                        it back; 0 broken, 0 refused
. "$LAB/lib.sh"
. "$LAB/cases/cluster_topology.inc"

CL_ROUTER_BGP=frr
CL_FRR_DIRECTORS=d1
CL_BFD="200 5"
CL_HOLD=150
WATCHER=/lab/packaging/libexec/aavs-bgp-health

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
bfd_up() { [ "$(frr_in router -c 'show bfd peers brief' | grep -c ' up ')" = "$1" ]; }

cluster_topology bgp
wait_for -t 30 bfd_up 6
log "router (FRR): BFD up with every director (v4 and v6)"
frr_in router -c 'show bfd peers brief' | sed 's/^/    /'

stack_setup aavs tcp sh-port,sh-fallback >"$CL_DIR/why" 2>&1 || fail "aavs: $(head -1 "$CL_DIR/why")"
# The watchers, in their namespaces: aavs and a service there, eth0 up, no
# drain file (no keepalived in this case).
ip netns exec d2 env AAVS_HEALTH_CONF=/nonexistent AAVS_HEALTH_BIRDC="birdc -s $CL_DIR/d2.ctl" \
	AAVS_HEALTH_KEEPALIVED= AAVS_HEALTH_UPLINKS=eth0 AAVS_HEALTH_DRAIN="$CL_DIR/drain" \
	"$WATCHER" >"$CL_DIR/health.log" 2>&1 &
ip netns exec d1 env AAVS_HEALTH_CONF=/nonexistent AAVS_HEALTH_ANNOUNCE="$(frr_vips d1)" \
	AAVS_HEALTH_WITHDRAW="$(frr_vips d1 no)" AAVS_HEALTH_KEEPALIVED= AAVS_HEALTH_UPLINKS=eth0 \
	AAVS_HEALTH_DRAIN="$CL_DIR/drain.d1" "$WATCHER" >"$CL_DIR/health.d1.log" 2>&1 &
wait_for grep -q announced "$CL_DIR/health.log"
wait_for grep -q announced "$CL_DIR/health.d1.log"
traffic_start tcp || fail "the connections did not all open"
phase_end # from READY to here: not part of any row

t0=$(now_ms)
touch "$CL_DIR/drain"
wait_for -t 20 paths_are "d1 d3"
log "d2 drained: FRR dropped it after $(($(now_ms) - t0)) ms"
observe 1
rm "$CL_DIR/drain"
wait_for -t 20 paths_are "d1 d2 d3"
log "drain file removed: VIP over $(nexthop_order)"
observe 1
phase_end
row "f1 FRR router: drained, back" broken=0 refused=0 newfail=0

t0=$(now_ms)
on lan ip link set p-d3 down
wait_for -t 20 paths_are "d1 d2"
log "d3 cut off: FRR dropped it after $(($(now_ms) - t0)) ms"
# Which timer took the sessions down: BFD's (1 s) or the hold timer (3 s).
for nb in "$(dir_addr4 d3)" "$(dir_addr6 d3)"; do
	why=$(frr_in router -c "show bgp neighbors $nb" | grep -i 'last reset' | head -1 | sed 's/^ *//')
	echo "    router: $nb: $why"
	[[ $why == *BFD* ]] || CL_FAILED+=("f2: $nb did not go down by BFD: $why")
done
observe 1
director_mend d3
observe 1
phase_end
row "f2 FRR router: director cut, BFD" broken=0 refused=0

t0=$(now_ms)
touch "$CL_DIR/drain.d1"
wait_for -t 20 paths_are "d2 d3"
log "d1 (FRR) drained: the router dropped it after $(($(now_ms) - t0)) ms"
observe 1
rm "$CL_DIR/drain.d1"
wait_for -t 20 paths_are "d1 d2 d3"
log "drain file removed: VIP over $(nexthop_order)"
observe 1
phase_end
row "f3 FRR director: drained, back" broken=0 refused=0 newfail=0

traffic_stop
sed 's/^/    d1: /' "$CL_DIR/health.d1.log"
sed 's/^/    d2: /' "$CL_DIR/health.log"
cluster_verdict
log "ok"
