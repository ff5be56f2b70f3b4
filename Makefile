# aavs — build, lab and checks.  `make demo` and `make check` are the two
# commands README.md promises; both install what is missing first.

# The kernel to build against: the running one when its headers are
# installed (a director building for itself), else the newest headers
# installed.  The lab and the checks name their kernels (KVER=...): the
# machine that builds them does not run them.
KVERS = $(shell ls -1d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V)
RUNNING_KVER := $(shell uname -r)
KVER ?= $(if $(wildcard /lib/modules/$(RUNNING_KVER)/build),$(RUNNING_KVER),$(lastword $(KVERS)))
KDIR ?= /lib/modules/$(KVER)/build
W ?= 1
VERSION := $(shell sed -n 's/^\#define AAVS_VERSION "\(.*\)"/\1/p' kernel/version.h)
# The git revision the module reports (Kbuild reads a REVISION file first).
REVISION := $(shell cat REVISION 2>/dev/null || git describe --always --dirty --exclude='*' 2>/dev/null || echo unknown)
BUILD := $(CURDIR)/build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

# make check: LAB_KERNELS and LAB_CASES select a subset for quick iteration,
# e.g. `make check LAB_KERNELS=6.1 LAB_CASES="module_load dr_stock"`.
LAB_KERNELS ?= all
LAB_CASES ?=
export LAB_KERNELS LAB_CASES

all: module ipvsadm

deps:
	./scripts/install-deps.sh

# aavs.ko in the source tree, for KVER (what an operator builds and insmods).
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

# aavs.ko for one kernel in its own build tree (the lab builds both kernels).
KMOD_OUT ?= $(BUILD)/kmod/$(KVER)
kmod:
	rm -rf $(KMOD_OUT) && mkdir -p $(KMOD_OUT)
	cp -a Kbuild $(KMOD_OUT)/
	echo '$(REVISION)' >$(KMOD_OUT)/REVISION
	mkdir -p $(KMOD_OUT)/kernel && cp -a kernel/*.[ch] kernel/compat $(KMOD_OUT)/kernel/
	$(MAKE) -C $(KDIR) M=$(KMOD_OUT) W=$(W) modules

kmods:
	for k in $(KVERS); do $(MAKE) kmod KVER=$$k || exit 1; done

# make install [DESTDIR=...] [KVER=...]: what the Debian packages install,
# for other systems: the module (install-module) and the rest (install-tools:
# aavs-ipvsadm, its man page, the modprobe rules and their script).
# make install-dkms: the rest, and the module through DKMS (sources in
# /usr/src/aavs-VERSION, built for every kernel dkms.conf allows).
# depmod and dkms run only on the live tree, never into a staged DESTDIR.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
LIBEXECDIR ?= /usr/libexec
MODDIR ?= /lib/modules/$(KVER)/updates
install: install-module install-tools

install-module: module
	install -D -m 0644 aavs.ko $(DESTDIR)$(MODDIR)/aavs.ko
	$(if $(DESTDIR),@echo "install: run depmod $(KVER) on the target",depmod $(KVER))

install-tools: ipvsadm
	install -D -m 0755 $(BUILD)/ipvsadm/ipvsadm $(DESTDIR)$(SBINDIR)/aavs-ipvsadm
	install -D -m 0644 docs/ipvsadm.8 $(DESTDIR)$(MANDIR)/man8/aavs-ipvsadm.8
	install -D -m 0755 packaging/libexec/modprobe-ipvs $(DESTDIR)$(LIBEXECDIR)/aavs/modprobe-ipvs
	install -D -m 0755 packaging/libexec/aavs-bgp-health $(DESTDIR)$(LIBEXECDIR)/aavs/aavs-bgp-health
	mkdir -p $(DESTDIR)/etc/modprobe.d
	sed 's|/usr/libexec/aavs/|$(LIBEXECDIR)/aavs/|' packaging/modprobe.d/aavs.conf \
		>$(DESTDIR)/etc/modprobe.d/aavs.conf

DKMS_DIR = $(DESTDIR)/usr/src/aavs-$(VERSION)
install-dkms: install-tools
	rm -rf $(DKMS_DIR) && mkdir -p $(DKMS_DIR)/kernel
	cp -a Kbuild dkms.conf $(DKMS_DIR)/
	cp -a kernel/*.[ch] kernel/compat $(DKMS_DIR)/kernel/
	echo '$(REVISION)' >$(DKMS_DIR)/REVISION
ifeq ($(DESTDIR),)
	dkms status aavs/$(VERSION) | grep -q . || dkms add aavs/$(VERSION)
	for k in $(KVERS); do dkms install aavs/$(VERSION) -k $$k; rc=$$?; \
		[ $$rc = 0 ] || [ $$rc = 77 ] || exit $$rc; done
endif

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/aavs.ko $(DESTDIR)$(SBINDIR)/aavs-ipvsadm \
		$(DESTDIR)$(MANDIR)/man8/aavs-ipvsadm.8 $(DESTDIR)$(LIBEXECDIR)/aavs/modprobe-ipvs \
		$(DESTDIR)$(LIBEXECDIR)/aavs/aavs-bgp-health $(DESTDIR)/etc/modprobe.d/aavs.conf
	-rmdir $(DESTDIR)$(LIBEXECDIR)/aavs
	$(if $(DESTDIR),,depmod $(KVER))

uninstall-dkms: uninstall
	$(if $(DESTDIR),,-dkms remove aavs/$(VERSION) --all)
	rm -rf $(DKMS_DIR)

ipvsadm:
	cmake -S ipvsadm -B $(BUILD)/ipvsadm $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD)/ipvsadm -j2

tools:
	cmake -S tests/tools -B $(BUILD)/tools -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD)/tools -j2

unit:
	cmake -S tests/unit -B $(BUILD)/unit $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD)/unit -j2

# An interactive guest with aavs loaded: make lab [LAB_KERNELS=6.12]
# [LAB_SETUP=cluster] (a topology from tests/lab/shell/ built first).
LAB_SETUP ?=
lab: deps ipvsadm tools
	tests/lab/run -k $(firstword $(subst all,6.1,$(LAB_KERNELS))) --shell $(if $(LAB_SETUP),--setup $(LAB_SETUP))

# Benchmarks (not tests): ratios against stock ip_vs measured in one run,
# and the flows each cluster event breaks (bench/survival, a simulation).
bench: deps
	$(MAKE) -C bench/sched
	$(MAKE) -C bench/survival
	bench/datapath/run -k $(firstword $(subst all,6.1,$(LAB_KERNELS)))

style:
	./scripts/style.sh

# Debian packages (aavs-dkms, aavs-ipvsadm) in build/deb/, built with the
# archive's tooling from a copy of the tree (dpkg-buildpackage writes its
# results beside the source), then checked with lintian.
DEB_SRC := $(BUILD)/deb/aavs-$(VERSION)
deb:
	@grep -q 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || { echo "deb: dkms.conf's version is not $(VERSION)"; exit 1; }
	@head -1 debian/changelog | grep -qF 'aavs ($(VERSION))' || { echo "deb: debian/changelog's version is not $(VERSION)"; exit 1; }
	rm -rf $(BUILD)/deb && mkdir -p $(DEB_SRC)
	git ls-files -co --exclude-standard -z | xargs -0 cp -a --parents -t $(DEB_SRC)
	echo '$(REVISION)' >$(DEB_SRC)/REVISION
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	lintian --fail-on error,warning --info $(BUILD)/deb/aavs_$(VERSION)_*.changes
	@ls -1 $(BUILD)/deb/*.deb

# The kernel series in patches/linux/: applies to 6.12 and 6.1, checkpatch
# --strict clean, and ip_vs built with it for the lab (build/patched-ipvs).
patches-check:
	./patches/check.sh

check: deps
	./tests/check.sh

demo: deps
	./tests/demo.sh

# Before a release: churn, fuzzers and traffic for 30 minutes on the debug
# kernel (SOAK_MINUTES=...).
soak: deps ipvsadm tools
	./tests/soak.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

.PHONY: all deps module kmod kmods ipvsadm tools unit lab bench style deb install install-module install-tools install-dkms uninstall uninstall-dkms check patches-check demo soak clean
