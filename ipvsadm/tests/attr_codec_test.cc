// Attribute encoding and decoding without a kernel: build a message, read it back byte by byte.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <cstring>

#include "lib/attr_codec.h"
#include "lib/netlink.h"

namespace aavs::ipvs {
namespace {

MessagePtr message(int cmd) {
  MessagePtr msg = make_message();
  genlmsg_put(msg.get(), 0, 0, 0x20, 0, 0, static_cast<std::uint8_t>(cmd), kGenlVersion);
  return msg;
}

nlattr* nested(nl_msg* msg, int type) {
  return parse_top(nlmsg_hdr(msg))[type];
}

TEST(AttrCodec, ServiceWireFormat) {
  Service s;
  s.af = AF_INET;
  s.protocol = IPPROTO_TCP;
  s.addr = *Address::parse(AF_INET, "10.0.0.1");
  s.port = 80;
  s.scheduler = "sh";
  s.flags = 0x19;
  s.timeout = 360;
  s.netmask = htonl(0xffffff00U);
  auto msg = message(IPVS_CMD_NEW_SERVICE);
  put_service(msg.get(), s, ServiceNest::kFull);

  nlattr* tb[IPVS_SVC_ATTR_MAX + 1] = {};
  ASSERT_EQ(
      nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, nested(msg.get(), IPVS_CMD_ATTR_SERVICE), nullptr),
      0);
  ASSERT_NE(tb[IPVS_SVC_ATTR_PORT], nullptr);
  const auto* port = static_cast<const std::uint8_t*>(nla_data(tb[IPVS_SVC_ATTR_PORT]));
  EXPECT_EQ(port[0], 0x00);  // network order
  EXPECT_EQ(port[1], 0x50);
  EXPECT_EQ(nla_len(tb[IPVS_SVC_ATTR_ADDR]), 16);
  EXPECT_EQ(nla_len(tb[IPVS_SVC_ATTR_FLAGS]), 8);
  ip_vs_flags flags{};
  std::memcpy(&flags, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof flags);
  EXPECT_EQ(flags.flags, 0x19U);
  EXPECT_EQ(flags.mask, 0xffffffffU);
  const auto* mask = static_cast<const std::uint8_t*>(nla_data(tb[IPVS_SVC_ATTR_NETMASK]));
  EXPECT_EQ(mask[0], 0xff);
  EXPECT_EQ(mask[3], 0x00);
  EXPECT_STREQ(static_cast<const char*>(nla_data(tb[IPVS_SVC_ATTR_SCHED_NAME])), "sh");

  // And back: the decoder accepts what the encoder wrote (a reply has the same shape).
  Service back = decode_service(nested(msg.get(), IPVS_CMD_ATTR_SERVICE));
  EXPECT_EQ(back.addr.to_string(), "10.0.0.1");
  EXPECT_EQ(back.port, 80);
  EXPECT_EQ(back.flags, 0x19U);
  EXPECT_EQ(back.netmask, s.netmask);
  EXPECT_EQ(back.scheduler, "sh");
}

TEST(AttrCodec, FwmarkServiceHasNoAddress) {
  Service s;
  s.fwmark = 7;
  s.af = AF_INET6;
  s.scheduler = "mh";
  s.netmask = 128;
  auto msg = message(IPVS_CMD_NEW_SERVICE);
  put_service(msg.get(), s, ServiceNest::kFull);
  nlattr* tb[IPVS_SVC_ATTR_MAX + 1] = {};
  ASSERT_EQ(
      nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, nested(msg.get(), IPVS_CMD_ATTR_SERVICE), nullptr),
      0);
  EXPECT_EQ(tb[IPVS_SVC_ATTR_ADDR], nullptr);
  EXPECT_EQ(nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]), 7U);
  EXPECT_EQ(nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]), 128U);  // prefix, host order
}

TEST(AttrCodec, DestinationRoundTrip) {
  Destination d;
  d.af = AF_INET6;
  d.addr = *Address::parse(AF_INET6, "2001:db8::10");
  d.port = 8080;
  d.fwd_method = IP_VS_CONN_F_TUNNEL;
  d.weight = 4;
  d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
  d.tun_port = 6080;
  d.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
  d.u_threshold = 100;
  d.l_threshold = 10;
  auto msg = message(IPVS_CMD_NEW_DEST);
  put_destination(msg.get(), d);
  // A reply also carries the counters the decoder insists on.
  nlattr* nest = nested(msg.get(), IPVS_CMD_ATTR_DEST);
  nlattr* tb[IPVS_DEST_ATTR_MAX + 1] = {};
  ASSERT_EQ(nla_parse_nested(tb, IPVS_DEST_ATTR_MAX, nest, nullptr), 0);
  EXPECT_EQ(nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]), IP_VS_CONN_F_TUNNEL_TYPE_GUE);
  EXPECT_EQ(ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT])), 6080);
  EXPECT_THROW(decode_destination(nest, AF_INET), std::system_error);  // no ACTIVE_CONNS

  auto reply = message(IPVS_CMD_NEW_DEST);
  {
    NestGuard guard(reply.get(), IPVS_CMD_ATTR_DEST);
    nla_put(reply.get(), IPVS_DEST_ATTR_ADDR, 16, d.addr.bytes.data());
    nla_put_u16(reply.get(), IPVS_DEST_ATTR_PORT, htons(8080));
    nla_put_u32(reply.get(), IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_TUNNEL);
    nla_put_u32(reply.get(), IPVS_DEST_ATTR_WEIGHT, 4);
    for (int a : {IPVS_DEST_ATTR_U_THRESH, IPVS_DEST_ATTR_L_THRESH, IPVS_DEST_ATTR_ACTIVE_CONNS,
                  IPVS_DEST_ATTR_INACT_CONNS, IPVS_DEST_ATTR_PERSIST_CONNS}) {
      nla_put_u32(reply.get(), a, 9);
    }
    nla_put_u16(reply.get(), IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET6);
    guard.close();
  }
  Destination back = decode_destination(nested(reply.get(), IPVS_CMD_ATTR_DEST), AF_INET);
  EXPECT_EQ(back.af, AF_INET6);
  EXPECT_EQ(back.addr.to_string(), "2001:db8::10");
  EXPECT_EQ(back.port, 8080);
  EXPECT_EQ(back.weight, 4);
  EXPECT_EQ(back.active_conns, 9U);
  EXPECT_FALSE(back.stats64);
}

TEST(AttrCodec, StatsNeedAllTenCounters) {
  auto msg = message(IPVS_CMD_NEW_SERVICE);
  {
    NestGuard guard(msg.get(), IPVS_CMD_ATTR_SERVICE);
    for (int a = IPVS_STATS_ATTR_CONNS; a <= IPVS_STATS_ATTR_OUTBPS; ++a) {
      nla_put_u64(msg.get(), a, static_cast<std::uint64_t>(a) << 32 | 5);
    }
    guard.close();
  }
  Stats s = decode_stats(nested(msg.get(), IPVS_CMD_ATTR_SERVICE));
  EXPECT_EQ(s.conns, (1ULL << 32) | 5);
  EXPECT_EQ(s.outbps, (10ULL << 32) | 5);

  auto partial = message(IPVS_CMD_NEW_SERVICE);
  {
    NestGuard guard(partial.get(), IPVS_CMD_ATTR_SERVICE);
    nla_put_u32(partial.get(), IPVS_STATS_ATTR_CONNS, 1);
    guard.close();
  }
  EXPECT_THROW(decode_stats(nested(partial.get(), IPVS_CMD_ATTR_SERVICE)), std::system_error);
}

TEST(AttrCodec, InfoAndTimeouts) {
  auto msg = message(IPVS_CMD_SET_INFO);
  nla_put_u32(msg.get(), IPVS_INFO_ATTR_VERSION, 0x010201);
  nla_put_u32(msg.get(), IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096);
  EXPECT_EQ(decode_info(parse_top(nlmsg_hdr(msg.get()))), (Info{0x010201, 4096}));
  auto t = message(IPVS_CMD_SET_CONFIG);
  put_timeouts(t.get(), {900, 120, 300});
  EXPECT_EQ(decode_timeouts(parse_top(nlmsg_hdr(t.get()))), (Timeouts{900, 120, 300}));
}

TEST(AttrCodec, DaemonOptionalFieldsOnlyWhenSet) {
  Daemon d;
  d.state = IP_VS_STATE_BACKUP;
  d.mcast_ifn = "lo";
  d.mcast_group = Address::parse(AF_INET6, "ff02::1234");
  auto msg = message(IPVS_CMD_NEW_DAEMON);
  put_daemon(msg.get(), d, true);
  nlattr* tb[IPVS_DAEMON_ATTR_MAX + 1] = {};
  ASSERT_EQ(
      nla_parse_nested(tb, IPVS_DAEMON_ATTR_MAX, nested(msg.get(), IPVS_CMD_ATTR_DAEMON), nullptr),
      0);
  EXPECT_EQ(tb[IPVS_DAEMON_ATTR_MCAST_PORT], nullptr);
  EXPECT_EQ(tb[IPVS_DAEMON_ATTR_MCAST_GROUP], nullptr);
  ASSERT_NE(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6], nullptr);
  Daemon back = decode_daemon(nested(msg.get(), IPVS_CMD_ATTR_DAEMON));
  EXPECT_EQ(back.mcast_ifn, "lo");
  EXPECT_EQ(back.mcast_group->to_string(), "ff02::1234");
}

}  // namespace
}  // namespace aavs::ipvs
