#!/bin/bash
# lab-kernels 6.1
# ipvsadm 1.31 with the series of patches/ipvsadm is ipvsadm 1.31 (built
# from the same Debian source, without the series) but for the names of
# scheduler flag 3, which it shows and saves as aavs's ipvsadm does.
#
#   topology: adm_diff's (a fresh namespace per tool and backend)
#   action:   adm_diff with the patched ipvsadm in place of aavs-ipvsadm:
#             every command of adm_commands.txt with it and with the
#             unpatched build against stock ip_vs; then flag 3 on sh and mh, against
#             stock ip_vs and against ip_vs with the kernel series
#   expect:   identical stdout, stderr and exit status for every command;
#             -b flag-3 / mh-stable read back as sh-stable / mh-stable in
#             -L and -S, and -S | -R keeps them, where 1.31 lists "sh ()"
#             and its -S | -R loses both.
. "$LAB/lib.sh"

[ -x "$LAB/patched-ipvsadm/ipvsadm" ] ||
	skip "no patched ipvsadm in the image (run patches/build-ipvsadm.sh before the lab)"
need_patched_ipvs
ADM_OURS=$LAB/patched-ipvsadm/ipvsadm ADM_STOCK=$LAB/patched-ipvsadm/ipvsadm-1.31 \
	ADM_BACKENDS="stock patched" \
	exec bash "$LAB/cases/adm_diff.sh"
