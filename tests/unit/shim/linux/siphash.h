/*
 * Userspace stand-in for <linux/siphash.h>: hsiphash() as the kernel
 * computes it on 64-bit (SipHash-1-3, two 64-bit key words, 32-bit result).
 */
#ifndef AAVS_SHIM_LINUX_SIPHASH_H
#define AAVS_SHIM_LINUX_SIPHASH_H
#include <linux/types.h>

#ifdef __cplusplus
static_assert(sizeof(unsigned long) == 8, "shim models 64-bit hsiphash");
#else
_Static_assert(sizeof(unsigned long) == 8, "shim models 64-bit hsiphash");
#endif

typedef struct {
  unsigned long key[2];
} hsiphash_key_t;

static inline u64 aavs_shim_rol64(u64 w, unsigned int s) {
  return (w << s) | (w >> (64 - s));
}

#define AAVS_SHIM_SIPROUND(a, b, c, d) \
  do {                                 \
    a += b;                            \
    b = aavs_shim_rol64(b, 13);        \
    b ^= a;                            \
    a = aavs_shim_rol64(a, 32);        \
    c += d;                            \
    d = aavs_shim_rol64(d, 16);        \
    d ^= c;                            \
    a += d;                            \
    d = aavs_shim_rol64(d, 21);        \
    d ^= a;                            \
    c += b;                            \
    b = aavs_shim_rol64(b, 17);        \
    b ^= c;                            \
    c = aavs_shim_rol64(c, 32);        \
  } while (0)

static inline u32 hsiphash(const void* data, size_t len, const hsiphash_key_t* key) {
  const u8* p = (const u8*)data;
  u64 v0 = 0x736f6d6570736575ULL ^ key->key[0];
  u64 v1 = 0x646f72616e646f6dULL ^ key->key[1];
  u64 v2 = 0x6c7967656e657261ULL ^ key->key[0];
  u64 v3 = 0x7465646279746573ULL ^ key->key[1];
  u64 b = (u64)len << 56, m;
  size_t i, full = len & ~(size_t)7;

  for (i = 0; i < full; i += 8) {
    m = 0;
    for (unsigned int j = 0; j < 8; j++)
      m |= (u64)p[i + j] << (8 * j);
    v3 ^= m;
    AAVS_SHIM_SIPROUND(v0, v1, v2, v3);
    v0 ^= m;
  }
  for (i = full; i < len; i++)
    b |= (u64)p[i] << (8 * (i - full));

  v3 ^= b;
  AAVS_SHIM_SIPROUND(v0, v1, v2, v3);
  v0 ^= b;
  v2 ^= 0xff;
  AAVS_SHIM_SIPROUND(v0, v1, v2, v3);
  AAVS_SHIM_SIPROUND(v0, v1, v2, v3);
  AAVS_SHIM_SIPROUND(v0, v1, v2, v3);
  return (u32)((v0 ^ v1) ^ (v2 ^ v3));
}
#endif
