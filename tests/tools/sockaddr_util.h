// Socket addresses for the lab traffic tools (netcheck, conntrain): an IPv4
// or IPv6 literal and a port, ready for bind() and connect().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>

namespace aavs_lab {

// TEXT as inet_pton reads it, IPv4 first, then IPv6 (no names, no brackets),
// with PORT; LEN is set to the length of the address it holds.
inline std::optional<sockaddr_storage> parse_sockaddr(const char* text, int port, socklen_t& len) {
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v4);
    return ss;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v6);
    return ss;
  }
  return std::nullopt;
}

}  // namespace aavs_lab
