// DH table: ip_vs_dh's one-bucket-per-dest dealing and its hash of the
// destination address, worked by hand from the algorithm description.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <vector>

extern "C" {
#include "sched_dh_table.h"
}

namespace {

aavs_dh_table build(unsigned n) {
  aavs_dh_table t;
  EXPECT_EQ(aavs_dh_build(&t, n), 0);
  return t;
}

uint32_t fold4(uint32_t host_addr) {
  __be32 a[4] = {htonl(host_addr), 0, 0, 0};
  return aavs_sched_fold(false, a);
}

bool usable_mask(const void* ctx, unsigned int idx) {
  return (*static_cast<const std::vector<bool>*>(ctx))[idx];
}

}  // namespace

TEST(DhFill, DealtInListOrderWhateverTheWeights) {
  auto t = build(3);
  for (int i = 0; i < AAVS_DH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], i % 3) << i;
}

TEST(DhFill, NoMembersNoBuckets) {
  auto t = build(0);
  for (int i = 0; i < AAVS_DH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], AAVS_SCHED_NONE) << i;
  EXPECT_EQ(aavs_dh_hashed(&t, fold4(0xCB007165u)), -1);
}

TEST(DhFill, TooManyMembers) {
  aavs_dh_table t;
  EXPECT_EQ(aavs_dh_build(&t, AAVS_SCHED_MAX_MEMBERS + 1), -EINVAL);
}

// hash_32(addr, 8) = (addr * 0x61C88647) >> 24, by hand.
TEST(DhHash, Vectors) {
  EXPECT_EQ(aavs_dh_hashkey(fold4(0xCB007165u)), 100u);  // 203.0.113.101
  EXPECT_EQ(aavs_dh_hashkey(fold4(0xCB007166u)), 198u);  // 203.0.113.102
  EXPECT_EQ(aavs_dh_hashkey(fold4(0xC0000201u)), 50u);   // 192.0.2.1
  // 2001:db8:f::101 folds to the XOR of its four words.
  __be32 a6[4] = {htonl(0x20010db8u), htonl(0x000f0000u), 0, htonl(0x00000101u)};
  EXPECT_EQ(aavs_sched_fold(true, a6), 0x200e0cb9u);
  EXPECT_EQ(aavs_dh_hashkey(aavs_sched_fold(true, a6)), 72u);
}

// Five dests listed rs5..rs1 (ip_vs adds at the head): 203.0.113.101 hashes
// to bucket 100, 100 % 5 = 0, the first listed.
TEST(DhGet, HashedMemberOnly) {
  auto t = build(5);
  uint32_t f = fold4(0xCB007165u);
  std::vector<bool> all(5, true);
  EXPECT_EQ(aavs_dh_get(&t, f, usable_mask, &all), 0);
  EXPECT_EQ(aavs_dh_get(&t, fold4(0xCB007166u), usable_mask, &all), 3);
  // dh has no fallback: the hashed member unusable means no member.
  std::vector<bool> paused = all;
  paused[0] = false;
  EXPECT_EQ(aavs_dh_get(&t, f, usable_mask, &paused), -1);
  EXPECT_EQ(aavs_dh_hashed(&t, f), 0);
}
