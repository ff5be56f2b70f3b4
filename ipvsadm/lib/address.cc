#include "lib/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace aavs::ipvs {

Address Address::v4(in_addr addr) {
  Address a;
  a.family = AF_INET;
  std::memcpy(a.bytes.data(), &addr, sizeof addr);
  return a;
}

Address Address::v6(const in6_addr& addr) {
  Address a;
  a.family = AF_INET6;
  std::memcpy(a.bytes.data(), &addr, sizeof addr);
  return a;
}

std::optional<Address> Address::parse(int family, std::string_view text) {
  const std::string copy(text);
  if (family == AF_INET) {
    in_addr v4addr{};
    if (inet_pton(AF_INET, copy.c_str(), &v4addr) == 1) {
      return v4(v4addr);
    }
  } else if (family == AF_INET6) {
    in6_addr v6addr{};
    if (inet_pton(AF_INET6, copy.c_str(), &v6addr) == 1) {
      return v6(v6addr);
    }
  }
  return std::nullopt;
}

in_addr Address::as_v4() const {
  in_addr out{};
  std::memcpy(&out, bytes.data(), sizeof out);
  return out;
}

in6_addr Address::as_v6() const {
  in6_addr out{};
  std::memcpy(&out, bytes.data(), sizeof out);
  return out;
}

std::string Address::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(is_v6() ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf) == nullptr) {
    return {};
  }
  return buf;
}

}  // namespace aavs::ipvs
