// Parsing of host[:port] arguments, netmasks and multicast groups with 1.31's rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/address.h"

namespace aavs::ipvsadm {

struct HostPort {
  ipvs::Address addr;
  bool has_port = false;
  std::uint16_t port = 0;  // host order
};

// `protocol` selects the services database entry for symbolic ports.
std::optional<HostPort> parse_host_port(const std::string& text, std::uint16_t protocol);

// IPv4 netmask as inet_aton or an IPv4 host name; result in network order (as in memory).
std::optional<std::uint32_t> parse_ipv4_netmask(const std::string& text);

// A multicast group: IPv6 when the text contains ':', otherwise IPv4.
std::optional<ipvs::Address> parse_mcast_group(const std::string& text);

// strtol-based integer in [min, max]; the whole string must be consumed.
std::optional<long> parse_number(const std::string& text, long min, long max);

}  // namespace aavs::ipvsadm
