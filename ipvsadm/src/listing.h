// Text of every netlink-based listing (-L and its modifiers, -S, --timeout, --daemon), byte for
// byte as ipvsadm 1.31 prints it. Pure functions over the library's value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/types.h"

namespace aavs::ipvsadm {

enum class ListFormat { kDefault, kStats, kRate, kThresholds, kPersistentConn, kTunInfo };

struct ListStyle {
  ListFormat format = ListFormat::kDefault;
  bool numeric = false;
  bool exact = false;
};

// "IP Virtual Server version 1.2.1 (size=4096)\n"
std::string header_text(const ipvs::Info& info);
// The two title lines of a listing format.
std::string title_text(ListFormat format);
// One service and its destinations (already in display order).
std::string service_text(const ipvs::Service& svc, const std::vector<ipvs::Destination>& dests,
                         const ListStyle& style);
// -S: the rules that recreate the service and its destinations.
std::string save_text(const ipvs::Service& svc, const std::vector<ipvs::Destination>& dests,
                      bool numeric);
std::string timeouts_text(const ipvs::Timeouts& t);
std::string daemons_text(const std::vector<ipvs::Daemon>& daemons);

// 1.31's counter rendering: K/M/G/T scaled to 8 digits, or exact.
std::string largenum(std::uint64_t value, bool exact);

// 1.31's orders (int-truncated differences, applied through qsort like 1.31).
void sort_services(std::vector<ipvs::Service>& services);
void sort_destinations(std::vector<ipvs::Destination>& dests);

}  // namespace aavs::ipvsadm
