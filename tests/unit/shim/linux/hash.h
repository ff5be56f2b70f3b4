/* Userspace stand-in for <linux/hash.h>: generic hash_32 (no ARCH_HASH). */
#ifndef AAVS_SHIM_LINUX_HASH_H
#define AAVS_SHIM_LINUX_HASH_H
#include <linux/types.h>

#define GOLDEN_RATIO_32 0x61C88647

static inline u32 hash_32(u32 val, unsigned int bits) {
  return (u32)(val * GOLDEN_RATIO_32) >> (32 - bits);
}
#endif
