// SH table: the ip_vs_sh tiling and lookups, worked by hand from the
// algorithm description, plus the flag-3 stable table's basic guarantees.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "sched_test_util.h"

using namespace aavs_test;

namespace {

aavs_sh_table build(const std::vector<aavs_sched_member>& m) {
  aavs_sh_table t;
  EXPECT_EQ(aavs_sh_build(&t, m.data(), static_cast<unsigned>(m.size())), 0);
  return t;
}

aavs_sh_table build_stable(const std::vector<aavs_sched_member>& m) {
  aavs_sh_table t;
  std::vector<unsigned char> ws(aavs_sh_ws_size(static_cast<unsigned>(m.size())) + 1);
  EXPECT_EQ(aavs_sh_build_stable(&t, m.data(), static_cast<unsigned>(m.size()), ws.data()), 0);
  return t;
}

bool usable_mask(const void* ctx, unsigned int idx) {
  return (*static_cast<const std::vector<bool>*>(ctx))[idx];
}

}  // namespace

TEST(ShFill, EqualWeightsRoundRobin) {
  auto t = build(servers(3, 1));
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], i % 3) << i;
}

TEST(ShFill, WeightsTwoOne) {
  // Cycle: member 0 takes 2 consecutive buckets, member 1 takes 1.
  auto m = servers(2, 1);
  m[0].weight = 2;
  auto t = build(m);
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], (i % 3 < 2) ? 0 : 1) << i;
}

TEST(ShFill, WeightZeroStillGetsOneBucketPerCycle) {
  auto m = servers(2, 3);
  m[0].weight = 0;
  auto t = build(m);
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], (i % 4 == 0) ? 0 : 1) << i;
}

TEST(ShFill, WeightSpillsAcrossTheEnd) {
  // weights {100, 100}: 0 x100, 1 x100, 0 x56.
  auto t = build(servers(2, 100));
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], (i < 100 || i >= 200) ? 0 : 1) << i;
}

TEST(ShFill, EmptyMeansNoDest) {
  aavs_sh_table t;
  ASSERT_EQ(aavs_sh_build(&t, nullptr, 0), 0);
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], AAVS_SCHED_NONE);
  std::vector<bool> ok;
  EXPECT_EQ(aavs_sh_hashed(&t, 0xC0000201u, 0), -1);
  EXPECT_EQ(aavs_sh_get(&t, 0xC0000201u, 0, usable_mask, &ok), -1);
  EXPECT_EQ(aavs_sh_get_fallback(&t, 0xC0000201u, 0, usable_mask, &ok), -1);
  ASSERT_EQ(aavs_sh_build_stable(&t, nullptr, 0, nullptr), 0);
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], AAVS_SCHED_NONE);
}

TEST(ShFill, TooManyMembers) {
  aavs_sh_table t;
  aavs_sched_member one{};
  EXPECT_EQ(aavs_sh_build(&t, &one, AAVS_SCHED_MAX_MEMBERS + 1), -EINVAL);
}

TEST(ShLookup, BucketIsHash32OfPortPlusAddress) {
  // 192.0.2.1 without port: hash_32(0xC0000201, 8) = 50; with port 80: 193.
  auto t = build(servers(256, 1));  // bucket i -> member i
  std::vector<bool> ok(256, true);
  EXPECT_EQ(aavs_sh_hashkey(0xC0000201u, 0, 0), 50u);
  EXPECT_EQ(aavs_sh_hashkey(0xC0000201u, 80, 0), 193u);
  EXPECT_EQ(aavs_sh_hashkey(0xC0000201u, 80, 100), (193u + 100) & 255);
  EXPECT_EQ(aavs_sh_get(&t, 0xC0000201u, 0, usable_mask, &ok), 50);
  EXPECT_EQ(aavs_sh_get(&t, 0xC0000201u, 80, usable_mask, &ok), 193);
  // (a, p) and (a + 1, p - 1) collide: port and address are added.
  EXPECT_EQ(aavs_sh_hashkey(0xC0000202u, 79, 0), 193u);
}

TEST(ShLookup, Ipv6ClientUsesFold) {
  auto t = build(servers(256, 1));
  std::vector<bool> ok(256, true);
  // 2001:db8::1 -> fold 0x20010db8 ^ 1
  __be32 a[4] = {htonl(0x20010db8u), 0, 0, htonl(1)};
  uint32_t fold = aavs_sched_fold(true, a);
  EXPECT_EQ(fold, 0x20010db9u);
  EXPECT_EQ(aavs_sh_get(&t, fold, 0, usable_mask, &ok), static_cast<int>(hash_32(0x20010db9u, 8)));
}

TEST(ShLookup, NoFallbackUnavailableMeansNone) {
  auto t = build(servers(3, 1));
  std::vector<bool> ok = {true, true, true};
  unsigned b = aavs_sh_hashkey(0xC0000201u, 0, 0);
  int hashed = static_cast<int>(b % 3);
  EXPECT_EQ(aavs_sh_get(&t, 0xC0000201u, 0, usable_mask, &ok), hashed);
  ok[hashed] = false;
  EXPECT_EQ(aavs_sh_get(&t, 0xC0000201u, 0, usable_mask, &ok), -1);
  // The raw (mid-stream) lookup ignores availability.
  EXPECT_EQ(aavs_sh_hashed(&t, 0xC0000201u, 0), hashed);
}

TEST(ShLookup, FallbackProbesFromTwiceIhash) {
  auto t = build(servers(256, 1));    // bucket i -> member i
  const uint32_t fold = 0xC0000201u;  // ihash 50
  const unsigned ihash = aavs_sh_hashkey(fold, 0, 0);
  ASSERT_EQ(ihash, 50u);
  std::vector<bool> ok(256, true);
  ok[ihash] = false;
  // First probe is bucket 100 (2 * ihash), not 51.
  EXPECT_EQ(aavs_sh_get_fallback(&t, fold, 0, usable_mask, &ok), 100);
  ok[100] = ok[101] = ok[102] = false;
  EXPECT_EQ(aavs_sh_get_fallback(&t, fold, 0, usable_mask, &ok), 103);
  // Wraps around the table.
  const uint32_t fold2 = 0xFFFFFFFFu;  // ihash 158, start 316 & 255 = 60
  ASSERT_EQ(aavs_sh_hashkey(fold2, 0, 0), 158u);
  std::vector<bool> ok2(256, true);
  ok2[158] = false;
  EXPECT_EQ(aavs_sh_get_fallback(&t, fold2, 0, usable_mask, &ok2), 60);
  // Nothing usable: none.
  std::vector<bool> none(256, false);
  EXPECT_EQ(aavs_sh_get_fallback(&t, fold, 0, usable_mask, &none), -1);
}

TEST(ShLookup, FallbackUsableHashedReturnsIt) {
  auto t = build(servers(4, 1));
  std::vector<bool> ok(4, true);
  for (uint32_t a = 0; a < 1000; a++)
    EXPECT_EQ(aavs_sh_get_fallback(&t, a * 7919u, 0, usable_mask, &ok),
              aavs_sh_get(&t, a * 7919u, 0, usable_mask, &ok));
}

TEST(ShStable, FullAndQuotasExact) {
  std::vector<aavs_sched_member> m;
  int w[] = {1, 2, 3, 4, 5, 7, 11};
  int total = 0;
  for (int i = 0; i < 7; i++) {
    m.push_back(v4_member(0xC6336401u + i, 80, w[i]));
    total += w[i];
  }
  auto t = build_stable(m);
  std::map<int, int> count;
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++) {
    ASSERT_NE(t.slot[i], AAVS_SCHED_NONE);
    count[t.slot[i]]++;
  }
  for (int i = 0; i < 7; i++) {
    double exact = 256.0 * w[i] / total;
    EXPECT_LT(std::abs(count[i] - exact), 1.0) << "member " << i;
  }
}

TEST(ShStable, AddedWithWeightZeroGetsNothingPausedKeepsBuckets) {
  auto m = servers(4, 2);
  auto base = build_stable(m);
  // Paused: weight 0, last_weight 2 -> identical table.
  m[1].weight = 0;
  auto paused = build_stable(m);
  EXPECT_EQ(0, memcmp(&base, &paused, sizeof(base)));
  // Added with weight 0 (last_weight 0): owns no bucket.
  m[1].last_weight = 0;
  auto t = build_stable(m);
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_NE(t.slot[i], 1);
  // All last weights 0: empty.
  for (auto& x : m)
    x.weight = x.last_weight = 0;
  t = build_stable(m);
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], AAVS_SCHED_NONE);
}

TEST(ShStable, MoreMembersThanBuckets) {
  auto m = servers(300, 1);
  auto t = build_stable(m);
  std::map<int, int> count;
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++)
    count[t.slot[i]]++;
  EXPECT_EQ(count.size(), 256u);
  for (auto& kv : count)
    EXPECT_EQ(kv.second, 1);
}

TEST(ShStable, Ipv6MembersDistinctDespiteEqualFold) {
  // Identity uses the whole address, so folding collisions do not matter.
  uint32_t a[4] = {0x20010db8u, 0, 1, 2};
  uint32_t b[4] = {0x20010db8u, 0, 2, 1};
  std::vector<aavs_sched_member> m = {v6_member(a, 80, 1), v6_member(b, 80, 1)};
  ASSERT_EQ(m[0].fold, m[1].fold);
  auto t1 = build_stable(m);
  std::swap(m[0], m[1]);
  auto t2 = build_stable(m);
  int c0 = 0;
  for (int i = 0; i < AAVS_SH_TAB_SIZE; i++) {
    c0 += t1.slot[i] == 0;
    EXPECT_EQ(t1.slot[i], 1 - t2.slot[i]);  // same identity in every bucket
  }
  EXPECT_EQ(c0, 128);
}
