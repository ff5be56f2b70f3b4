# aavs — build, lab and checks.  `make demo` and `make check` are the two
# commands README.md promises; both install what is missing first.

# The kernel to build against: the newest Debian headers installed, never
# `uname -r` (this machine's own kernel is not the lab's).
KVERS = $(shell ls -1d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V)
KVER ?= $(lastword $(KVERS))
KDIR ?= /lib/modules/$(KVER)/build
W ?= 1
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

# Benchmarks (not tests): ratios against stock ip_vs measured in one run.
bench: deps
	$(MAKE) -C bench/sched
	bench/datapath/run -k $(firstword $(subst all,6.1,$(LAB_KERNELS)))

style:
	./scripts/style.sh

check: deps
	./tests/check.sh

demo: deps
	./tests/demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

.PHONY: all deps module kmod kmods ipvsadm tools unit lab bench style check demo clean
