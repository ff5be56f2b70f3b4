/* Userspace stand-in for <linux/bitops.h>: fls() only. */
#ifndef AAVS_SHIM_LINUX_BITOPS_H
#define AAVS_SHIM_LINUX_BITOPS_H

/* 1-based index of the most significant set bit, 0 for 0 */
static inline int fls(unsigned int x) {
  return x ? 32 - __builtin_clz(x) : 0;
}
#endif
