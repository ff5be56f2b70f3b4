#!/bin/bash
# soak.sh — `make soak`: before a release, the churn, the fuzzers and
# traffic for about 30 minutes on the debug kernel (KASAN, lockdep,
# kmemleak; 4 vCPUs), then the forwarding cases make check leaves out
# there (DR, NAT, tunnels, fragments, unload under traffic).  Prints what each case did and the
# verdict.
#
#   SOAK_MINUTES (default 30) is split between the churn and the fuzzers.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
minutes=${SOAK_MINUTES:-30}
churn=$((minutes * 60 / 2))
export LAB_REPORTS=$top/build/soak-reports.txt
: >"$LAB_REPORTS"
# Half the time for the churn, the rest for the fuzzers at their lab rates
# (pktfuzz ~2500 packets/s over three methods, nlfuzz ~1000 messages/s).
export LAB_CASE_ENV="CHURN_SECS=$churn,FUZZ_COUNT=$((minutes * 60 * 2500 / 6 / 3)),NLFUZZ_ROOT=$((minutes * 60 * 1000 / 4)),NLFUZZ_NOBODY=$((minutes * 20000 / 5)),NLFUZZ_USERNS=$((minutes * 20000 / 5))"
t0=$SECONDS
tests/lab/run -k debug -t $((minutes * 60 + 600)) ctl_churn dp_fuzz ctl_nlfuzz dp_dr dp_frag dp_tun dp_nat ctl_unload
rc=$?
echo "--- what ran:"
sed 's/^/    /' "$LAB_REPORTS"
echo "--- soak $([ $rc = 0 ] && echo passed || echo FAILED) after $(((SECONDS - t0) / 60)) min"
exit $rc
