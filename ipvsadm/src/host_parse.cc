#include "src/host_parse.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "src/name_lookup.h"

namespace aavs::ipvsadm {

namespace {

bool all_digits(const std::string& s) {
  return std::ranges::all_of(
      s, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// inet_aton (which accepts "10.1" and hex forms, unlike inet_pton), then an IPv4 host lookup.
std::optional<in_addr> ipv4_host(const std::string& host) {
  in_addr addr{};
  if (inet_aton(host.c_str(), &addr) != 0) {
    return addr;
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) {
    return std::nullopt;
  }
  in_addr found{};
  std::memcpy(&found, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, sizeof found);
  freeaddrinfo(res);
  return found;
}

std::optional<std::uint16_t> parse_port(const std::string& text, std::uint16_t protocol) {
  if (auto n = parse_number(text, 0, 65535)) {
    return static_cast<std::uint16_t>(*n);
  }
  const char* proto = services_proto(protocol);
  if (proto == nullptr) {
    return std::nullopt;
  }
  servent entry{};
  servent* result = nullptr;
  char buf[1024];
  if (getservbyname_r(text.c_str(), proto, &entry, buf, sizeof buf, &result) != 0 ||
      result == nullptr) {
    return std::nullopt;
  }
  return ntohs(static_cast<std::uint16_t>(result->s_port));
}

}  // namespace

std::optional<long> parse_number(const std::string& text, long min, long max) {
  errno = 0;
  char* end = nullptr;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || errno == ERANGE || n < min || n > max) {
    return std::nullopt;
  }
  return n;
}

std::optional<HostPort> parse_host_port(const std::string& text, std::uint16_t protocol) {
  if (all_digits(text)) {
    return std::nullopt;
  }
  std::string host = text;
  std::optional<std::string> port_text;
  if (!host.empty() && host[0] == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos || close + 1 >= host.size() || host[close + 1] != ':') {
      return std::nullopt;
    }
    port_text = host.substr(close + 2);
    host = host.substr(1, close - 1);
  }
  HostPort out;
  if (auto v6 = ipvs::Address::parse(AF_INET6, host)) {
    out.addr = *v6;
  } else {
    // 1.31 looks for the port again inside the (possibly bracketed) host text.
    port_text.reset();
    const auto colon = host.rfind(':');
    if (colon != std::string::npos) {
      port_text = host.substr(colon + 1);
      host.resize(colon);
    }
    auto v4 = ipv4_host(host);
    if (!v4) {
      return std::nullopt;
    }
    out.addr = ipvs::Address::v4(*v4);
  }
  if (port_text) {
    auto port = parse_port(*port_text, protocol);
    if (!port) {
      return std::nullopt;
    }
    out.has_port = true;
    out.port = *port;
  }
  return out;
}

std::optional<std::uint32_t> parse_ipv4_netmask(const std::string& text) {
  auto addr = ipv4_host(text);
  if (!addr) {
    return std::nullopt;
  }
  return addr->s_addr;
}

std::optional<ipvs::Address> parse_mcast_group(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    auto addr = ipvs::Address::parse(AF_INET6, text);
    if (!addr) {
      return std::nullopt;
    }
    const in6_addr v6 = addr->as_v6();
    if (!IN6_IS_ADDR_MULTICAST(&v6)) {
      return std::nullopt;
    }
    return addr;
  }
  auto addr = ipvs::Address::parse(AF_INET, text);
  if (!addr || !IN_MULTICAST(ntohl(addr->as_v4().s_addr))) {
    return std::nullopt;
  }
  return addr;
}

}  // namespace aavs::ipvsadm
