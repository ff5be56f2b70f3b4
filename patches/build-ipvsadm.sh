#!/bin/bash
# build-ipvsadm.sh — ipvsadm 1.31 with the series in patches/ipvsadm/,
# from Debian's source (ipvsadm_1.31.orig.tar.gz, checked against the
# SHA-256 that Debian's ipvsadm_1.31-1.dsc gives, fetched from the archive
# once and cached), into build/patched-ipvsadm/ipvsadm, and the same
# source without the series into build/patched-ipvsadm/ipvsadm-1.31: the
# lab's patches_ipvsadm case compares the two.  (Debian's own binary is
# built with Debian's patches too, which the archive here does not serve:
# it allows weights above 65535.)  The series must apply cleanly and add
# no compiler warning to ipvsadm's own build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
orig=ipvsadm_1.31.orig.tar.gz
sha256=7276bcf214f31051188b2e44f11029e57303f37e54126e517000c1b2123a6d4e
cache=${AAVS_CACHE:-/var/cache/aavs}/src
out=$top/build/patched-ipvsadm

mkdir -p "$cache"
if ! echo "$sha256  $cache/$orig" | sha256sum -c --status 2>/dev/null; then
	curl -fsS -o "$cache/$orig.part" "$mirror/pool/main/i/ipvsadm/$orig"
	echo "$sha256  $cache/$orig.part" | sha256sum -c --status ||
		{ echo "build-ipvsadm: $orig does not match Debian's checksum" >&2; exit 1; }
	mv "$cache/$orig.part" "$cache/$orig"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# build DIR: ipvsadm in DIR, warning-free.
build() {
	local log
	log=$(make -C "$1" 2>&1) || { echo "$log" >&2; exit 1; }
	if echo "$log" | grep -q 'warning:'; then
		echo "$log" | grep -A3 'warning:' >&2
		echo "build-ipvsadm: $1 builds with warnings" >&2
		exit 1
	fi
}
mkdir "$tmp/orig"
tar -xzf "$cache/$orig" -C "$tmp/orig"
build "$tmp/orig/ipvsadm-1.31"
tar -xzf "$cache/$orig" -C "$tmp"
src=$tmp/ipvsadm-1.31
for p in "$top"/patches/ipvsadm/[0-9]*.patch; do
	case $p in */0000-*) continue ;; esac
	(cd "$src" && git apply "$p") ||
		{ echo "build-ipvsadm: $(basename "$p") does not apply to ipvsadm 1.31" >&2; exit 1; }
done
build "$src"
rm -rf "$out"
mkdir -p "$out"
cp "$src/ipvsadm" "$out/"
cp "$tmp/orig/ipvsadm-1.31/ipvsadm" "$out/ipvsadm-1.31"
echo "build-ipvsadm: ipvsadm 1.31 with $(ls "$top"/patches/ipvsadm/[0-9]*.patch | grep -vc /0000-) patches in ${out#"$top"/}"
