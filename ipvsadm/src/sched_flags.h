// -b/--sched-flags: parsing against the scheduler, and the text shown by -L and -S.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace aavs::ipvsadm {

inline constexpr std::uint32_t kSchedFlagMask = 0x38;  // IP_VS_SVC_F_SCHED1|2|3

struct SchedFlagsError {
  std::string message;
};

// Returns the SCHED bits selected by a comma-separated list, or the 1.31 error message.
// aavs extension: "sh-stable"/"mh-stable" select SCHED3 for sh/mh.
std::variant<std::uint32_t, SchedFlagsError> parse_sched_flags(const std::string& scheduler,
                                                               const std::string& list);

// Comma-separated names of the SCHED bits in flags, as -L prints them inside "(...)".
// For sh/mh, SCHED3 prints as sh-stable/mh-stable (1.31 printed nothing for it).
std::string sched_flags_text(const std::string& scheduler, std::uint32_t flags);

}  // namespace aavs::ipvsadm
