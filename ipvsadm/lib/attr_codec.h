// Encoding and decoding of IPVS generic-netlink attributes, independent of any socket so it can
// be exercised by building a message and parsing it back.
#pragma once

#include <linux/ip_vs.h>
#include <netlink/msg.h>

#include <array>
#include <cstdint>

#include "lib/types.h"

namespace aavs::ipvs {

inline constexpr int kGenlVersion = IPVS_GENL_VERSION;
inline constexpr const char* kFamilyName = IPVS_GENL_NAME;

enum class ServiceNest {
  kFull,      // every field the kernel needs to create or edit a service
  kIdentity,  // only what identifies it: AF plus FWMARK or PROTOCOL/ADDR/PORT
};

// Writers append one IPVS_CMD_ATTR_* attribute (or the three timeouts) to msg.
void put_service(nl_msg* msg, const Service& svc, ServiceNest kind);
void put_destination(nl_msg* msg, const Destination& dest);
void put_daemon(nl_msg* msg, const Daemon& daemon, bool with_options);
void put_timeouts(nl_msg* msg, const Timeouts& timeouts);

// Top-level attributes of a generic-netlink IPVS message (cmd and info attributes share ids).
inline constexpr int kMaxTopAttr =
    IPVS_CMD_ATTR_MAX > IPVS_INFO_ATTR_MAX ? IPVS_CMD_ATTR_MAX : IPVS_INFO_ATTR_MAX;
using TopAttrs = std::array<nlattr*, kMaxTopAttr + 1>;

// Readers throw std::system_error(EINVAL) when a mandatory attribute is missing or malformed,
// which is how ipvsadm 1.31 reports a reply it cannot use.
TopAttrs parse_top(nlmsghdr* hdr);
Service decode_service(nlattr* nest);
Destination decode_destination(nlattr* nest, std::uint16_t service_af);
Daemon decode_daemon(nlattr* nest);
Info decode_info(const TopAttrs& attrs);
Timeouts decode_timeouts(const TopAttrs& attrs);
Stats decode_stats(nlattr* nest);

}  // namespace aavs::ipvs
