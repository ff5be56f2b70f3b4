#!/bin/bash
# build.sh — the lab's debug kernel, from Debian's own linux-source-6.1 with
# tests/lab/debug-kernel/config (KASAN, lockdep, kmemleak, ...), cached
# outside the clone and rebuilt only when the source version, the config or
# this script changes.  Prints the cache directory:
#
#   DIR/bzImage                   the kernel
#   DIR/release                   its `uname -r`
#   DIR/mods/lib/modules/RELEASE  its modules (stock ip_vs among them)
#   DIR/build                     the tree out-of-tree modules build against
#
# AAVS_CACHE (default /var/cache/aavs) holds it; JOBS (default nproc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${AAVS_CACHE:-/var/cache/aavs}
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f $tarball ] || { echo "debug-kernel: $tarball missing (make deps)" >&2; exit 2; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$srcver"; cat "$here/config" "$here/build.sh"; } | sha256sum | cut -c1-16)
dir=$cache/debug-kernel/$key
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

# Other keys are stale: one debug kernel takes about 2 GB.
rm -rf "$cache/debug-kernel"
mkdir -p "$dir"
log=$dir/build.log
echo "debug-kernel: building $srcver with KASAN and lockdep into $dir (log: $log)" >&2
t0=$SECONDS
{
	tar -xJf $tarball -C "$dir"
	src=$dir/linux-source-6.1
	make -C "$src" O="$dir/build" x86_64_defconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" "$dir/build/.config" "$here/config"
	make -C "$src" O="$dir/build" olddefconfig
	# Every option the config asks for must have survived olddefconfig.
	missing=0
	while read -r line; do
		case $line in CONFIG_*=*) grep -qx "$line" "$dir/build/.config" || { echo "not set: $line"; missing=1; } ;; esac
	done <"$here/config"
	[ $missing = 0 ]
	make -C "$src" O="$dir/build" -j"${JOBS:-$(nproc)}" bzImage modules
	make -C "$src" O="$dir/build" INSTALL_MOD_PATH="$dir/mods" INSTALL_MOD_STRIP=1 modules_install
	cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
	make -s -C "$src" O="$dir/build" kernelrelease >"$dir/release"
} >"$log" 2>&1 || { tail -30 "$log" >&2; echo "debug-kernel: build failed (log: $log)" >&2; exit 1; }
echo "debug-kernel: built in $((SECONDS - t0)) s, $(du -sh "$dir" | cut -f1)" >&2
touch "$dir/done"
echo "$dir"
