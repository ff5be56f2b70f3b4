#include "lib/attr_codec.h"

#include <arpa/inet.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "lib/netlink.h"

namespace aavs::ipvs {

namespace {

[[noreturn]] void invalid(const char* what) {
  throw std::system_error(EINVAL, std::generic_category(), what);
}

// Integers are read by their actual payload length: the kernel is liberal about widths and
// ipvsadm 1.31 reads some 64-bit counters through 32-bit accessors (see the listing quirks).
std::uint64_t get_uint(const nlattr* attr) {
  const int len = nla_len(attr);
  if (len >= 8) {
    return nla_get_u64(const_cast<nlattr*>(attr));
  }
  if (len >= 4) {
    return nla_get_u32(const_cast<nlattr*>(attr));
  }
  if (len >= 2) {
    return nla_get_u16(const_cast<nlattr*>(attr));
  }
  if (len >= 1) {
    return nla_get_u8(const_cast<nlattr*>(attr));
  }
  invalid("short integer attribute");
}

std::uint16_t get_be16(const nlattr* attr) {
  if (nla_len(attr) < 2) {
    invalid("short port attribute");
  }
  return ntohs(nla_get_u16(const_cast<nlattr*>(attr)));
}

std::string get_string(const nlattr* attr) {
  const auto* data = static_cast<const char*>(nla_data(attr));
  const auto len = static_cast<std::size_t>(nla_len(attr));
  return {data, strnlen(data, len)};
}

Address get_address(const nlattr* attr, std::uint16_t family) {
  const int len = nla_len(attr);
  if (len > 16) {
    invalid("address attribute too long");
  }
  Address addr;
  addr.family = family;
  std::memcpy(addr.bytes.data(), nla_data(attr), static_cast<std::size_t>(len));
  return addr;
}

template <std::size_t N>
std::array<nlattr*, N> parse_nested(nlattr* nest, int maxtype) {
  std::array<nlattr*, N> tb{};
  if (nest == nullptr || nla_parse_nested(tb.data(), maxtype, nest, nullptr) < 0) {
    invalid("nested attribute");
  }
  return tb;
}

void put_u8(nl_msg* msg, int type, std::uint8_t v) {
  check_put(nla_put_u8(msg, type, v));
}
void put_u16(nl_msg* msg, int type, std::uint16_t v) {
  check_put(nla_put_u16(msg, type, v));
}
void put_u32(nl_msg* msg, int type, std::uint32_t v) {
  check_put(nla_put_u32(msg, type, v));
}
void put_string(nl_msg* msg, int type, const std::string& s) {
  check_put(nla_put_string(msg, type, s.c_str()));
}
void put_address(nl_msg* msg, int type, const Address& addr) {
  check_put(nla_put(msg, type, static_cast<int>(addr.bytes.size()), addr.bytes.data()));
}

}  // namespace

void put_service(nl_msg* msg, const Service& svc, ServiceNest kind) {
  NestGuard nest(msg, IPVS_CMD_ATTR_SERVICE);
  put_u16(msg, IPVS_SVC_ATTR_AF, svc.af);
  if (svc.fwmark != 0) {
    put_u32(msg, IPVS_SVC_ATTR_FWMARK, svc.fwmark);
  } else {
    put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, svc.protocol);
    put_address(msg, IPVS_SVC_ATTR_ADDR, svc.addr);
    put_u16(msg, IPVS_SVC_ATTR_PORT, htons(svc.port));
  }
  if (kind == ServiceNest::kFull) {
    put_string(msg, IPVS_SVC_ATTR_SCHED_NAME, svc.scheduler);
    if (!svc.pe_name.empty()) {
      put_string(msg, IPVS_SVC_ATTR_PE_NAME, svc.pe_name);
    }
    const ip_vs_flags flags{svc.flags, 0xffffffffU};
    check_put(nla_put(msg, IPVS_SVC_ATTR_FLAGS, sizeof flags, &flags));
    put_u32(msg, IPVS_SVC_ATTR_TIMEOUT, svc.timeout);
    put_u32(msg, IPVS_SVC_ATTR_NETMASK, svc.netmask);
  }
  nest.close();
}

void put_destination(nl_msg* msg, const Destination& dest) {
  NestGuard nest(msg, IPVS_CMD_ATTR_DEST);
  put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, dest.af);
  put_address(msg, IPVS_DEST_ATTR_ADDR, dest.addr);
  put_u16(msg, IPVS_DEST_ATTR_PORT, htons(dest.port));
  put_u32(msg, IPVS_DEST_ATTR_FWD_METHOD, dest.fwd_method & IP_VS_CONN_F_FWD_MASK);
  put_u32(msg, IPVS_DEST_ATTR_WEIGHT, static_cast<std::uint32_t>(dest.weight));
  put_u8(msg, IPVS_DEST_ATTR_TUN_TYPE, dest.tun_type);
  put_u16(msg, IPVS_DEST_ATTR_TUN_PORT, htons(dest.tun_port));
  put_u16(msg, IPVS_DEST_ATTR_TUN_FLAGS, dest.tun_flags);
  put_u32(msg, IPVS_DEST_ATTR_U_THRESH, dest.u_threshold);
  put_u32(msg, IPVS_DEST_ATTR_L_THRESH, dest.l_threshold);
  nest.close();
}

void put_daemon(nl_msg* msg, const Daemon& daemon, bool with_options) {
  NestGuard nest(msg, IPVS_CMD_ATTR_DAEMON);
  put_u32(msg, IPVS_DAEMON_ATTR_STATE, daemon.state);
  put_string(msg, IPVS_DAEMON_ATTR_MCAST_IFN, daemon.mcast_ifn);
  put_u32(msg, IPVS_DAEMON_ATTR_SYNC_ID, daemon.syncid);
  if (with_options) {
    if (daemon.sync_maxlen != 0) {
      put_u16(msg, IPVS_DAEMON_ATTR_SYNC_MAXLEN, daemon.sync_maxlen);
    }
    if (daemon.mcast_port != 0) {
      put_u16(msg, IPVS_DAEMON_ATTR_MCAST_PORT, daemon.mcast_port);
    }
    if (daemon.mcast_ttl != 0) {
      put_u8(msg, IPVS_DAEMON_ATTR_MCAST_TTL, daemon.mcast_ttl);
    }
    if (daemon.mcast_group) {
      if (daemon.mcast_group->is_v6()) {
        put_address(msg, IPVS_DAEMON_ATTR_MCAST_GROUP6, *daemon.mcast_group);
      } else {
        std::uint32_t group = 0;
        std::memcpy(&group, daemon.mcast_group->bytes.data(), sizeof group);
        put_u32(msg, IPVS_DAEMON_ATTR_MCAST_GROUP, group);
      }
    }
  }
  nest.close();
}

void put_timeouts(nl_msg* msg, const Timeouts& timeouts) {
  put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP, timeouts.tcp);
  put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcp_fin);
  put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_UDP, timeouts.udp);
}

TopAttrs parse_top(nlmsghdr* hdr) {
  TopAttrs tb{};
  if (genlmsg_parse(hdr, 0, tb.data(), kMaxTopAttr, nullptr) < 0) {
    invalid("genl message");
  }
  return tb;
}

Stats decode_stats(nlattr* nest) {
  auto tb = parse_nested<IPVS_STATS_ATTR_MAX + 1>(nest, IPVS_STATS_ATTR_MAX);
  for (int i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS; ++i) {
    if (tb[i] == nullptr) {
      invalid("stats attribute missing");
    }
  }
  Stats s;
  s.conns = get_uint(tb[IPVS_STATS_ATTR_CONNS]);
  s.inpkts = get_uint(tb[IPVS_STATS_ATTR_INPKTS]);
  s.outpkts = get_uint(tb[IPVS_STATS_ATTR_OUTPKTS]);
  s.inbytes = get_uint(tb[IPVS_STATS_ATTR_INBYTES]);
  s.outbytes = get_uint(tb[IPVS_STATS_ATTR_OUTBYTES]);
  s.cps = get_uint(tb[IPVS_STATS_ATTR_CPS]);
  s.inpps = get_uint(tb[IPVS_STATS_ATTR_INPPS]);
  s.outpps = get_uint(tb[IPVS_STATS_ATTR_OUTPPS]);
  s.inbps = get_uint(tb[IPVS_STATS_ATTR_INBPS]);
  s.outbps = get_uint(tb[IPVS_STATS_ATTR_OUTBPS]);
  return s;
}

Service decode_service(nlattr* nest) {
  auto tb = parse_nested<IPVS_SVC_ATTR_MAX + 1>(nest, IPVS_SVC_ATTR_MAX);
  const bool has_identity =
      tb[IPVS_SVC_ATTR_FWMARK] != nullptr ||
      (tb[IPVS_SVC_ATTR_PROTOCOL] != nullptr && tb[IPVS_SVC_ATTR_ADDR] != nullptr &&
       tb[IPVS_SVC_ATTR_PORT] != nullptr);
  if (tb[IPVS_SVC_ATTR_AF] == nullptr || !has_identity || tb[IPVS_SVC_ATTR_SCHED_NAME] == nullptr ||
      tb[IPVS_SVC_ATTR_NETMASK] == nullptr || tb[IPVS_SVC_ATTR_TIMEOUT] == nullptr ||
      tb[IPVS_SVC_ATTR_FLAGS] == nullptr ||
      nla_len(tb[IPVS_SVC_ATTR_FLAGS]) != sizeof(ip_vs_flags)) {
    invalid("service attributes");
  }
  Service svc;
  svc.af = static_cast<std::uint16_t>(get_uint(tb[IPVS_SVC_ATTR_AF]));
  if (tb[IPVS_SVC_ATTR_FWMARK] != nullptr) {
    svc.fwmark = static_cast<std::uint32_t>(get_uint(tb[IPVS_SVC_ATTR_FWMARK]));
  }
  if (tb[IPVS_SVC_ATTR_PROTOCOL] != nullptr) {
    svc.protocol = static_cast<std::uint16_t>(get_uint(tb[IPVS_SVC_ATTR_PROTOCOL]));
  }
  svc.addr.family = svc.af;
  if (tb[IPVS_SVC_ATTR_ADDR] != nullptr) {
    svc.addr = get_address(tb[IPVS_SVC_ATTR_ADDR], svc.af);
  }
  if (tb[IPVS_SVC_ATTR_PORT] != nullptr) {
    svc.port = get_be16(tb[IPVS_SVC_ATTR_PORT]);
  }
  svc.scheduler = get_string(tb[IPVS_SVC_ATTR_SCHED_NAME]);
  if (tb[IPVS_SVC_ATTR_PE_NAME] != nullptr) {
    svc.pe_name = get_string(tb[IPVS_SVC_ATTR_PE_NAME]);
  }
  ip_vs_flags flags{};
  std::memcpy(&flags, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof flags);
  svc.flags = flags.flags & flags.mask;
  svc.timeout = static_cast<std::uint32_t>(get_uint(tb[IPVS_SVC_ATTR_TIMEOUT]));
  svc.netmask = static_cast<std::uint32_t>(get_uint(tb[IPVS_SVC_ATTR_NETMASK]));
  if (tb[IPVS_SVC_ATTR_STATS] != nullptr) {
    svc.stats = decode_stats(tb[IPVS_SVC_ATTR_STATS]);
  }
  if (tb[IPVS_SVC_ATTR_STATS64] != nullptr) {
    svc.stats64 = decode_stats(tb[IPVS_SVC_ATTR_STATS64]);
  }
  return svc;
}

Destination decode_destination(nlattr* nest, std::uint16_t service_af) {
  auto tb = parse_nested<IPVS_DEST_ATTR_MAX + 1>(nest, IPVS_DEST_ATTR_MAX);
  for (int required :
       {IPVS_DEST_ATTR_ADDR, IPVS_DEST_ATTR_PORT, IPVS_DEST_ATTR_FWD_METHOD, IPVS_DEST_ATTR_WEIGHT,
        IPVS_DEST_ATTR_U_THRESH, IPVS_DEST_ATTR_L_THRESH, IPVS_DEST_ATTR_ACTIVE_CONNS,
        IPVS_DEST_ATTR_INACT_CONNS, IPVS_DEST_ATTR_PERSIST_CONNS}) {
    if (tb[required] == nullptr) {
      invalid("destination attributes");
    }
  }
  Destination dest;
  dest.af = service_af;
  if (tb[IPVS_DEST_ATTR_ADDR_FAMILY] != nullptr) {
    dest.af = static_cast<std::uint16_t>(get_uint(tb[IPVS_DEST_ATTR_ADDR_FAMILY]));
  }
  dest.addr = get_address(tb[IPVS_DEST_ATTR_ADDR], dest.af);
  dest.port = get_be16(tb[IPVS_DEST_ATTR_PORT]);
  dest.fwd_method =
      static_cast<std::uint32_t>(get_uint(tb[IPVS_DEST_ATTR_FWD_METHOD])) & IP_VS_CONN_F_FWD_MASK;
  dest.weight = static_cast<std::int32_t>(get_uint(tb[IPVS_DEST_ATTR_WEIGHT]));
  dest.u_threshold = static_cast<std::uint32_t>(get_uint(tb[IPVS_DEST_ATTR_U_THRESH]));
  dest.l_threshold = static_cast<std::uint32_t>(get_uint(tb[IPVS_DEST_ATTR_L_THRESH]));
  dest.active_conns = static_cast<std::uint32_t>(get_uint(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]));
  dest.inact_conns = static_cast<std::uint32_t>(get_uint(tb[IPVS_DEST_ATTR_INACT_CONNS]));
  dest.persist_conns = static_cast<std::uint32_t>(get_uint(tb[IPVS_DEST_ATTR_PERSIST_CONNS]));
  if (tb[IPVS_DEST_ATTR_TUN_TYPE] != nullptr) {
    dest.tun_type = static_cast<std::uint8_t>(get_uint(tb[IPVS_DEST_ATTR_TUN_TYPE]));
  }
  if (tb[IPVS_DEST_ATTR_TUN_PORT] != nullptr) {
    dest.tun_port = get_be16(tb[IPVS_DEST_ATTR_TUN_PORT]);
  }
  if (tb[IPVS_DEST_ATTR_TUN_FLAGS] != nullptr) {
    dest.tun_flags = static_cast<std::uint16_t>(get_uint(tb[IPVS_DEST_ATTR_TUN_FLAGS]));
  }
  if (tb[IPVS_DEST_ATTR_STATS] != nullptr) {
    dest.stats = decode_stats(tb[IPVS_DEST_ATTR_STATS]);
  }
  if (tb[IPVS_DEST_ATTR_STATS64] != nullptr) {
    dest.stats64 = decode_stats(tb[IPVS_DEST_ATTR_STATS64]);
  }
  return dest;
}

Daemon decode_daemon(nlattr* nest) {
  auto tb = parse_nested<IPVS_DAEMON_ATTR_MAX + 1>(nest, IPVS_DAEMON_ATTR_MAX);
  if (tb[IPVS_DAEMON_ATTR_STATE] == nullptr || tb[IPVS_DAEMON_ATTR_MCAST_IFN] == nullptr ||
      tb[IPVS_DAEMON_ATTR_SYNC_ID] == nullptr) {
    invalid("daemon attributes");
  }
  Daemon d;
  d.state = static_cast<std::uint32_t>(get_uint(tb[IPVS_DAEMON_ATTR_STATE]));
  d.mcast_ifn = get_string(tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
  d.syncid = static_cast<std::uint32_t>(get_uint(tb[IPVS_DAEMON_ATTR_SYNC_ID]));
  if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN] != nullptr) {
    d.sync_maxlen = static_cast<std::uint16_t>(get_uint(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]));
  }
  if (tb[IPVS_DAEMON_ATTR_MCAST_PORT] != nullptr) {
    d.mcast_port = static_cast<std::uint16_t>(get_uint(tb[IPVS_DAEMON_ATTR_MCAST_PORT]));
  }
  if (tb[IPVS_DAEMON_ATTR_MCAST_TTL] != nullptr) {
    d.mcast_ttl = static_cast<std::uint8_t>(get_uint(tb[IPVS_DAEMON_ATTR_MCAST_TTL]));
  }
  if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6] != nullptr) {
    d.mcast_group = get_address(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6], AF_INET6);
  } else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP] != nullptr) {
    d.mcast_group = get_address(tb[IPVS_DAEMON_ATTR_MCAST_GROUP], AF_INET);
  }
  return d;
}

Info decode_info(const TopAttrs& attrs) {
  if (attrs[IPVS_INFO_ATTR_VERSION] == nullptr || attrs[IPVS_INFO_ATTR_CONN_TAB_SIZE] == nullptr) {
    invalid("info attributes");
  }
  Info info;
  info.version = static_cast<std::uint32_t>(get_uint(attrs[IPVS_INFO_ATTR_VERSION]));
  info.conn_tab_size = static_cast<std::uint32_t>(get_uint(attrs[IPVS_INFO_ATTR_CONN_TAB_SIZE]));
  return info;
}

Timeouts decode_timeouts(const TopAttrs& attrs) {
  Timeouts t;
  if (attrs[IPVS_CMD_ATTR_TIMEOUT_TCP] != nullptr) {
    t.tcp = static_cast<std::uint32_t>(get_uint(attrs[IPVS_CMD_ATTR_TIMEOUT_TCP]));
  }
  if (attrs[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] != nullptr) {
    t.tcp_fin = static_cast<std::uint32_t>(get_uint(attrs[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]));
  }
  if (attrs[IPVS_CMD_ATTR_TIMEOUT_UDP] != nullptr) {
    t.udp = static_cast<std::uint32_t>(get_uint(attrs[IPVS_CMD_ATTR_TIMEOUT_UDP]));
  }
  return t;
}

}  // namespace aavs::ipvs
