// An IPv4 or IPv6 address as IPVS carries it: a family plus 16 bytes (IPv4 in the first 4).
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aavs::ipvs {

struct Address {
  std::uint16_t family = AF_INET;
  std::array<std::uint8_t, 16> bytes{};

  static Address v4(in_addr addr);
  static Address v6(const in6_addr& addr);
  // Accepts only strict numeric literals (inet_pton) of the given family.
  static std::optional<Address> parse(int family, std::string_view text);

  bool is_v6() const { return family == AF_INET6; }
  in_addr as_v4() const;
  in6_addr as_v6() const;
  // Numeric text (inet_ntop), IPv6 compressed, without brackets.
  std::string to_string() const;

  bool operator==(const Address&) const = default;
};

}  // namespace aavs::ipvs
