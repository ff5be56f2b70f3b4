#!/bin/bash
# image.sh KVER OUT.cpio — build the lab's initramfs for one Debian kernel.
#
# The image holds busybox (for the small things), the real tools a test
# needs (bash, iproute2, kmod, the stock ipvsadm and keepalived, bird2) with
# their libraries, the kernel modules the lab uses (stock ip_vs among them),
# aavs.ko built for KVER, our own ipvsadm, the lab programs and the cases.
set -euo pipefail

kver=$1
out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build
root=$(mktemp -d "$build/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,var/run,var/tmp,root,lab,opt/busybox}
# mktemp made it 0700: daemons that drop root (FRR's) must reach their files.
chmod 0755 "$root"
ln -s ../run "$root/var/lock" 2>/dev/null || true

# A binary and every library it loads.
copy_bin() {
	local src=$1 dst=${2:-$1}
	install -D -m 0755 "$src" "$root$dst"
	{ ldd "$src" 2>/dev/null || true; } | awk '/=> \//{print $3} /^\t\/lib/{print $1}' |
	while read -r lib; do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

# busybox's applets live on their own directory at the end of PATH, so the
# real iproute2, kmod and bash always win (busybox ip has no netns support).
install -m 0755 /bin/busybox "$root/opt/busybox/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/opt/busybox/$applet"
done

copy_bin /bin/bash
ln -sf bash "$root/bin/sh"
copy_bin /bin/ip /sbin/ip
copy_bin /usr/bin/kmod /sbin/kmod
for tool in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -sf kmod "$root/sbin/$tool"
done
copy_bin /usr/sbin/ipvsadm
copy_bin /usr/sbin/keepalived
copy_bin /usr/sbin/bird
copy_bin /usr/sbin/birdc
copy_bin /usr/bin/timeout
# tc marks packets for the fwmark services of sched_lblc.
copy_bin /usr/sbin/tc /sbin/tc
# FRR for the router of cluster_frr (the case skips without it).
if [ -x /usr/lib/frr/bgpd ]; then
	for d in zebra bgpd bfdd; do copy_bin /usr/lib/frr/$d; done
	copy_bin /usr/bin/vtysh
fi
copy_bin /usr/bin/nsenter
# iptables, both variants, and its extensions (xt_ipvs_match).
if [ -x /usr/sbin/xtables-legacy-multi ]; then
	copy_bin /usr/sbin/xtables-legacy-multi
	copy_bin /usr/sbin/xtables-nft-multi
	for v in legacy nft; do
		for t in iptables ip6tables; do ln -sf xtables-$v-multi "$root/usr/sbin/$t-$v"; done
	done
	for so in /usr/lib/x86_64-linux-gnu/xtables/*.so; do copy_bin "$so"; done
fi

# conntrack -L, for dp_conntrack.
[ -x /usr/sbin/conntrack ] && copy_bin /usr/sbin/conntrack

# Files the tools read: service names for ipvsadm's listing, users for
# keepalived, bird and FRR (whose daemons must be in frrvty), protocol names.
cp /etc/services /etc/protocols "$root/etc/"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/:/bin/false\nbird:x:100:100:bird:/:/bin/false\nfrr:x:101:101:frr:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\nbird:x:100:\nfrr:x:101:\nfrrvty:x:102:frr\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\nservices: files\nprotocols: files\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

# Kernel modules: those the lab loads, with their dependencies, from the
# host's module tree or MODROOT's (the debug kernel's, which has most of
# them built in).
modroot=${MODROOT:-}
mods="veth bridge dummy ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_mh
      sctp ipip ip6_tunnel fou fou6 ip_gre ip6_gre nf_conntrack virtio_pci virtio_net
      x_tables"
# The other stock schedulers are for sched_more's and sched_lblc's
# reference (with tc's marking for the latter), xt_ipvs and the tables
# iptables (legacy and nft) hangs it in for xt_ipvs_match's, filter and
# NAT tables for dp_conntrack's; the debug
# kernel, whose
# cases never compare with them, does not build them.
[ -n "$modroot" ] || mods="$mods ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf
	ip_vs_lblc ip_vs_lblcr sch_ingress cls_u32 act_skbedit
	xt_ipvs iptable_mangle ip6table_mangle nft_compat
	iptable_filter ip6table_filter iptable_nat ip6table_nat xt_conntrack
	xt_MASQUERADE nf_conntrack_netlink"
# twos came with 6.7 (sched_twos, on 6.12).
if [ -z "$modroot" ] && find "/lib/modules/$kver" -name 'ip_vs_twos.ko*' | grep -q .; then
	mods="$mods ip_vs_twos"
fi
# -C /dev/null: the files, whatever this machine's modprobe.d says (with
# aavs's own rules installed here, ip_vs would resolve to an install command).
mkdir -p "$root/lib/modules/$kver"
for m in $mods; do
	modprobe -C /dev/null ${modroot:+-d "$modroot"} -S "$kver" -D "$m" | awk '/^insmod/{print $2}'
done | sort -u | while read -r ko; do
	install -D -m 0644 "$ko" "$root${ko#"$modroot"}"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$modroot/lib/modules/$kver/$f" "$root/lib/modules/$kver/"
done
install -D -m 0644 "${AAVS_KO:-$build/kmod/$kver/aavs.ko}" "$root/lib/modules/$kver/extra/aavs.ko"
depmod -b "$root" "$kver"
# ip_vs with the kernel series of patches/linux (patches/build-ipvs.sh), when
# built for this kernel, for the patches_* cases: outside the module tree,
# so that modprobe still finds the stock ip_vs; the cases insmod these.
if [ -f "$build/patched-ipvs/KVER" ] && [ "$(cat "$build/patched-ipvs/KVER")" = "$kver" ]; then
	mkdir -p "$root/lab/patched-ipvs"
	cp "$build"/patched-ipvs/*.ko "$build/patched-ipvs/KVER" "$root/lab/patched-ipvs/"
fi

# Our programs: the C++ ipvsadm (beside, not over, the stock one) and the
# lab's traffic tools.
if [ -x "$build/ipvsadm/ipvsadm" ]; then
	copy_bin "$build/ipvsadm/ipvsadm" /usr/local/sbin/aavs-ipvsadm
fi
# ipvsadm 1.31 with the series of patches/ipvsadm (patches/build-ipvsadm.sh),
# and the same ipvsadm without it, for patches_ipvsadm.
if [ -x "$build/patched-ipvsadm/ipvsadm" ]; then
	copy_bin "$build/patched-ipvsadm/ipvsadm" /lab/patched-ipvsadm/ipvsadm
	copy_bin "$build/patched-ipvsadm/ipvsadm-1.31" /lab/patched-ipvsadm/ipvsadm-1.31
fi
for tool in "$build"/tools/*; do
	[ -f "$tool" ] && [ -x "$tool" ] && copy_bin "$tool" "/usr/local/bin/$(basename "$tool")"
done

cp "$top/tests/lab/init" "$root/init"
chmod 0755 "$root/init"
cp -r "$top/tests/lab/lib.sh" "$top/tests/lab/peer-exec" "$top/tests/lab/bad-kernel-lines" "$top/tests/lab/cases" "$top/tests/lab/shell" "$root/lab/"
# The cluster cases' configuration templates (bird).
cp -r "$top/tests/lab/cluster" "$root/lab/"
# Packaging files (modprobe.d) for the cases that install them at run time.
cp -r "$top/packaging" "$root/lab/"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
