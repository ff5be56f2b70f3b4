#include "src/name_lookup.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <optional>

#include "src/printf.h"

namespace aavs::ipvsadm {

const char* services_proto(std::uint16_t protocol) {
  switch (protocol) {
    case IPPROTO_TCP:
      return "tcp";
    case IPPROTO_UDP:
      return "udp";
    case IPPROTO_SCTP:
      return "sctp";
    default:
      return nullptr;
  }
}

namespace {

std::optional<std::string> host_name(const ipvs::Address& addr) {
  hostent entry{};
  hostent* result = nullptr;
  char buf[8192];
  int herr = 0;
  const socklen_t len = addr.is_v6() ? sizeof(in6_addr) : sizeof(in_addr);
  if (gethostbyaddr_r(addr.bytes.data(), len, addr.family, &entry, buf, sizeof buf, &result,
                      &herr) != 0 ||
      result == nullptr || result->h_name == nullptr) {
    return std::nullopt;
  }
  return std::string(result->h_name);
}

std::optional<std::string> service_name(std::uint16_t port, std::uint16_t protocol) {
  const char* proto = services_proto(protocol);
  if (proto == nullptr) {
    return std::nullopt;
  }
  servent entry{};
  servent* result = nullptr;
  char buf[4096];
  if (getservbyport_r(htons(port), proto, &entry, buf, sizeof buf, &result) != 0 ||
      result == nullptr || result->s_name == nullptr) {
    return std::nullopt;
  }
  return std::string(result->s_name);
}

}  // namespace

const char* protocol_text(std::uint16_t protocol) {
  switch (protocol) {
    case IPPROTO_TCP:
      return "TCP";
    case IPPROTO_UDP:
      return "UDP";
    case IPPROTO_SCTP:
      return "SCTP";
    default:
      return "?";
  }
}

std::string addrport(const ipvs::Address& addr, std::uint16_t port, std::uint16_t protocol,
                     bool numeric) {
  std::string host;
  std::string service;
  if (!numeric) {
    host = host_name(addr).value_or(std::string());
    service = service_name(port, protocol).value_or(std::string());
  }
  if (host.empty()) {
    host = addr.to_string();
  }
  if (addr.is_v6()) {
    host = "[" + host + "]";  // also around a name: 1.31 prints "[localhost]:http"
  }
  if (service.empty()) {
    service = std::to_string(port);
  }
  std::string out = host + ":" + service;
  if (out.size() > kAddrPortMax) {
    out.resize(kAddrPortMax);
  }
  return out;
}

}  // namespace aavs::ipvsadm
