// The table digest (kernel/sched_digest.c): golden values computed
// independently from its byte-by-byte definition in docs/schedulers.md, and
// the properties the cluster check relies on.
#include <gtest/gtest.h>

#include <vector>

#include "sched_test_util.h"

extern "C" {
#include "sched_digest.h"
}

using namespace aavs_test;

namespace {

constexpr uint32_t kFlagFallback = 0x08;  // IP_VS_SVC_F_SCHED1
constexpr uint32_t kFlagPort = 0x10;      // IP_VS_SVC_F_SCHED2
constexpr uint32_t kFlagStable = 0x20;    // IP_VS_SVC_F_SCHED3

uint64_t sh_digest(const std::vector<aavs_sched_member>& m, uint32_t flags) {
  aavs_sh_table t;
  EXPECT_EQ(aavs_sh_build(&t, m.data(), static_cast<unsigned>(m.size())), 0);
  return aavs_digest_finish(aavs_digest_table(t.slot, AAVS_SH_TAB_SIZE, m.data()), "sh", flags);
}

uint64_t sh_stable_digest(const std::vector<aavs_sched_member>& m, uint32_t flags) {
  aavs_sh_table t;
  std::vector<unsigned char> ws(aavs_sh_ws_size(static_cast<unsigned>(m.size())) + 1);
  EXPECT_EQ(aavs_sh_build_stable(&t, m.data(), static_cast<unsigned>(m.size()), ws.data()), 0);
  return aavs_digest_finish(aavs_digest_table(t.slot, AAVS_SH_TAB_SIZE, m.data()), "sh",
                            flags | kFlagStable);
}

}  // namespace

// Python, from the definition: FNV-1a 64 over 256 records, "sh\0", flags.
TEST(Digest, GoldenValues) {
  EXPECT_EQ(sh_digest({}, 0), 0x1ff7811e3af7866eULL);
  const uint32_t ten_0_0_1 = 0x0a000001;
  EXPECT_EQ(sh_digest({v4_member(ten_0_0_1, 80, 1)}, 0), 0xd3a92252f66ff66eULL);
  EXPECT_EQ(sh_digest({v4_member(ten_0_0_1, 80, 1)}, kFlagFallback | kFlagPort),
            0xd3a92152f66ff4bbULL);
  EXPECT_EQ(sh_digest({v4_member(ten_0_0_1, 80, 0)}, 0), 0xae1991fc1ca2586eULL);
}

// Flags outside the scheduler's three do not enter the digest.
TEST(Digest, OnlySchedulerFlags) {
  auto m = servers(3);
  EXPECT_EQ(sh_digest(m, 0), sh_digest(m, 0x0001 /* persistent */ | 0x0004 /* ops */));
  EXPECT_NE(sh_digest(m, 0), sh_digest(m, kFlagPort));
}

// Plain sh depends on the add order; the stable table does not, and the
// digests say so.
TEST(Digest, OrderShowsInPlainNotInStable) {
  auto up = servers(5);
  for (int i = 0; i < 5; i++)
    up[i].weight = up[i].last_weight = i + 1;
  auto down = std::vector<aavs_sched_member>(up.rbegin(), up.rend());
  EXPECT_NE(sh_digest(up, kFlagPort), sh_digest(down, kFlagPort));
  EXPECT_EQ(sh_stable_digest(up, kFlagPort), sh_stable_digest(down, kFlagPort));
}

// Pausing a server keeps the stable table but changes where flows go: the
// digest changes with it.
TEST(Digest, PauseChangesDigest) {
  auto m = servers(4, 2);
  uint64_t before = sh_stable_digest(m, kFlagFallback);
  m[2].weight = 0;  // last_weight stays: same stable table
  EXPECT_NE(sh_stable_digest(m, kFlagFallback), before);
}
