#!/bin/bash
# check.sh — `make patches-check`: the kernel series in patches/linux/
# applies to Debian's linux-source-6.12 and linux-source-6.1, every patch
# is checkpatch --strict clean (6.12's checkpatch), and ip_vs builds with
# it for 6.1, W=1 warning-free (patches/build-ipvs.sh, whose modules the
# lab's patches_pause case loads); the ipvsadm series in patches/ipvsadm/
# applies to ipvsadm 1.31 and builds (patches/build-ipvsadm.sh, for the
# lab's patches_ipvsadm case).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=$(ls "$top"/patches/linux/[0-9]*.patch | grep -v '/0000-')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# apply VERSION: the series onto the files it touches, one patch at a time.
apply() {
	local v=$1 p
	tar -xJf "/usr/src/linux-source-$v.tar.xz" -C "$tmp" \
		"linux-source-$v/net/netfilter/ipvs" \
		"linux-source-$v/include/net/ip_vs.h" \
		"linux-source-$v/include/uapi/linux/ip_vs.h" \
		"linux-source-$v/Documentation/networking/ipvs-sysctl.rst" \
		"linux-source-$v/scripts/checkpatch.pl" \
		"linux-source-$v/scripts/spelling.txt" \
		"linux-source-$v/scripts/const_structs.checkpatch"
	for p in $series; do
		(cd "$tmp/linux-source-$v" && git apply "$p") ||
			{ echo "patches: $(basename "$p") does not apply to $v"; return 1; }
	done
	echo "patches: the series applies to $v"
}

apply 6.12
status=0
for p in $series; do
	out=$(perl "$tmp/linux-source-6.12/scripts/checkpatch.pl" --strict --no-tree -q "$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
done
[ $status = 0 ] || { echo "patches: checkpatch --strict complains"; exit 1; }
echo "patches: checkpatch --strict clean ($(echo "$series" | wc -l) patches)"

# 6.1: build-ipvs.sh applies the series to it and builds the modules.
"$top/patches/build-ipvs.sh"
echo "patches: ip_vs for 6.1 built into build/patched-ipvs"

# The ipvsadm series applies to ipvsadm 1.31 and builds warning-free.
"$top/patches/build-ipvsadm.sh"
