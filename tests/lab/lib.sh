# lib.sh — helpers every lab case sources: topology, waits and assertions.
#
# A case is a bash script run as root inside the guest.  It builds its own
# topology in fresh network namespaces (torn down on exit), polls for
# readiness instead of sleeping, and exits 0 on success, 77 to skip and
# anything else on failure.  `fail` explains why in one line.

set -euo pipefail

# Namespaces this case made; removed, with their processes, on exit.
LAB_NETNS=()
lab_cleanup() {
	local ns
	for ns in "${LAB_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap lab_cleanup EXIT

log() { echo "--- $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }

# on NS CMD...: run CMD inside namespace NS, or on the peer guest when NS
# is one of LAB_REMOTE's names (a case marked "# lab-peer" gets a second
# guest, see tests/lab/run).
declare -A LAB_REMOTE=()
on() {
	local ns=$1
	shift
	if [ -n "${LAB_REMOTE[$ns]:-}" ]; then
		remote "${LAB_REMOTE[$ns]}" "$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# remote HOST CMD...: run CMD in the peer guest's root namespace (its
# tests/lab/peer-exec), with its stdout, stderr and exit status.  No stdin.
LAB_PEER=10.255.0.2
remote() {
	local host=$1 fd line rc=255
	shift
	exec {fd}<>"/dev/tcp/$host/7000" || return 255
	printf '%s\n' "$(printf '%q ' "$@")" >&$fd
	while IFS= read -r line <&$fd; do
		case $line in
		"O "*) printf '%s\n' "${line#O }" ;;
		"E "*) printf '%s\n' "${line#E }" >&2 ;;
		"RC "*) rc=${line#RC } ;;
		esac
	done
	exec {fd}<&-
	return "$rc"
}

# peer_ready: the peer guest answers (cases marked "# lab-peer" only).
peer_ready() { remote $LAB_PEER true; }

netns_new() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		LAB_NETNS+=("$ns")
		on "$ns" ip link set lo up
	done
}

# veth NS1 IF1 NS2 IF2: a cable between two namespaces, both ends up.
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	on "$1" ip link set "$2" up
	on "$3" ip link set "$4" up
}

# addr NS IF ADDR/LEN...: addresses on an interface (IPv6 without DAD, so
# they are usable at once).
addr() {
	local ns=$1 ifname=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) on "$ns" ip -6 addr add "$a" dev "$ifname" nodad ;;
		*) on "$ns" ip addr add "$a" dev "$ifname" ;;
		esac
	done
}

# wait_for [-t SECONDS] CMD...: poll CMD until it succeeds (default 10 s).
wait_for() {
	local timeout=10 deadline
	if [ "$1" = -t ]; then timeout=$2; shift 2; fi
	deadline=$((SECONDS + timeout))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "timed out after ${timeout}s waiting for: $*"
		sleep 0.05
	done
}

# listening NS PROTO PORT: a socket listens (TCP/SCTP) or is bound (UDP).
listening() {
	local ns=$1 proto=$2 port=$3 file
	case $proto in
	tcp) file="tcp tcp6" ;;
	udp) file="udp udp6" ;;
	sctp) on "$ns" grep -q " $port " /proc/net/sctp/eps 2>/dev/null; return ;;
	esac
	local hex
	hex=$(printf ':%04X ' "$port")
	for f in $file; do
		on "$ns" grep -q "$hex" "/proc/net/$f" && return 0
	done
	return 1
}

# serve NS PROTO PORT NAME: start a netcheck echo server in NS and wait until
# it is bound.
serve() {
	on "$1" netcheck serve "$2" "$3" "$4" &
	disown
	wait_for listening "$1" "$2" "$3"
}

# A background control loop runs `while looping; do ...; done`; stop_loop
# PID ends it after its current step and waits.  Killing it instead would
# leave that step's ipvsadm running on (a restore, say) beside whatever the
# case does next, which then finds "Service already exists".
looping() { [ ! -e /tmp/lab.loop-stop ]; }
stop_loop() {
	touch /tmp/lab.loop-stop
	wait "$1" 2>/dev/null || true
	rm -f /tmp/lab.loop-stop
}

# report TEXT: a line for the host (bench and demo tables), sent on the
# verdict channel; tests/lab/run appends it to $LAB_REPORTS.
report() { echo "report $LAB_CASE $*" >/dev/ttyS1; }

expect_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

# Stock ip_vs and aavs never share a kernel: these switch between them.
load_stock_ipvs() { modprobe ip_vs; }
load_aavs() { modprobe aavs; }
# conntrack_on NS: conntrack runs in NS (a rule that matches nothing it
# would change: untracked packets accepted on INPUT), IPv4 and IPv6.
conntrack_on() {
	on "$1" iptables-legacy -A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT &&
		on "$1" ip6tables-legacy -A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT
}
# The lab's debug kernel (KASAN, kmemleak), where aavs is what is under test.
debug_kernel() { [ -e /sys/kernel/debug/kmemleak ]; }
# ip_vs built with the kernel series of patches/linux (image.sh puts it in
# /lab/patched-ipvs for the kernel it was built for): its dependencies
# from the stock tree, then ip_vs, sh and mh from the series.
PATCHED_IPVS=$LAB/patched-ipvs
need_patched_ipvs() {
	[ -f "$PATCHED_IPVS/ip_vs.ko" ] ||
		skip "no patched ip_vs in the image (run patches/build-ipvs.sh before the lab)"
	[ "$(cat "$PATCHED_IPVS/KVER")" = "$(uname -r)" ] ||
		skip "patched ip_vs is built for $(cat "$PATCHED_IPVS/KVER"), this is $(uname -r)"
}
load_patched_ipvs() {
	local m
	modprobe ip_vs && rmmod ip_vs
	for m in ip_vs ip_vs_sh ip_vs_mh; do
		insmod "$PATCHED_IPVS/$m.ko" || fail "insmod $m.ko"
	done
}
unload_ipvs() {
	local m deadline=$((SECONDS + 30))
	# A namespace deleted just before is cleaned up asynchronously, and
	# its services pin the scheduler modules until then: retry.
	while lsmod | grep -Eq '^(aavs|ip_vs)'; do
		rmmod aavs 2>/dev/null || true
		for m in $(lsmod | awk '$1 ~ /^ip_vs_/ {print $1}'); do rmmod "$m" 2>/dev/null || true; done
		rmmod ip_vs 2>/dev/null || true
		lsmod | grep -Eq '^(aavs|ip_vs)' || break
		[ $SECONDS -lt $deadline ] || fail "IPVS modules still loaded after 30s: $(lsmod | grep -E '^(aavs|ip_vs)' | awk '{print $1}' | xargs)"
		sleep 0.2
	done
}

# pmtu_probe COUNT SERVER...: path MTU discovery past the director, in a
# topology with the client (198.51.100.2, 2001:db8:c::2) behind the
# router's c0 and a TCP echo on port 80 of $VIP4 and $VIP6.  The router's
# route to the client narrows to 1280 bytes; a server's 1400-byte echo
# draws "fragmentation needed" / "packet too big" addressed to the VIP,
# which reaches the director.  It must pass it on to the server that sent
# the echo (translated, for NAT), or that server resends the big segment
# into the hole.  Checked twice: the answers arrive, and one of SERVER...
# holds the 1280 MTU in its route cache.  (IPv6 forwarding honours only a
# locked route MTU; the new route needs the connected route's metric.)
pmtu_probe() {
	local count=$1 msg vip client rs learned
	shift
	msg=$(head -c 1400 /dev/zero | tr '\0' p)
	on router ip route replace 198.51.100.0/24 dev c0 mtu lock 1280
	on router ip -6 route replace 2001:db8:c::/64 dev c0 metric 256 mtu lock 1280
	for vip in $VIP4 $VIP6; do
		on client netcheck ask tcp $vip 80 "$msg" "$count" >/dev/null ||
			fail "1400-byte TCP answers from $vip past a 1280-byte hop"
	done
	for client in 198.51.100.2 2001:db8:c::2; do
		learned=0
		for rs in "$@"; do
			on $rs ip route get $client | grep -q 'mtu 1280' && learned=1
		done
		[ $learned = 1 ] || fail "no server learned the 1280-byte path to $client"
	done
}
