// Rendering of addresses and ports for listings, numeric or through the resolver, as 1.31 does.
#pragma once

#include <cstdint>
#include <string>

#include "lib/address.h"

namespace aavs::ipvsadm {

// 1.31 renders into a 60-byte buffer: longer names are cut to this many bytes.
inline constexpr std::size_t kAddrPortMax = 59;

// "a.b.c.d:port" or "[v6]:port"; without `numeric` the host comes from the hosts database
// (reverse lookup) and the port from the services database for `protocol` (TCP, UDP, SCTP;
// any other protocol keeps the port numeric). IPv6 hosts keep their brackets even as names.
std::string addrport(const ipvs::Address& addr, std::uint16_t port, std::uint16_t protocol,
                     bool numeric);

// Protocol column text: TCP, UDP, SCTP or "?".
const char* protocol_text(std::uint16_t protocol);

// The services database's protocol name ("tcp", "udp", "sctp") for symbolic ports, both ways;
// nullptr for any other protocol, whose ports stay numeric.
const char* services_proto(std::uint16_t protocol);

}  // namespace aavs::ipvsadm
