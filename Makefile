# aavs — top-level build, lab and checks.  See README.md.

# The kernel to build against: the newest Debian headers installed, never
# `uname -r` (the machine's own kernel is not the lab's).
KVERS := $(shell ls -1d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V)
KVER ?= $(lastword $(KVERS))
KDIR ?= /lib/modules/$(KVER)/build
W ?= 1

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

.PHONY: module clean
