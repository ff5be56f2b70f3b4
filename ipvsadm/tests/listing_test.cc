// Listing text against lines of the 1.31 transcripts (numeric mode: no resolver involved).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ip_vs.h>

#include "src/listing.h"

namespace aavs::ipvsadm {
namespace {

ipvs::Service tcp(const char* addr, std::uint16_t port, const char* sched) {
  ipvs::Service s;
  s.protocol = IPPROTO_TCP;
  s.af = AF_INET;
  s.addr = *ipvs::Address::parse(AF_INET, addr);
  s.port = port;
  s.scheduler = sched;
  return s;
}

ipvs::Destination dest(int af, const char* addr, std::uint16_t port, std::uint32_t fwd,
                       std::int32_t weight) {
  ipvs::Destination d;
  d.af = static_cast<std::uint16_t>(af);
  d.addr = *ipvs::Address::parse(af, addr);
  d.port = port;
  d.fwd_method = fwd;
  d.weight = weight;
  return d;
}

constexpr ListStyle kNumeric{ListFormat::kDefault, true, false};

TEST(Listing, HeaderAndTitles) {
  EXPECT_EQ(header_text({0x010201, 4096}), "IP Virtual Server version 1.2.1 (size=4096)\n");
  EXPECT_EQ(title_text(ListFormat::kThresholds),
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
            "  -> RemoteAddress:Port\n");
  EXPECT_EQ(title_text(ListFormat::kStats),
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
            "  -> RemoteAddress:Port\n");
}

TEST(Listing, DefaultServiceAndDests) {
  auto s = tcp("10.0.0.1", 80, "sh");
  s.flags = 0x18;
  auto d1 = dest(AF_INET, "192.168.1.2", 80, IP_VS_CONN_F_DROUTE, 100000);
  d1.active_conns = 3;
  d1.inact_conns = 7;
  EXPECT_EQ(service_text(s, {d1}, kNumeric),
            "TCP  10.0.0.1:80 sh (sh-fallback,sh-port)\n"
            "  -> 192.168.1.2:80               Route   100000 3          7         \n");
}

TEST(Listing, PersistenceMaskPeOps) {
  auto s = tcp("10.0.0.2", 443, "rr");
  s.flags = IP_VS_SVC_F_PERSISTENT;
  s.timeout = 600;
  s.netmask = htonl(0xffffff00U);
  EXPECT_EQ(service_text(s, {}, kNumeric),
            "TCP  10.0.0.2:443 rr persistent 600 mask 255.255.255.0\n");
  auto u = tcp("10.1.1.4", 80, "rr");
  u.protocol = IPPROTO_UDP;
  u.flags = 0x38 | IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET;
  u.timeout = 20;
  u.netmask = htonl(0xff000000U);
  EXPECT_EQ(service_text(u, {}, kNumeric),
            "UDP  10.1.1.4:80 rr (flag-1,flag-2,flag-3) persistent 20 mask 255.0.0.0 ops\n");
  EXPECT_EQ(save_text(u, {}, true),
            "-A -u 10.1.1.4:80 -s rr -p 20 -M 255.0.0.0 -o -b flag-1,flag-2,flag-3\n");
}

TEST(Listing, FwmarkSignedAndIpv6) {
  ipvs::Service f;
  f.fwmark = 4294967295U;
  f.scheduler = "rr";
  EXPECT_EQ(service_text(f, {}, kNumeric), "FWM  -1 rr\n");
  f.af = AF_INET6;
  f.fwmark = 200;
  f.netmask = 128;
  f.scheduler = "mh";
  f.flags = 0x10;
  auto d = dest(AF_INET6, "2001:db8::10", 0, IP_VS_CONN_F_TUNNEL, 1);
  EXPECT_EQ(save_text(f, {d}, true),
            "-A -f 200 -6 -s mh -b mh-port\n"
            "-a -f 200 -6 -r [2001:db8::10]:0 -i -w 1 --tun-type ipip\n");
}

TEST(Listing, TunnelInfo) {
  ipvs::Service f;
  f.fwmark = 100;
  f.scheduler = "lc";
  auto gue = dest(AF_INET, "192.168.1.40", 0, IP_VS_CONN_F_TUNNEL, 1);
  gue.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
  gue.tun_port = 6080;
  gue.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
  ListStyle style = kNumeric;
  style.format = ListFormat::kTunInfo;
  EXPECT_EQ(
      service_text(f, {gue}, style),
      "FWM  100 lc\n"
      "  -> 192.168.1.40:0               Tunnel  gue:6080:+c   1      0          0         \n");
  EXPECT_EQ(save_text(f, {gue}, true),
            "-A -f 100 -s lc\n"
            "-a -f 100 -r 192.168.1.40:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n");
}

TEST(Listing, LargeNumbers) {
  EXPECT_EQ(largenum(12345, false), "    12345");
  EXPECT_EQ(largenum(123456789012ULL, false), "     123G");
  EXPECT_EQ(largenum(98765432109ULL, false), "   98765M");
  EXPECT_EQ(largenum(100000000ULL, false), "  100000K");
  EXPECT_EQ(largenum(100000000000000ULL, false), "     100T");
  EXPECT_EQ(largenum(123456789012ULL, true), " 123456789012");
  EXPECT_EQ(largenum(5, true), "        5");
}

TEST(Listing, DestCountersAre32BitLike131) {
  auto s = tcp("10.0.0.1", 80, "sh");
  auto d = dest(AF_INET, "192.168.1.10", 80, IP_VS_CONN_F_DROUTE, 3);
  d.stats64 = ipvs::Stats{4294967396ULL, 5000000000ULL, 3, 4, 5, 0, 0, 0, 0, 0};
  ListStyle style = kNumeric;
  style.format = ListFormat::kStats;
  EXPECT_EQ(service_text(s, {d}, style),
            "TCP  10.0.0.1:80                         0        0        0        0        0\n"
            "  -> 192.168.1.10:80                   100  705032K        3        4        5\n");
}

TEST(Listing, SortLike131) {
  auto udp = tcp("10.0.0.1", 53, "rr");
  udp.protocol = IPPROTO_UDP;
  auto v6 = tcp("10.0.0.1", 80, "rr");
  v6.af = AF_INET6;
  v6.addr = *ipvs::Address::parse(AF_INET6, "2001:db8::1");
  ipvs::Service mark;
  mark.fwmark = 100;
  std::vector<ipvs::Service> v = {mark,
                                  v6,
                                  udp,
                                  tcp("10.0.0.2", 80, "rr"),
                                  tcp("10.0.0.1", 443, "rr"),
                                  tcp("10.0.0.1", 80, "rr")};
  sort_services(v);
  // IPv4 by protocol, address, port; then IPv6; fwmark services last.
  EXPECT_EQ(v[0].port, 80);
  EXPECT_EQ(v[1].port, 443);
  EXPECT_EQ(v[2].addr.to_string(), "10.0.0.2");
  EXPECT_EQ(v[3].protocol, IPPROTO_UDP);
  EXPECT_EQ(v[4].af, AF_INET6);
  EXPECT_EQ(v[5].fwmark, 100U);

  std::vector<ipvs::Destination> d = {dest(AF_INET, "192.168.1.10", 80, 3, 1),
                                      dest(AF_INET, "192.168.1.2", 80, 3, 1),
                                      dest(AF_INET, "192.168.1.2", 79, 3, 1)};
  sort_destinations(d);
  EXPECT_EQ(d[0].port, 79);
  EXPECT_EQ(d[2].addr.to_string(), "192.168.1.10");
}

TEST(Listing, TimeoutsAndDaemons) {
  EXPECT_EQ(timeouts_text({900, 120, 300}), "Timeout (tcp tcpfin udp): 900 120 300\n");
  ipvs::Daemon d;
  d.state = IP_VS_STATE_MASTER;
  d.mcast_ifn = "lo";
  d.sync_maxlen = 1472;
  d.mcast_group = ipvs::Address::parse(AF_INET, "224.0.0.81");
  d.mcast_port = 8848;
  d.mcast_ttl = 1;
  EXPECT_EQ(daemons_text({d}),
            "master sync daemon (mcast=lo, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, "
            "ttl=1)\n");
}

}  // namespace
}  // namespace aavs::ipvsadm
