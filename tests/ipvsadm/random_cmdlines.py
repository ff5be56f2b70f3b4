#!/usr/bin/env python3
"""Random ipvsadm command lines for host_diff.sh: a command first (mostly), then words drawn
from a pool of options, values and deliberately bad values. Seeded: same lines every run."""
import random
import sys

COMMANDS = ["-A", "-E", "-D", "-C", "-L", "-l", "-Z", "-a", "-e", "-d", "-R", "-S",
            "--set", "--start-daemon", "--stop-daemon", "-h", "-v", "-Ln", "-lnc", "-At",
            "--add-service", "--list", "--save", "--zero", "--clear", "-n", "-t", "x"]
WORDS = ["-t", "-u", "--sctp-service", "-f", "-6", "-s", "-p", "-M", "-r", "-g", "-i", "-m",
         "-w", "-x", "-y", "-n", "-c", "--timeout", "--daemon", "--stats", "--rate",
         "--thresholds", "--persistent-conn", "--nosort", "--sort", "--exact", "-X", "-o",
         "--ops", "--pe", "-b", "--sched-flags", "--mcast-interface", "--syncid",
         "--mcast-group", "--mcast-port", "--mcast-ttl", "--sync-maxlen", "--tun-info",
         "--tun-type", "--tun-port", "--tun-nocsum", "--tun-csum", "--tun-remcsum",
         "-A", "-a", "-E", "-h", "--bogus", "-j", "--", "--stats=1", "-p300", "-mw", "-r10.1.1.1",
         "--tcp-service=192.0.2.1:80", "--weight=3", "-Lq"]
VALUES = ["192.0.2.1:80", "192.0.2.1", "192.0.2.1:0", "198.51.100.7", "198.51.100.7:8080",
          "[2001:db8::1]:80", "2001:db8::1", "[2001:db8::2]", "2001:db8::5:80", "10.1:80",
          "0x0a000002:80", "1234", "192.0.2.1:http", "192.0.2.1:nosuchsvc", "192.0.2.1:65536",
          "host.invalid:80", "localhost:80", "1", "0", "-1", "5", "100", "255", "256", "65535",
          "65536", "2678400", "2678401", "4294967295", "4294967296", "2147483647", "2147483648",
          "abc", "", "rr", "wlc", "sh", "mh", "none", "averyveryverylongschedulername",
          "sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2,flag-3",
          "flag-1,,flag-2", "sh-fallback,sh-port", "foo", "master", "backup", "lo", "eth0",
          "224.0.0.81", "239.1.2.3", "ff02::1234", "::1", "10.1.1.1", "ipip", "gue", "gre",
          "vxlan", "255.255.255.0", "64", "200", "sip", "6080", "1.2.3"]


def main():
    count = int(sys.argv[1])
    rng = random.Random(1031)
    for _ in range(count):
        words = [rng.choice(COMMANDS)]
        if words[0] in ("--start-daemon", "--stop-daemon") and rng.random() < 0.8:
            words.append(rng.choice(["master", "backup", "foo"]))
        for _ in range(rng.randint(0, 7)):
            if rng.random() < 0.55:
                words.append(rng.choice(WORDS))
            else:
                words.append(rng.choice(VALUES))
        # host_diff reads lines with `read -a`: empty words cannot survive, skip them.
        print(" ".join(w for w in words if w))


if __name__ == "__main__":
    main()
