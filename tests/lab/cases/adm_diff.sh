#!/bin/bash
# lab-kernels 6.1
# Our ipvsadm (aavs-ipvsadm) and Debian's ipvsadm 1.31 print the same thing.
#
#   topology: two fresh network namespaces per backend (IPVS state is per
#             netns), each with a dummy interface dum0 for the sync daemons
#   action:   run adm_commands.txt with the stock ipvsadm in one namespace and
#             with ours in the other, against stock ip_vs; then the same
#             against aavs
#             (with two long host names in /etc/hosts for the named listings)
#   expect:   every command's stdout, stderr and exit status identical on
#             each backend; then the documented difference: -b flag-3 on sh
#             and mh reads back as sh-stable/mh-stable with ours, and ours's
#             -S | -R keeps it, where stock's save loses it.
#
# patches_ipvsadm runs this with ADM_OURS and ADM_STOCK (the two tools
# compared, by default aavs-ipvsadm and Debian's ipvsadm) and ADM_BACKENDS (stock, aavs, patched: ip_vs with patches/linux, where
# only the flag-3 part runs, the other schedulers being stock modules).

# Inside a namespace this script replays the command file itself (one
# `ip netns exec` per run: per-command namespace switches are too slow under
# TCG): adm_diff.sh --replay stock|ours CMDS.
if [ "${1:-}" = --replay ]; then
	set -uo pipefail
	role=$2 cmds=$3
	stock_bin=${ADM_STOCK:-/usr/sbin/ipvsadm} ours_bin=${ADM_OURS:-/usr/local/sbin/aavs-ipvsadm}
	# run_one BIN LINE: the line's transcript (command, stdout, stderr,
	# status), with BIN as "ipvsadm" (argv[0] shows in usage texts).
	run_one() {
		local bin=$1 line=$2 rc=0 words file out err
		out=/tmp/adm.out.$role.${bin##*/} err=/tmp/adm.err.$role.${bin##*/}
		read -r -a words <<<"$line"
		echo "\$ $line"
		case ${words[0]} in
		RESTORE)
			(exec -a ipvsadm "$bin" -R) <"${words[1]}.$role" >"$out" 2>"$err" || rc=$?
			;;
		SAVE)
			file=${words[1]}.$role
			(exec -a ipvsadm "$bin" "${words[@]:2}") </dev/null >"$out" 2>"$err" || rc=$?
			cp "$out" "$file"
			;;
		*)
			(exec -a ipvsadm "$bin" "${words[@]}") </dev/null >"$out" 2>"$err" || rc=$?
			;;
		esac
		cat "$out"
		[ ! -s "$err" ] || sed 's/^/[stderr] /' "$err"
		echo "[rc=$rc]"
	}
	n=0
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		n=$((n + 1))
		case $line in
		SHELL\ *)
			# Set-up (addresses, traffic) for the SAMENS listings, so only
			# in ours's namespace; not compared.
			echo "\$ $line"
			[ "$role" = stock ] || bash -c "${line#SHELL }" >/dev/null 2>&1 </dev/null || true
			;;
		SAMENS\ *)
			# Kernel dump order (--nosort) hashes the netns, and connection
			# timers tick: both tools answer from ours's namespace, back to
			# back (again if a timer crossed a second in between); the stock
			# transcript gets its answer spliced in afterwards.
			if [ "$role" = ours ]; then
				for attempt in 1 2 3 4 5 6 7 8 9 10; do
					run_one "$stock_bin" "${line#SAMENS }" >"/tmp/adm_samens.$n" &
					run_one "$ours_bin" "${line#SAMENS }" >/tmp/adm_samens.ours &
					wait
					cmp -s "/tmp/adm_samens.$n" /tmp/adm_samens.ours && break
				done
				cat /tmp/adm_samens.ours
			else
				echo "@@SAMENS $n"
			fi
			;;
		*)
			if [ "$role" = ours ]; then
				run_one "$ours_bin" "$line"
			else
				run_one "$stock_bin" "$line"
			fi
			;;
		esac
	done <"$cmds"
	exit 0
fi

. "$LAB/lib.sh"

cmds=$LAB/cases/adm_commands.txt
[ -f "$cmds" ] || fail "no $cmds"
ours=${ADM_OURS:-/usr/local/sbin/aavs-ipvsadm} stock=${ADM_STOCK:-/usr/sbin/ipvsadm}
[ -x "$ours" ] || skip "$ours not in the image"

tool() {
	local bin=$1 ns=$2
	shift 2
	ip netns exec "$ns" bash -c 'bin=$1; shift; exec -a ipvsadm "$bin" "$@"' - "$bin" "$@"
}

# compare BACKEND: both tools, each in its own fresh namespace.
compare() {
	local backend=$1 s=adm_s_$1 o=adm_o_$1 ns
	netns_new "$s" "$o"
	for ns in "$s" "$o"; do
		on "$ns" ip link add dum0 type dummy
		on "$ns" ip link set dum0 up
		addr "$ns" dum0 203.0.113.1/24
	done
	# The two replays are independent: run them side by side (the guest has two CPUs).
	on "$s" bash "$LAB/cases/adm_diff.sh" --replay stock "$cmds" >"/tmp/adm_$backend.stock.raw" &
	on "$o" bash "$LAB/cases/adm_diff.sh" --replay ours "$cmds" >"/tmp/adm_$backend.ours"
	wait
	awk '/^@@SAMENS /{while ((getline l < ("/tmp/adm_samens." $2)) > 0) print l; next} {print}' \
		"/tmp/adm_$backend.stock.raw" >"/tmp/adm_$backend.stock"
	log "$backend: $(grep -c '^\$ ' "/tmp/adm_$backend.stock") commands"
	grep -q '^TCP  vip-with-a-long-name.example rr' "/tmp/adm_$backend.stock" ||
		fail "$backend: the long VIP name did not show (cut to 33 bytes) in -L"
	if ! diff -u "/tmp/adm_$backend.stock" "/tmp/adm_$backend.ours" >"/tmp/adm_$backend.diff"; then
		head -150 "/tmp/adm_$backend.diff"
		# One line per command whose answer differs, for the report.
		awk '/^ \$ |^[-+]\$ /{cmd=substr($0, 2)} /^[-+][^-+]/{if (cmd != last) print "differs: " cmd; last=cmd}' \
			"/tmp/adm_$backend.diff"
		return 1
	fi
}

# The one intended difference: SCHED3 on sh/mh has aavs names (docs/ipvsadm.8).
flag3() {
	local ns=$1 out saved
	tool "$ours" "$ns" -A -t 192.0.2.60:80 -s sh -b flag-3 ||
		fail "ours refused -b flag-3"
	tool "$ours" "$ns" -A -t 192.0.2.61:80 -s mh -b mh-stable,mh-port ||
		fail "ours refused -b mh-stable"
	saved=$(tool "$ours" "$ns" -S -n)
	expect_eq "$saved" "-A -t 192.0.2.60:80 -s sh -b sh-stable
-A -t 192.0.2.61:80 -s mh -b mh-port,mh-stable" "ours, -S of flag-3 services"
	out=$(tool "$ours" "$ns" -L -n | grep '^TCP')
	expect_eq "$out" "TCP  192.0.2.60:80 sh (sh-stable)
TCP  192.0.2.61:80 mh (mh-port,mh-stable)" "ours, -L of flag-3 services"
	out=$(tool "$stock" "$ns" -L -n | tail -2)
	expect_eq "$out" "TCP  192.0.2.60:80 sh ()
TCP  192.0.2.61:80 mh (mh-port)" "stock, -L of flag-3 services"
	# The round trip: ours's save restores as it was.  Stock saves sh's
	# flag 3 as "-b " and nothing, which -R reports ("-b: missing
	# argument") and skips, and mh's not at all: both are lost.
	netns_new "${ns}_o" "${ns}_s"
	echo "$saved" | tool "$ours" "${ns}_o" -R || fail "ours: -R refused its own -S"
	expect_eq "$(tool "$ours" "${ns}_o" -S -n)" "$saved" "ours, -S after -S | -R"
	tool "$stock" "$ns" -S -n | tool "$stock" "${ns}_s" -R 2>/dev/null || true
	expect_eq "$(tool "$stock" "${ns}_s" -S -n)" "-A -t 192.0.2.61:80 -s mh -b mh-port" \
		"stock, -S after -S | -R (flag 3 lost)"
}

# Namespaces die asynchronously (their services and connections with them):
# unloading waits until nothing holds the modules any more.
ipvs_gone() {
	unload_ipvs >/dev/null 2>&1
	! grep -q '^ip_vs\|^aavs ' < <(lsmod)
}

# Names for a VIP and a real server, long enough that 1.31 cuts them in -L
# (33 bytes for a service, 28 for a server) and short enough to survive -S
# (59), so the named save/restore round trip resolves them forward again.
cp /etc/hosts /tmp/adm_hosts
trap 'cp /tmp/adm_hosts /etc/hosts; lab_cleanup' EXIT
printf '%s\n' "192.0.2.1 vip-with-a-long-name.example" \
	"198.51.100.1 a-long-real-server-name.example" >>/etc/hosts

status=0
unload_ipvs
for backend in ${ADM_BACKENDS:-stock aavs}; do
	log "$ours against $backend"
	case $backend in
	stock) load_stock_ipvs ;;
	aavs) load_aavs ;;
	patched) load_patched_ipvs ;;
	*) fail "no backend $backend" ;;
	esac
	[ "$backend" = patched ] || compare "$backend" || status=1
	netns_new "adm_f_$backend"
	flag3 "adm_f_$backend"
	lab_cleanup
	LAB_NETNS=()
	wait_for -t 60 ipvs_gone
	[ $status = 0 ] || fail "the tools differ on $backend"
done
log "ok"
