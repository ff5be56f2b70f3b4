#include <gtest/gtest.h>

#include "src/sched_flags.h"

namespace aavs::ipvsadm {
namespace {

std::uint32_t flags(const std::string& sched, const std::string& list) {
  auto r = parse_sched_flags(sched, list);
  EXPECT_TRUE(std::holds_alternative<std::uint32_t>(r)) << list;
  return std::holds_alternative<std::uint32_t>(r) ? std::get<std::uint32_t>(r) : 0;
}

std::string error(const std::string& sched, const std::string& list) {
  auto r = parse_sched_flags(sched, list);
  return std::holds_alternative<SchedFlagsError>(r) ? std::get<SchedFlagsError>(r).message : "";
}

TEST(SchedFlags, Names131) {
  EXPECT_EQ(flags("sh", "sh-fallback,sh-port"), 0x18U);
  EXPECT_EQ(flags("mh", "mh-fallback"), 0x08U);
  EXPECT_EQ(flags("wlc", "flag-2,flag-1"), 0x18U);
  EXPECT_EQ(flags("rr", "flag-1,,flag-3"), 0x28U);
  EXPECT_EQ(error("wlc", "sh-port"), "incompatible scheduler flag `sh-port'");
  EXPECT_EQ(error("mh", "sh-port"), "incompatible scheduler flag `sh-port'");
  EXPECT_EQ(error("sh", "foo"), "invalid scheduler flag `foo'");
}

TEST(SchedFlags, AavsStableNames) {
  EXPECT_EQ(flags("sh", "sh-stable"), 0x20U);
  EXPECT_EQ(flags("mh", "mh-stable,mh-port"), 0x30U);
  EXPECT_EQ(flags("sh", "flag-3"), 0x20U);
  EXPECT_EQ(error("mh", "sh-stable"), "incompatible scheduler flag `sh-stable'");
}

TEST(SchedFlags, Text) {
  EXPECT_EQ(sched_flags_text("sh", 0x18), "sh-fallback,sh-port");
  EXPECT_EQ(sched_flags_text("mh", 0x10), "mh-port");
  EXPECT_EQ(sched_flags_text("dh", 0x28), "flag-1,flag-3");
  EXPECT_EQ(sched_flags_text("sh", 0x38), "sh-fallback,sh-port,sh-stable");
}

}  // namespace
}  // namespace aavs::ipvsadm
