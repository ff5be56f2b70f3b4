#!/bin/bash
# Malformed IPVS netlink requests get ip_vs's errno from aavs and change
# nothing.
#
#   topology: none (the root namespace only)
#   action:   with one service and one real server configured, ipvs_rawnl
#             sends ~70 malformed or refused requests (missing, truncated,
#             oversized, wrong-type, unknown and garbage attributes, wrong
#             genl version, unknown commands) as root and as nobody, first
#             to stock ip_vs, then to aavs.
#   expect:   the same errno per request from both, except the documented
#             cases where aavs is stricter (below); the table and timeouts
#             unchanged afterwards; no kernel warning (the harness checks).
. "$LAB/lib.sh"

# name: stock answer -> aavs answer (docs/control-plane.md explains each).
stricter=(
	"new_svc_flags_4_bytes: EEXIST -> EINVAL"
	"set_dest_tun_type_9: ENOENT -> EINVAL"
	"set_dest_tun_flags_8: ENOENT -> EINVAL"
	"set_dest_gre_remcsum: ENOENT -> EINVAL"
	"set_dest_gue_csum_remcsum: ENOENT -> EINVAL"
	"set_dest_ipip_csum: ENOENT -> EINVAL"
	"set_dest_fwd_4: ENOENT -> EINVAL"
)

probe() {
	local out=$1 before after
	ipvsadm -A -t 192.0.2.1:80 -s rr
	ipvsadm -a -t 192.0.2.1:80 -r 198.51.100.11:80 -g
	before=$(ipvsadm -Sn; ipvsadm -L --timeout)
	ipvs_rawnl >"$out.root" || fail "ipvs_rawnl failed"
	ipvs_rawnl --as-nobody >"$out.nobody" || fail "ipvs_rawnl --as-nobody failed"
	after=$(ipvsadm -Sn; ipvsadm -L --timeout)
	[ "$before" = "$after" ] || fail "the table changed:
--- before
$before
--- after
$after"
	ipvsadm -C
}

log "stock ip_vs"
unload_ipvs
load_stock_ipvs
probe /tmp/rawnl_stock
unload_ipvs
log "aavs"
load_aavs
probe /tmp/rawnl_aavs

log "as nobody every request is refused the same way"
if ! diff -u /tmp/rawnl_stock.nobody /tmp/rawnl_aavs.nobody; then
	fail "unprivileged answers differ"
fi
grep -v -e ': EPERM$' -e ': EOPNOTSUPP$' -e '^truncated_genl_header: EINVAL$' /tmp/rawnl_aavs.nobody &&
	fail "an unprivileged request got past the permission check"

log "as root"
cat /tmp/rawnl_aavs.root
cp /tmp/rawnl_stock.root /tmp/rawnl_expected
for s in "${stricter[@]}"; do
	name=${s%%:*} from=${s#*: } to=${s##*-> }
	from=${from%% ->*}
	grep -qx "$name: $from" /tmp/rawnl_expected ||
		fail "stock ip_vs no longer answers '$name: $from'"
	sed -i "s/^$name: $from\$/$name: $to/" /tmp/rawnl_expected
done
if ! diff -u /tmp/rawnl_expected /tmp/rawnl_aavs.root; then
	fail "aavs answers differ from stock ip_vs (beyond the documented ones)"
fi
rmmod aavs
log "ok"
