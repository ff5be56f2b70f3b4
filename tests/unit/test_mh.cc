// MH table: Maglev population as ip_vs_mh does it (M = 4093), weights via
// gcd/rshift/turns on last_weight, lookups and the fallback re-hash.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "sched_test_util.h"

using namespace aavs_test;

namespace {

aavs_mh_table build(const std::vector<aavs_sched_member>& m, bool stable = false) {
  aavs_mh_table t;
  std::vector<unsigned char> ws(aavs_mh_ws_size(static_cast<unsigned>(m.size())) + 1);
  EXPECT_EQ(aavs_mh_build(&t, m.data(), static_cast<unsigned>(m.size()), stable, ws.data()), 0);
  return t;
}

std::map<int, int> counts(const aavs_mh_table& t) {
  std::map<int, int> c;
  for (int i = 0; i < AAVS_MH_TAB_SIZE; i++)
    c[t.slot[i]]++;
  return c;
}

bool usable_mask(const void* ctx, unsigned int idx) {
  return (*static_cast<const std::vector<bool>*>(ctx))[idx];
}

}  // namespace

TEST(MhHash, KeyIsHsiphashOfOffsetPlusPortPlusAddress) {
  hsiphash_key_t k1 = {{AAVS_MH_KEY1, AAVS_MH_KEY1}};
  hsiphash_key_t k2 = {{AAVS_MH_KEY2, AAVS_MH_KEY2}};
  uint32_t v = 7 + 80 + 0xC0000201u;
  EXPECT_EQ(aavs_mh_hashkey(0xC0000201u, 80, 1, 7), hsiphash(&v, 4, &k1));
  EXPECT_EQ(aavs_mh_hashkey(0xC0000201u, 80, 2, 7), hsiphash(&v, 4, &k2));
  EXPECT_NE(aavs_mh_hashkey(0xC0000201u, 80, 1, 7), aavs_mh_hashkey(0xC0000201u, 80, 2, 7));
}

TEST(MhFill, FullyPopulated) {
  for (int n : {1, 2, 3, 7, 16, 100, 1000, AAVS_MH_TAB_SIZE}) {
    auto t = build(servers(n, 1));
    auto c = counts(t);
    EXPECT_EQ(c.count(AAVS_SCHED_NONE), 0u) << n;
    EXPECT_EQ(static_cast<int>(c.size()), n) << n;
  }
}

TEST(MhFill, EqualWeightsOneSlotPerRound) {
  // 4093 = 3 * 1364 + 1: the first member in list order gets the extra slot.
  auto c = counts(build(servers(3, 1)));
  EXPECT_EQ(c[0], 1365);
  EXPECT_EQ(c[1], 1364);
  EXPECT_EQ(c[2], 1364);
}

TEST(MhFill, WeightsAreTurnsPerRound) {
  // {1,2,3,4}: 10 claims per round, 4093 = 409 * 10 + 3 -> +1, +2 extra.
  std::vector<aavs_sched_member> m;
  for (int i = 0; i < 4; i++)
    m.push_back(v4_member(0xC6336401u + i, 80, i + 1));
  auto c = counts(build(m));
  EXPECT_EQ(c[0], 409 + 1);
  EXPECT_EQ(c[1], 818 + 2);
  EXPECT_EQ(c[2], 1227);
  EXPECT_EQ(c[3], 1636);
}

TEST(MhFill, GcdDividesWeights) {
  std::vector<aavs_sched_member> a, b;
  for (int i = 0; i < 3; i++) {
    a.push_back(v4_member(0xC6336401u + i, 80, i + 1));
    b.push_back(v4_member(0xC6336401u + i, 80, 10 * (i + 1)));
  }
  auto ta = build(a), tb = build(b);
  EXPECT_EQ(0, memcmp(&ta, &tb, sizeof(ta)));
}

TEST(MhFill, RshiftScalesLargeWeights) {
  // {1, 128}: gcd 1, fls(128) = 8, rshift 2: turns {1 (0 ?: 1), 32};
  // 4093 = 124 * 33 + 1 -> member 0 gets 125.
  std::vector<aavs_sched_member> m = {v4_member(0xC6336401u, 80, 1),
                                      v4_member(0xC6336402u, 80, 128)};
  auto c = counts(build(m));
  EXPECT_EQ(c[0], 125);
  EXPECT_EQ(c[1], 4093 - 125);
}

TEST(MhFill, LastWeightKeepsSlotsWhenPaused) {
  auto m = servers(5, 3);
  auto base = build(m);
  m[2].weight = 0;  // paused: last_weight stays 3
  auto paused = build(m);
  EXPECT_EQ(0, memcmp(&base, &paused, sizeof(base)));
}

TEST(MhFill, AddedWithWeightZeroGetsNoSlot) {
  auto m = servers(5, 3);
  m[2].weight = m[2].last_weight = 0;
  auto c = counts(build(m));
  EXPECT_EQ(c.count(2), 0u);
  EXPECT_EQ(c.count(AAVS_SCHED_NONE), 0u);
  EXPECT_EQ(c.size(), 4u);
}

TEST(MhFill, AllLastWeightsZeroIsEmpty) {
  auto m = servers(3, 0);
  auto t = build(m);
  for (int i = 0; i < AAVS_MH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], AAVS_SCHED_NONE);
  t = build({});
  for (int i = 0; i < AAVS_MH_TAB_SIZE; i++)
    EXPECT_EQ(t.slot[i], AAVS_SCHED_NONE);
}

TEST(MhFill, MoreMembersThanSlotsIsError) {
  auto m = servers(AAVS_MH_TAB_SIZE + 1, 1);
  aavs_mh_table t;
  t.slot[0] = 42;
  std::vector<unsigned char> ws(aavs_mh_ws_size(static_cast<unsigned>(m.size())));
  EXPECT_EQ(aavs_mh_build(&t, m.data(), static_cast<unsigned>(m.size()), false, ws.data()),
            -EINVAL);
  EXPECT_EQ(t.slot[0], 42);  // untouched
}

TEST(MhFill, FirstChoiceIsOffset) {
  // A single member owns everything; with two, each member's first claim is
  // its own offset = hashkey(dest, key 1) % M (unless the first took it).
  auto m = servers(2, 1);
  auto t = build(m);
  unsigned off0 = aavs_mh_hashkey(m[0].fold, m[0].port, 1, 0) % AAVS_MH_TAB_SIZE;
  EXPECT_EQ(t.slot[off0], 0);
}

TEST(MhFill, StableEqualsMainlineInSortedOrder) {
  auto m = servers(6, 2);
  m[1].last_weight = 5;
  m[4].last_weight = 1;
  auto mainline_sorted = build(m, false);
  std::vector<aavs_sched_member> rev(m.rbegin(), m.rend());
  auto stable_rev = build(rev, true);
  for (int i = 0; i < AAVS_MH_TAB_SIZE; i++)
    EXPECT_EQ(ident(m[mainline_sorted.slot[i]]), ident(rev[stable_rev.slot[i]])) << i;
}

TEST(MhLookup, GetAndFallbackSequence) {
  auto m = servers(8, 1);
  auto t = build(m);
  std::vector<bool> ok(8, true);
  const uint32_t fold = 0xC0000201u;
  unsigned ihash = aavs_mh_hashkey(fold, 0, 1, 0) % AAVS_MH_TAB_SIZE;
  int hashed = t.slot[ihash];
  EXPECT_EQ(aavs_mh_hashed(&t, fold, 0), hashed);
  EXPECT_EQ(aavs_mh_get(&t, fold, 0, usable_mask, &ok), hashed);
  EXPECT_EQ(aavs_mh_get_fallback(&t, fold, 0, usable_mask, &ok), hashed);
  ok[hashed] = false;
  EXPECT_EQ(aavs_mh_get(&t, fold, 0, usable_mask, &ok), -1);
  // Expected: first usable along slot(hashkey(offset = ihash + k) % M).
  int expect = -1;
  for (unsigned k = 0; k < AAVS_MH_TAB_SIZE && expect < 0; k++) {
    unsigned h = aavs_mh_hashkey(fold, 0, 1, (ihash + k) % AAVS_MH_TAB_SIZE) % AAVS_MH_TAB_SIZE;
    if (ok[t.slot[h]])
      expect = t.slot[h];
  }
  ASSERT_GE(expect, 0);
  EXPECT_EQ(aavs_mh_get_fallback(&t, fold, 0, usable_mask, &ok), expect);
  // Pause all but one: every flow falls back to it.
  std::vector<bool> one(8, false);
  one[5] = true;
  for (uint32_t a = 0; a < 200; a++)
    EXPECT_EQ(aavs_mh_get_fallback(&t, a * 2654435761u, 0, usable_mask, &one), 5);
  std::vector<bool> none(8, false);
  EXPECT_EQ(aavs_mh_get_fallback(&t, fold, 0, usable_mask, &none), -1);
}

TEST(MhLookup, PortChangesKey) {
  auto t = build(servers(16, 1));
  int differ = 0;
  for (uint32_t a = 0; a < 1000; a++)
    differ += aavs_mh_hashed(&t, 0xC0000000u + a, 0) != aavs_mh_hashed(&t, 0xC0000000u + a, 40000);
  EXPECT_GT(differ, 800);
}
