#!/bin/bash
# No knob is silently ignored: what aavs cannot do yet it refuses.
#
#   topology: one namespace "k" (its own net.ipv4.vs.*), lo and one link
#             to "rs" for real-server addresses
#   action:   write each refused sysctl (cache_bypass, backup_only) a
#             non-default value, then its default; write
#             every implemented one a non-default value; add and edit
#             tunnel real servers with GUE, GRE and tunnel checksums with
#             the stock ipvsadm and aavs-ipvsadm
#   expect:   a refused knob's non-default write fails with EINVAL, leaves
#             the value, and logs one line naming it; its default write
#             succeeds; implemented knobs take their value; GUE, GRE and
#             checksum dests go in and list back as given (dp_tun_encap
#             sends their packets; ctl_rawnl the option combinations
#             refused).
. "$LAB/lib.sh"

REFUSED="cache_bypass backup_only"
declare -A IMPLEMENTED=([conntrack]=1 [snat_reroute]=0 [nat_icmp_send]=1 [pmtu_disc]=0
	[schedule_icmp]=1 [ignore_tunneled]=1)
VIP=203.0.113.10 RIP=192.0.2.11

load_aavs
netns_new k rs
veth k eth0 rs eth0
addr k eth0 192.0.2.1/24

# log_lines TEXT: kernel log lines containing TEXT so far.
log_lines() { dmesg | grep -cF -- "$1" || true; }

# Each part runs in a subshell, so one run reports every part that fails.
refused_sysctls() {
	for knob in $REFUSED; do
		f=/proc/sys/net/ipv4/vs/$knob
		def=$(on k cat $f)
		expect_eq "$def" 0 "default of $knob"
		before=$(log_lines "net.ipv4.vs.$knob=")
		err=$(on k sh -c "echo 1 > $f" 2>&1) && fail "$knob=1 was accepted"
		case $err in *"Invalid argument"*) ;; *) fail "$knob=1: expected EINVAL, got: $err" ;; esac
		expect_eq "$(on k cat $f)" "$def" "$knob after a refused write"
		on k sysctl -qw net.ipv4.vs.$knob=7 2>/dev/null && fail "$knob=7 was accepted"
		on k sysctl -qw net.ipv4.vs.$knob="$def" || fail "$knob=$def (its default) was refused"
		expect_eq "$(on k cat $f)" "$def" "$knob after writing its default"
		# Two refused writes (1 and 7), one line each, naming the knob.
		expect_eq "$(($(log_lines "net.ipv4.vs.$knob=") - before))" 2 "log lines naming $knob"
		log "$knob: refused, default kept: $(dmesg | grep -F "net.ipv4.vs.$knob=" | tail -1)"
	done

	for knob in "${!IMPLEMENTED[@]}"; do
		on k sysctl -qw net.ipv4.vs.$knob=${IMPLEMENTED[$knob]} || fail "$knob=${IMPLEMENTED[$knob]} refused"
		expect_eq "$(on k cat /proc/sys/net/ipv4/vs/$knob)" "${IMPLEMENTED[$knob]}" "$knob"
	done
}

tunnel_options() {
	log "GUE and GRE dests with their checksum options go in and list back"
	for adm in ipvsadm aavs-ipvsadm; do
		on k $adm -C
		on k $adm -A -t $VIP:80 -s rr
		on k $adm -a -t $VIP:80 -r 192.0.2.12 -i
		for opts in "--tun-type gue --tun-port 6080 --tun-nocsum" "--tun-type gre --tun-nocsum" \
			"--tun-type gue --tun-port 6080 --tun-csum" "--tun-type gre --tun-csum" \
			"--tun-type gue --tun-port 6081 --tun-remcsum"; do
			on k $adm -a -t $VIP:80 -r $RIP -i $opts || fail "$adm -a ... $opts"
			on k $adm -Sn | grep -q -- "-r $RIP:80 -i -w 1 $opts" ||
				fail "$adm: $opts not listed back: $(on k $adm -Sn | grep $RIP)"
			on k $adm -e -t $VIP:80 -r 192.0.2.12 -i $opts || fail "$adm -e ... $opts"
			on k $adm -d -t $VIP:80 -r $RIP
		done
	done
}

failed=
(refused_sysctls) || failed+=" sysctls"
(tunnel_options) || failed+=" tunnels"
[ -z "$failed" ] || fail "failed:$failed"
log "ok"
