// -L -c: the connection table, read from /proc/net/ip_vs_conn as 1.31 does (not netlink).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aavs::ipvsadm {

inline constexpr const char* kConnProcPath = "/proc/net/ip_vs_conn";

struct ConnListingOptions {
  bool numeric = false;
  bool persistent_conn = false;  // adds the pe name / pe_data columns
};

// The listing for the text of /proc/net/ip_vs_conn (header line included), or nullopt when the
// text is not what the kernel writes there (1.31: "unexpected input from ...").
std::optional<std::string> conn_listing_text(std::string_view proc_text,
                                             const ConnListingOptions& options);

}  // namespace aavs::ipvsadm
