// hash_32 and hsiphash (the two primitives ip_vs sh and mh rely on).
#include <gtest/gtest.h>

#include <cstdint>

#include "sched_test_util.h"

extern "C" {
#include <linux/hash.h>
#include <linux/siphash.h>
}

// Values computed by hand (Python big integers) from
// hash_32(val, bits) = (val * 0x61C88647 mod 2^32) >> (32 - bits).
TEST(Hash32, KnownValues) {
  EXPECT_EQ(hash_32(0, 8), 0u);
  EXPECT_EQ(hash_32(1, 8), 97u);
  EXPECT_EQ(hash_32(0xC0000201u, 8), 50u);        // 192.0.2.1, no port
  EXPECT_EQ(hash_32(0xC0000201u + 80, 8), 193u);  // 192.0.2.1 + port 80
  EXPECT_EQ(hash_32(0xFFFFFFFFu, 8), 158u);
  EXPECT_EQ(hash_32(0x12345678u, 16), 30598u);
  EXPECT_EQ(hash_32(0x12345678u, 32), 2005322568u);
}

// Reference vectors of 64-bit hsiphash (SipHash-1-3, 32-bit output) for
// key 00 01 .. 0f and inputs 00, 00 01, .., as used by the kernel's siphash
// self-test (lib/test_siphash.c, BITS_PER_LONG == 64).
static const uint32_t kHsiphashVectors[64] = {
    0x050fc4dcU, 0x7d57ca93U, 0x4dc7d44dU, 0xe7ddf7fbU, 0x88d38328U, 0x49533b67U, 0xc59f22a7U,
    0x9bb11140U, 0x8d299a8eU, 0x6c063de4U, 0x92ff097fU, 0xf94dc352U, 0x57b4d9a2U, 0x1229ffa7U,
    0xc0f95d34U, 0x2a519956U, 0x7d908b66U, 0x63dbd80cU, 0xb473e63eU, 0x8d297d1cU, 0xa6cce040U,
    0x2b45f844U, 0xa320872eU, 0xdae6c123U, 0x67349c8cU, 0x705b0979U, 0xca9913a5U, 0x4ade3b35U,
    0xef6cd00dU, 0x4ab1e1f4U, 0x43c5e663U, 0x8c21d1bcU, 0x16a7b60dU, 0x7a8ff9bfU, 0x1f2a753eU,
    0xbf186b91U, 0xada26206U, 0xa3c33057U, 0xae3a36a1U, 0x7b108392U, 0x99e41531U, 0x3f1ad944U,
    0xc8138825U, 0xc28949a6U, 0xfaf8876bU, 0x9f042196U, 0x68b1d623U, 0x8b5114fdU, 0xdf074c46U,
    0x12cc86b3U, 0x0a52098fU, 0x9d292f9aU, 0xa2f41f12U, 0x43a71ed0U, 0x73f0bce6U, 0x70a7e980U,
    0x243c6d75U, 0xfdb71513U, 0xa67d8a08U, 0xb7e8f148U, 0xf7a644eeU, 0x0f1837f2U, 0x4b6694e0U,
    0xb7bbb3a8U};

TEST(Hsiphash, ReferenceVectors) {
  hsiphash_key_t key;
  key.key[0] = 0x0706050403020100ULL;
  key.key[1] = 0x0f0e0d0c0b0a0908ULL;
  uint8_t in[64];
  for (int i = 0; i < 64; i++)
    in[i] = static_cast<uint8_t>(i);
  for (size_t len = 0; len < 64; len++)
    EXPECT_EQ(hsiphash(in, len, &key), kHsiphashVectors[len]) << "len " << len;
}

TEST(Hsiphash, UnalignedInputSameResult) {
  hsiphash_key_t key;
  key.key[0] = 0x0706050403020100ULL;
  key.key[1] = 0x0f0e0d0c0b0a0908ULL;
  uint8_t buf[65];
  for (int i = 0; i < 64; i++)
    buf[i + 1] = static_cast<uint8_t>(i);
  for (size_t len = 0; len < 64; len++)
    EXPECT_EQ(hsiphash(buf + 1, len, &key), kHsiphashVectors[len]);
}

TEST(Fold, Ipv4IsTheAddress) {
  __be32 a[4] = {htonl(0xC0000201u), 0, 0, 0};
  EXPECT_EQ(aavs_sched_fold(false, a), 0xC0000201u);
}

TEST(Fold, Ipv6XorOfNetworkWords) {
  // 2001:db8::1:2:3 -> words 20010db8 00000000 00010002 00000003
  __be32 a[4] = {htonl(0x20010db8u), htonl(0), htonl(0x00010002u), htonl(3)};
  EXPECT_EQ(aavs_sched_fold(true, a), 0x20010db8u ^ 0x00010002u ^ 3u);
  // An IPv4 dest in an IPv6 service (zero-padded) folds to its address.
  __be32 b[4] = {htonl(0xC6336401u), 0, 0, 0};
  EXPECT_EQ(aavs_sched_fold(true, b), 0xC6336401u);
}

TEST(Fold, Ipv6SameFoldSameBucket) {
  // ip_vs folds before hashing: two v6 clients with equal XOR collide.
  __be32 a[4] = {htonl(1), htonl(2), htonl(3), htonl(4)};
  __be32 b[4] = {htonl(4), htonl(3), htonl(2), htonl(1)};
  EXPECT_EQ(aavs_sched_fold(true, a), aavs_sched_fold(true, b));
  EXPECT_EQ(aavs_sh_hashkey(aavs_sched_fold(true, a), 0, 0),
            aavs_sh_hashkey(aavs_sched_fold(true, b), 0, 0));
}
