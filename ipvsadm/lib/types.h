// Plain value types for everything the IPVS generic-netlink family exchanges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/address.h"

namespace aavs::ipvs {

// Counters and rates; the same shape serves the 32-bit STATS and the STATS64 nests.
struct Stats {
  std::uint64_t conns = 0;
  std::uint64_t inpkts = 0;
  std::uint64_t outpkts = 0;
  std::uint64_t inbytes = 0;
  std::uint64_t outbytes = 0;
  std::uint64_t cps = 0;
  std::uint64_t inpps = 0;
  std::uint64_t outpps = 0;
  std::uint64_t inbps = 0;
  std::uint64_t outbps = 0;
  bool operator==(const Stats&) const = default;
};

struct Service {
  std::uint16_t af = AF_INET;
  std::uint16_t protocol = 0;  // IPPROTO_TCP/UDP/SCTP; 0 for fwmark services from the kernel
  Address addr;
  std::uint16_t port = 0;  // host byte order
  std::uint32_t fwmark = 0;
  std::string scheduler;
  std::string pe_name;
  std::uint32_t flags = 0;    // IP_VS_SVC_F_*
  std::uint32_t timeout = 0;  // persistence timeout, seconds
  // IPv4: the mask as stored in memory (network order); IPv6: the prefix length.
  std::uint32_t netmask = 0xffffffff;
  std::optional<Stats> stats;    // 32-bit nest (bytes are 64-bit even there)
  std::optional<Stats> stats64;  // preferred when present

  const Stats& best_stats() const;
  bool operator==(const Service&) const = default;
};

struct Destination {
  Address addr;
  std::uint16_t port = 0;        // host byte order
  std::uint32_t fwd_method = 3;  // IP_VS_CONN_F_DROUTE
  std::int32_t weight = 1;
  std::uint32_t u_threshold = 0;
  std::uint32_t l_threshold = 0;
  std::uint32_t active_conns = 0;
  std::uint32_t inact_conns = 0;
  std::uint32_t persist_conns = 0;
  std::uint16_t af = AF_INET;
  std::uint8_t tun_type = 0;    // IP_VS_CONN_F_TUNNEL_TYPE_*
  std::uint16_t tun_port = 0;   // host byte order
  std::uint16_t tun_flags = 0;  // IP_VS_TUNNEL_ENCAP_FLAG_*
  std::optional<Stats> stats;
  std::optional<Stats> stats64;

  const Stats& best_stats() const;
  bool operator==(const Destination&) const = default;
};

struct Timeouts {
  std::uint32_t tcp = 0;
  std::uint32_t tcp_fin = 0;
  std::uint32_t udp = 0;
  bool operator==(const Timeouts&) const = default;
};

struct Daemon {
  std::uint32_t state = 0;  // IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP
  std::string mcast_ifn;
  std::uint32_t syncid = 0;
  std::uint16_t sync_maxlen = 0;
  std::optional<Address> mcast_group;
  std::uint16_t mcast_port = 0;
  std::uint8_t mcast_ttl = 0;
  bool operator==(const Daemon&) const = default;
};

struct Info {
  std::uint32_t version = 0;  // 0x010201 = 1.2.1
  std::uint32_t conn_tab_size = 0;
  bool operator==(const Info&) const = default;
};

}  // namespace aavs::ipvs
