#!/bin/bash
# install-deps.sh — install every Debian package that building aavs, the lab
# and the tests need.  Idempotent: installs only what is missing, and runs
# `apt-get update` only if something is.  Nothing comes from outside
# Debian's archive.
set -euo pipefail

packages=(
	# the module: headers of both lab kernels, and the kernels themselves
	linux-headers-amd64 linux-image-amd64
	linux-headers-6.12-amd64 linux-image-6.12-amd64
	build-essential bc flex bison libelf-dev kmod
	# kernel style: checkpatch comes from the source tarball; the kernel
	# series of patches/linux is checked against 6.12's and 6.1's source
	linux-source-6.1 linux-source-6.12 xz-utils
	# the ipvsadm series of patches/ipvsadm: ipvsadm 1.31's source from
	# Debian's archive
	curl ca-certificates
	# the C++ tool and the test programs
	cmake g++ pkg-config libnl-3-dev libnl-genl-3-dev libpopt-dev
	googletest libgtest-dev libgmock-dev clang clang-format clang-tidy
	libclang-rt-14-dev
	# the Debian packages (make deb) and their check
	debhelper dh-dkms dpkg-dev lintian
	# the lab: a qemu guest built from these
	qemu-system-x86 busybox-static cpio zstd iproute2 ipvsadm keepalived
	bird2 util-linux procps ethtool lksctp-tools libsctp-dev frr iptables conntrack
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Services from these packages (keepalived, bird, frr) must not start here: the
# lab starts its own inside the guest.
policy=/usr/sbin/policy-rc.d
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
	$sudo chmod +x $policy
	trap '$sudo rm -f $policy' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
