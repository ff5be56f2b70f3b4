// --digest and --prometheus: the sh/mh/dh table digest of each service (docs/schedulers.md) and,
// with aavs loaded, its event counters. aavs shows both in /proc/net/aavs_services; for stock
// ip_vs the tool builds ip_vs's table from the netlink dump with the kernel's own table code
// (kernel_tables.h) and computes the digest itself.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lib/types.h"

namespace aavs::ipvsadm {

inline constexpr const char* kAavsServicesPath = "/proc/net/aavs_services";

// The counters of a /proc/net/aavs_services line, in the file's order.
inline constexpr std::size_t kAavsCounterCount = 7;
inline constexpr std::array<const char*, kAavsCounterCount> kAavsCounterKeys = {
    "sloppy", "confirmed", "expired", "fallback", "kept", "nodest", "conn_max"};

// One service line of /proc/net/aavs_services.
struct AavsServiceLine {
  std::string service;  // as written: "TCP 203.0.113.10:80", "UDP [2001:db8::10]:53", "FWM 7 IPv6"
  std::uint32_t fwmark = 0;
  std::uint16_t af = AF_INET;
  std::uint16_t protocol = 0;  // IPPROTO_*; 0 for fwmark services
  ipvs::Address addr;
  std::uint16_t port = 0;  // host order
  std::string scheduler;
  std::string flags;  // "-" or the comma-separated names
  std::string table;  // 16 hex digits or "n/a"
  std::array<std::uint64_t, kAavsCounterCount> counters{};

  bool operator==(const AavsServiceLine&) const = default;
};

// One service line, or nullopt when it is not what the kernel writes.
std::optional<AavsServiceLine> parse_aavs_service_line(std::string_view text);
// The whole file (header line first), or nullopt when any line is not the kernel's.
std::optional<std::vector<AavsServiceLine>> parse_aavs_services(std::string_view text);

// Whether a /proc line and a service of the netlink dump are the same service.
bool same_service(const AavsServiceLine& line, const ipvs::Service& svc);

// The service as /proc/net/aavs_services names it (IPv6 compressed as the kernel's %pI6c).
std::string digest_service_text(const ipvs::Service& svc);
// The scheduler flags as /proc/net/aavs_services names them: "-" for none.
std::string digest_flags_text(const std::string& scheduler, std::uint32_t flags);
// sh and mh are the schedulers a table decides.
bool has_table(const std::string& scheduler);

// Which table a computed digest models.
enum class TableModel {
  kStock,  // ip_vs: flag 3 ignored (and left out of the digest's flags byte)
  kAavs,   // aavs: flag 3 selects the stable table
};

// The digest of the table the kernel builds for svc from dests (kernel list order, as the dump
// gives them), or nullopt when it cannot be known from the dump: a scheduler without a table,
// or a table that depends on last_weight (mh; aavs's flag-3 tables) while a server has weight 0
// (the dump has no last_weight).
std::optional<std::uint64_t> computed_digest(const ipvs::Service& svc,
                                             const std::vector<ipvs::Destination>& dests,
                                             TableModel model);

std::string digest_hex(std::uint64_t digest);

// One service of the --digest / --prometheus output.
struct DigestRow {
  std::string service;
  std::string scheduler;
  std::string flags;
  std::string table;   // 16 hex digits, "n/a" or "unknown"
  std::string source;  // "kernel" or "computed"
  std::optional<std::array<std::uint64_t, kAavsCounterCount>> counters;  // aavs only

  bool operator==(const DigestRow&) const = default;
};

// "TCP 203.0.113.10:80 sh sh-port table=0123456789abcdef source=kernel\n"
std::string digest_line(const DigestRow& row);
// Prometheus text exposition; the counter families only with_counters (aavs loaded).
std::string prometheus_text(const std::vector<DigestRow>& rows, bool with_counters);
// A label value escaped for the exposition format (backslash, double quote, newline).
std::string prometheus_label_value(std::string_view value);

struct ServiceDests {
  ipvs::Service svc;
  std::vector<ipvs::Destination> dests;  // kernel list order
};

enum class DigestOutput { kDigest, kPrometheus };

// The rows for services (in output order) and the text of /proc/net/aavs_services (nullopt:
// aavs is not loaded). On aavs, --digest cross-checks each table the tool can compute too
// against the kernel's digest and reports each mismatch on err. Returns the exit status: 0, 2
// after a mismatch, 1 when the /proc text is not the kernel's (nothing printed then).
int digest_report(const std::vector<ServiceDests>& services,
                  const std::optional<std::string>& proc_text, DigestOutput output,
                  std::ostream& out, std::ostream& err);

}  // namespace aavs::ipvsadm
