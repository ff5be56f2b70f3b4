/* Userspace stand-in for <linux/gcd.h> (lib/math/gcd.c). */
#ifndef AAVS_SHIM_LINUX_GCD_H
#define AAVS_SHIM_LINUX_GCD_H

static inline unsigned long gcd(unsigned long a, unsigned long b) {
  unsigned long r;

  while (b) {
    r = a % b;
    a = b;
    b = r;
  }
  return a;
}
#endif
