#include "src/sched_flags.h"

#include <linux/ip_vs.h>

#include <array>
#include <sstream>

namespace aavs::ipvsadm {

namespace {

struct FlagName {
  const char* name;
  std::uint32_t bit;
  const char* only_for;  // scheduler the name is restricted to, or nullptr
};

constexpr std::array<FlagName, 9> kFlagNames = {{
    {"flag-1", IP_VS_SVC_F_SCHED1, nullptr},
    {"flag-2", IP_VS_SVC_F_SCHED2, nullptr},
    {"flag-3", IP_VS_SVC_F_SCHED3, nullptr},
    {"sh-fallback", IP_VS_SVC_F_SCHED1, "sh"},
    {"sh-port", IP_VS_SVC_F_SCHED2, "sh"},
    {"sh-stable", IP_VS_SVC_F_SCHED3, "sh"},
    {"mh-fallback", IP_VS_SVC_F_SCHED1, "mh"},
    {"mh-port", IP_VS_SVC_F_SCHED2, "mh"},
    {"mh-stable", IP_VS_SVC_F_SCHED3, "mh"},
}};

}  // namespace

std::variant<std::uint32_t, SchedFlagsError> parse_sched_flags(const std::string& scheduler,
                                                               const std::string& list) {
  std::uint32_t flags = 0;
  std::istringstream items(list);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.empty()) {
      continue;  // strtok semantics: empty items vanish
    }
    const FlagName* match = nullptr;
    for (const auto& f : kFlagNames) {
      if (item == f.name) {
        match = &f;
        break;
      }
    }
    if (match == nullptr) {
      return SchedFlagsError{"invalid scheduler flag `" + item + "'"};
    }
    if (match->only_for != nullptr && scheduler != match->only_for) {
      return SchedFlagsError{"incompatible scheduler flag `" + item + "'"};
    }
    flags |= match->bit;
  }
  return flags;
}

std::string sched_flags_text(const std::string& scheduler, std::uint32_t flags) {
  std::string out;
  auto add = [&out](const char* name) {
    if (!out.empty()) {
      out += ',';
    }
    out += name;
  };
  if (scheduler == "sh" || scheduler == "mh") {
    const std::string& prefix = scheduler;
    if ((flags & IP_VS_SVC_F_SCHED1) != 0) {
      add((prefix + "-fallback").c_str());
    }
    if ((flags & IP_VS_SVC_F_SCHED2) != 0) {
      add((prefix + "-port").c_str());
    }
    if ((flags & IP_VS_SVC_F_SCHED3) != 0) {
      add((prefix + "-stable").c_str());
    }
    return out;
  }
  if ((flags & IP_VS_SVC_F_SCHED1) != 0) {
    add("flag-1");
  }
  if ((flags & IP_VS_SVC_F_SCHED2) != 0) {
    add("flag-2");
  }
  if ((flags & IP_VS_SVC_F_SCHED3) != 0) {
    add("flag-3");
  }
  return out;
}

}  // namespace aavs::ipvsadm
