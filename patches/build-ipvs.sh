#!/bin/bash
# build-ipvs.sh — ip_vs and its scheduler modules from Debian's
# linux-source-6.1 with the series in patches/linux/ applied, built out of
# tree against the installed 6.1 headers, W=1 and warning-free, into
# build/patched-ipvs/*.ko (the lab's patches_pause case loads them).
#
#   patches/build-ipvs.sh [KVER]     default: the newest 6.1 headers
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/patched-ipvs
tarball=/usr/src/linux-source-6.1.tar.xz
kver=${1:-$(ls -1 /lib/modules | grep -E '^6\.1\.[0-9]' | sort -V | tail -1)}
kdir=/lib/modules/$kver/build

[ -r "$tarball" ] || { echo "build-ipvs: $tarball missing (scripts/install-deps.sh)" >&2; exit 1; }
[ -d "$kdir" ] || { echo "build-ipvs: no headers for 6.1 in /lib/modules" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
src=$out/src
mkdir -p "$src"
# Only what the series touches and the modules need.
tar -xJf "$tarball" -C "$src" --strip-components=1 \
	linux-source-6.1/net/netfilter/ipvs \
	linux-source-6.1/include/net/ip_vs.h \
	linux-source-6.1/include/uapi/linux/ip_vs.h \
	linux-source-6.1/Documentation/networking/ipvs-sysctl.rst
for p in "$top"/patches/linux/[0-9]*.patch; do
	case $p in */0000-*) continue ;; esac
	(cd "$src" && GIT_CEILING_DIRECTORIES=$out git apply "$p") ||
		{ echo "build-ipvs: $(basename "$p") does not apply to 6.1" >&2; exit 1; }
done

# The patched headers must win over the installed ones: NOSTDINC_FLAGS
# comes before the kernel's own -I options.
log=$out/build.log
make -C "$kdir" M="$src/net/netfilter/ipvs" W=1 \
	NOSTDINC_FLAGS="-nostdinc -I$src/include -I$src/include/uapi" \
	modules >"$log" 2>&1 || { cat "$log"; exit 1; }
cat "$log"
if grep -E 'warning:|error:' "$log"; then
	echo "build-ipvs: warnings with W=1" >&2
	exit 1
fi
cp "$src"/net/netfilter/ipvs/*.ko "$out/"
echo "$kver" >"$out/KVER"
ls "$out"/*.ko
