// --digest and --prometheus: /proc/net/aavs_services lines, the digest computed for stock ip_vs
// (golden vectors computed independently of the kernel code), and the output texts.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ip_vs.h>

#include <filesystem>
#include <sstream>

#include "src/app.h"
#include "src/cli_parser.h"
#include "src/table_digest.h"
#include "tests/fake_ipvs.h"

namespace aavs::ipvsadm {
namespace {

constexpr std::uint32_t kFallback = IP_VS_SVC_F_SCHED1;
constexpr std::uint32_t kPort = IP_VS_SVC_F_SCHED2;
constexpr std::uint32_t kStable = IP_VS_SVC_F_SCHED3;

constexpr const char* kHeader =
    "Prot Service Scheduler Flags table= sloppy= confirmed= expired= fallback= kept= nodest= "
    "conn_max=\n";

ipvs::Service service(std::uint16_t protocol, int af, const char* addr, std::uint16_t port,
                      const char* sched, std::uint32_t flags = 0) {
  ipvs::Service s;
  s.protocol = protocol;
  s.af = static_cast<std::uint16_t>(af);
  s.addr = *ipvs::Address::parse(af, addr);
  s.port = port;
  s.scheduler = sched;
  s.flags = flags;
  return s;
}

ipvs::Service fwmark(std::uint32_t mark, int af, const char* sched, std::uint32_t flags = 0) {
  ipvs::Service s;
  s.fwmark = mark;
  s.af = static_cast<std::uint16_t>(af);
  s.addr.family = static_cast<std::uint16_t>(af);
  s.scheduler = sched;
  s.flags = flags;
  return s;
}

ipvs::Destination server(const char* addr, std::uint16_t port, std::int32_t weight) {
  ipvs::Destination d;
  const int af = std::string(addr).find(':') != std::string::npos ? AF_INET6 : AF_INET;
  d.af = static_cast<std::uint16_t>(af);
  d.addr = *ipvs::Address::parse(af, addr);
  d.port = port;
  d.weight = weight;
  return d;
}

std::string stock_digest(const ipvs::Service& svc, const std::vector<ipvs::Destination>& dests) {
  auto d = computed_digest(svc, dests, TableModel::kStock);
  return d ? digest_hex(*d) : "unknown";
}

// --- /proc/net/aavs_services ---

TEST(AavsServices, ParsesEveryServiceForm) {
  auto tcp = parse_aavs_service_line(
      "TCP 203.0.113.10:80 sh sh-fallback,sh-port table=0123456789abcdef sloppy=1 confirmed=2 "
      "expired=3 fallback=4 kept=5 nodest=6 conn_max=7");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->service, "TCP 203.0.113.10:80");
  EXPECT_EQ(tcp->protocol, IPPROTO_TCP);
  EXPECT_EQ(tcp->af, AF_INET);
  EXPECT_EQ(tcp->addr, *ipvs::Address::parse(AF_INET, "203.0.113.10"));
  EXPECT_EQ(tcp->port, 80);
  EXPECT_EQ(tcp->fwmark, 0U);
  EXPECT_EQ(tcp->scheduler, "sh");
  EXPECT_EQ(tcp->flags, "sh-fallback,sh-port");
  EXPECT_EQ(tcp->table, "0123456789abcdef");
  EXPECT_EQ(tcp->counters, (std::array<std::uint64_t, 7>{1, 2, 3, 4, 5, 6, 7}));

  auto udp6 = parse_aavs_service_line(
      "UDP [2001:db8::10]:53 rr - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=18446744073709551615");
  ASSERT_TRUE(udp6);
  EXPECT_EQ(udp6->service, "UDP [2001:db8::10]:53");
  EXPECT_EQ(udp6->protocol, IPPROTO_UDP);
  EXPECT_EQ(udp6->af, AF_INET6);
  EXPECT_EQ(udp6->addr, *ipvs::Address::parse(AF_INET6, "2001:db8::10"));
  EXPECT_EQ(udp6->port, 53);
  EXPECT_EQ(udp6->flags, "-");
  EXPECT_EQ(udp6->table, "n/a");
  EXPECT_EQ(udp6->counters[6], 18446744073709551615ULL);

  auto sctp = parse_aavs_service_line(
      "SCTP 192.0.2.1:3868 mh mh-stable table=ffffffffffffffff sloppy=0 confirmed=0 expired=0 "
      "fallback=0 kept=0 nodest=0 conn_max=0");
  ASSERT_TRUE(sctp);
  EXPECT_EQ(sctp->protocol, IPPROTO_SCTP);

  auto fwm = parse_aavs_service_line(
      "FWM 7 sh - table=1ff7811e3af7866e sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0");
  ASSERT_TRUE(fwm);
  EXPECT_EQ(fwm->service, "FWM 7");
  EXPECT_EQ(fwm->fwmark, 7U);
  EXPECT_EQ(fwm->af, AF_INET);
  EXPECT_EQ(fwm->scheduler, "sh");

  auto fwm6 = parse_aavs_service_line(
      "FWM 4294967295 IPv6 mh mh-stable table=1ff7811e3af7866e sloppy=0 confirmed=0 expired=0 "
      "fallback=0 kept=0 nodest=0 conn_max=0");
  ASSERT_TRUE(fwm6);
  EXPECT_EQ(fwm6->service, "FWM 4294967295 IPv6");
  EXPECT_EQ(fwm6->fwmark, 4294967295U);
  EXPECT_EQ(fwm6->af, AF_INET6);
  EXPECT_EQ(fwm6->scheduler, "mh");
  EXPECT_EQ(fwm6->flags, "mh-stable");

  auto other = parse_aavs_service_line(
      "IP_99 10.0.0.1:0 wlc flag-1,flag-3 table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 "
      "kept=0 nodest=0 conn_max=0 later=9");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->protocol, 99);
  EXPECT_EQ(other->flags, "flag-1,flag-3");
}

TEST(AavsServices, RefusesWhatTheKernelDoesNotWrite) {
  const char* bad[] = {
      "",
      "TCP",
      "TCP 10.0.0.1:80 sh -",  // no table, no counters
      "TCP 10.0.0.1 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 nodest=0 "
      "conn_max=0",
      "TCP 10.0.0.1:65536 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0",
      "TCP 2001:db8::1:80 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0",
      "XYZ 10.0.0.1:80 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 nodest=0 "
      "conn_max=0",
      "FWM 0 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 nodest=0 "
      "conn_max=0",
      "TCP 10.0.0.1:80 sh - table=0123 sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0",
      "TCP 10.0.0.1:80 sh - table=0123456789ABCDEF sloppy=0 confirmed=0 expired=0 fallback=0 "
      "kept=0 nodest=0 conn_max=0",
      "TCP 10.0.0.1:80 sh - table=n/a sloppy=-1 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0",
      "TCP 10.0.0.1:80 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0",
      "TCP 10.0.0.1:80 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0 stray",
  };
  for (const char* line : bad) {
    EXPECT_FALSE(parse_aavs_service_line(line)) << line;
  }
}

TEST(AavsServices, WholeFile) {
  const std::string line =
      "FWM 7 sh - table=1ff7811e3af7866e sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0\n";
  auto lines = parse_aavs_services(std::string(kHeader) + line + line);
  ASSERT_TRUE(lines);
  EXPECT_EQ(lines->size(), 2U);
  auto empty = parse_aavs_services(kHeader);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_FALSE(parse_aavs_services(""));
  EXPECT_FALSE(parse_aavs_services(line));                             // no header
  EXPECT_FALSE(parse_aavs_services(std::string(kHeader) + "junk\n"));  // a bad line
  EXPECT_FALSE(parse_aavs_services(std::string(kHeader) + line.substr(0, line.size() - 1)));
}

TEST(AavsServices, MatchesTheDumpsServices) {
  auto tcp = parse_aavs_service_line(
      "TCP 203.0.113.10:80 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0");
  ASSERT_TRUE(tcp);
  EXPECT_TRUE(same_service(*tcp, service(IPPROTO_TCP, AF_INET, "203.0.113.10", 80, "sh")));
  EXPECT_FALSE(same_service(*tcp, service(IPPROTO_UDP, AF_INET, "203.0.113.10", 80, "sh")));
  EXPECT_FALSE(same_service(*tcp, service(IPPROTO_TCP, AF_INET, "203.0.113.10", 81, "sh")));
  EXPECT_FALSE(same_service(*tcp, fwmark(80, AF_INET, "sh")));
  auto fwm6 = parse_aavs_service_line(
      "FWM 7 IPv6 sh - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 nodest=0 "
      "conn_max=0");
  ASSERT_TRUE(fwm6);
  EXPECT_TRUE(same_service(*fwm6, fwmark(7, AF_INET6, "sh")));
  EXPECT_FALSE(same_service(*fwm6, fwmark(7, AF_INET, "sh")));
}

// --- the service and flag texts, as the kernel writes them ---

TEST(DigestText, ServiceNames) {
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET, "203.0.113.10", 80, "sh")),
            "TCP 203.0.113.10:80");
  EXPECT_EQ(digest_service_text(service(IPPROTO_UDP, AF_INET6, "2001:db8::10", 53, "rr")),
            "UDP [2001:db8::10]:53");
  EXPECT_EQ(digest_service_text(service(IPPROTO_SCTP, AF_INET6, "::", 0, "rr")), "SCTP [::]:0");
  EXPECT_EQ(digest_service_text(fwmark(7, AF_INET, "sh")), "FWM 7");
  EXPECT_EQ(digest_service_text(fwmark(7, AF_INET6, "mh")), "FWM 7 IPv6");
  // %pI6c: a single zero word stays, the first of equal runs goes, v4-mapped is dotted.
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET6, "2001:db8:0:1:1:1:1:1", 1, "rr")),
            "TCP [2001:db8:0:1:1:1:1:1]:1");
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET6, "1:0:0:2:0:0:3:4", 1, "rr")),
            "TCP [1::2:0:0:3:4]:1");
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET6, "::ffff:192.0.2.1", 1, "rr")),
            "TCP [::ffff:192.0.2.1]:1");
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET6, "::192.0.2.1", 1, "rr")),
            "TCP [::c000:201]:1");
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET6, "fe80::5efe:c000:201", 1, "rr")),
            "TCP [fe80::5efe:192.0.2.1]:1");
  EXPECT_EQ(digest_service_text(service(IPPROTO_TCP, AF_INET6, "1::", 1, "rr")), "TCP [1::]:1");
}

TEST(DigestText, FlagNames) {
  EXPECT_EQ(digest_flags_text("sh", 0), "-");
  EXPECT_EQ(digest_flags_text("sh", kFallback | kPort), "sh-fallback,sh-port");
  EXPECT_EQ(digest_flags_text("mh", kStable), "mh-stable");
  EXPECT_EQ(digest_flags_text("rr", kFallback | kStable), "flag-1,flag-3");
  EXPECT_EQ(digest_flags_text("wlc", IP_VS_SVC_F_PERSISTENT), "-");
}

// --- the digest computed for stock ip_vs ---

TEST(ComputedDigest, GoldenVectors) {
  const auto svc = service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, "sh");
  EXPECT_EQ(stock_digest(svc, {}), "1ff7811e3af7866e");
  EXPECT_EQ(stock_digest(svc, {server("10.0.0.1", 80, 1)}), "d3a92252f66ff66e");
  auto flagged = svc;
  flagged.flags = kFallback | kPort;
  EXPECT_EQ(stock_digest(flagged, {server("10.0.0.1", 80, 1)}), "d3a92152f66ff4bb");
  EXPECT_EQ(stock_digest(svc, {server("10.0.0.1", 80, 0)}), "ae1991fc1ca2586e");
}

TEST(ComputedDigest, StockIgnoresFlagThree) {
  const std::vector<ipvs::Destination> dests = {server("10.0.0.2", 80, 3),
                                                server("10.0.0.1", 80, 1)};
  for (const char* sched : {"sh", "mh"}) {
    for (std::uint32_t flags : {0U, kFallback, kPort, kFallback | kPort}) {
      const auto plain = service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, sched, flags);
      auto stable = plain;
      stable.flags |= kStable;
      EXPECT_EQ(stock_digest(stable, dests), stock_digest(plain, dests)) << sched << flags;
      EXPECT_NE(stock_digest(plain, dests), "unknown");
    }
  }
  // aavs builds its own table for flag 3: a different digest.
  auto stable = service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, "sh", kStable);
  EXPECT_NE(computed_digest(stable, dests, TableModel::kAavs),
            computed_digest(stable, dests, TableModel::kStock));
}

TEST(ComputedDigest, WhatTheDumpCannotTell) {
  const auto mh = service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, "mh");
  EXPECT_EQ(stock_digest(mh, {server("10.0.0.1", 80, 1), server("10.0.0.2", 80, 0)}), "unknown");
  EXPECT_NE(stock_digest(mh, {server("10.0.0.1", 80, 1), server("10.0.0.2", 80, 1)}), "unknown");
  EXPECT_NE(stock_digest(mh, {}), "unknown");
  // aavs's flag-3 sh table reads last_weight; the plain one only the weight.
  auto sh = service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, "sh");
  const std::vector<ipvs::Destination> zero = {server("10.0.0.1", 80, 0)};
  EXPECT_TRUE(computed_digest(sh, zero, TableModel::kAavs));
  sh.flags = kStable;
  EXPECT_FALSE(computed_digest(sh, zero, TableModel::kAavs));
  EXPECT_TRUE(computed_digest(sh, zero, TableModel::kStock));
  EXPECT_FALSE(computed_digest(service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, "rr"), {},
                               TableModel::kStock));
}

TEST(ComputedDigest, DependsOnOrderWeightsAndFamily) {
  const auto sh = service(IPPROTO_TCP, AF_INET, "192.0.2.1", 80, "sh");
  const auto a = server("10.0.0.1", 80, 1);
  const auto b = server("10.0.0.2", 80, 1);
  auto b2 = b;
  b2.weight = 2;
  EXPECT_NE(stock_digest(sh, {a, b}), stock_digest(sh, {b, a}));  // list order tiles ip_vs's sh
  EXPECT_NE(stock_digest(sh, {a, b}), stock_digest(sh, {a, b2}));
  const auto sh6 = service(IPPROTO_TCP, AF_INET6, "2001:db8::1", 80, "sh");
  const auto c = server("2001:db8::10", 80, 1);
  EXPECT_NE(stock_digest(sh6, {c}), stock_digest(sh6, {}));
  // Flag-3 tables do not depend on the order.
  auto stable = sh;
  stable.flags = kStable;
  EXPECT_EQ(computed_digest(stable, {a, b}, TableModel::kAavs),
            computed_digest(stable, {b, a}, TableModel::kAavs));
}

// --- the command's output ---

struct Report {
  int status;
  std::string out;
  std::string err;
};

Report report(const std::vector<ServiceDests>& services, const std::optional<std::string>& proc,
              DigestOutput output = DigestOutput::kDigest) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = digest_report(services, proc, output, out, err);
  return {status, out.str(), err.str()};
}

std::vector<ServiceDests> cluster() {
  auto web = service(IPPROTO_TCP, AF_INET, "203.0.113.10", 80, "sh", kPort);
  auto dns = service(IPPROTO_UDP, AF_INET6, "2001:db8::10", 53, "rr");
  auto mark = fwmark(7, AF_INET6, "mh", kStable);
  return {{web, {server("10.0.0.1", 80, 1)}},
          {dns, {server("2001:db8::20", 53, 1)}},
          {mark, {server("2001:db8::30", 0, 1), server("2001:db8::31", 0, 0)}}};
}

TEST(DigestReport, StockComputesEveryTable) {
  auto r = report(cluster(), std::nullopt);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  const auto web = cluster()[0];
  EXPECT_EQ(r.out, "TCP 203.0.113.10:80 sh sh-port table=" + stock_digest(web.svc, web.dests) +
                       " source=computed\n"
                       "UDP [2001:db8::10]:53 rr - table=n/a source=computed\n"
                       "FWM 7 IPv6 mh mh-stable table=unknown source=computed\n");
}

std::string proc_line(const std::string& service, const std::string& sched,
                      const std::string& flags, const std::string& table) {
  return service + " " + sched + " " + flags + " table=" + table +
         " sloppy=1 confirmed=2 expired=3 fallback=4 kept=5 nodest=6 conn_max=7\n";
}

TEST(DigestReport, AavsShowsTheKernelsDigestAndCrossChecks) {
  const auto services = cluster();
  const std::string web =
      digest_hex(*computed_digest(services[0].svc, services[0].dests, TableModel::kAavs));
  const std::string proc = std::string(kHeader) +
                           proc_line("FWM 7 IPv6", "mh", "mh-stable", "00000000000000aa") +
                           proc_line("TCP 203.0.113.10:80", "sh", "sh-port", web) +
                           proc_line("UDP [2001:db8::10]:53", "rr", "-", "n/a");
  auto r = report(services, proc);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "TCP 203.0.113.10:80 sh sh-port table=" + web +
                       " source=kernel\n"
                       "UDP [2001:db8::10]:53 rr - table=n/a source=kernel\n"
                       "FWM 7 IPv6 mh mh-stable table=00000000000000aa source=kernel\n");

  // A table the tool can build itself and gets otherwise.
  const std::string wrong =
      std::string(kHeader) + proc_line("TCP 203.0.113.10:80", "sh", "sh-port", "0123456789abcdef");
  r = report({services[0]}, wrong);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "TCP 203.0.113.10:80 sh sh-port table=0123456789abcdef source=kernel\n");
  EXPECT_EQ(r.err,
            "aavs-ipvsadm: TCP 203.0.113.10:80: kernel table digest 0123456789abcdef, "
            "computed " +
                web + "\n");
  // --prometheus shows it and does not fail (a textfile collector's cron job).
  r = report({services[0]}, wrong, DigestOutput::kPrometheus);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");

  // A service not (yet) in the file is computed as aavs builds it.
  r = report({services[0]}, std::string(kHeader));
  EXPECT_EQ(r.out, "TCP 203.0.113.10:80 sh sh-port table=" + web + " source=computed\n");

  r = report(services, std::string("garbage\n"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "unexpected input from /proc/net/aavs_services\n");
}

TEST(DigestReport, PrometheusOnAavs) {
  auto web = service(IPPROTO_TCP, AF_INET, "203.0.113.10", 80, "sh", kPort);
  auto dns = service(IPPROTO_UDP, AF_INET6, "2001:db8::10", 53, "rr");
  const std::string proc =
      std::string(kHeader) + proc_line("TCP 203.0.113.10:80", "sh", "sh-port", "0123456789abcdef") +
      "UDP [2001:db8::10]:53 rr - table=n/a sloppy=0 confirmed=0 expired=0 fallback=0 kept=0 "
      "nodest=0 conn_max=0\n";
  auto r = report({{web, {}}, {dns, {}}}, proc, DigestOutput::kPrometheus);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(
      r.out,
      R"(# HELP aavs_service_table_info Table digest of the virtual service's scheduler (value always 1).
# TYPE aavs_service_table_info gauge
aavs_service_table_info{service="TCP 203.0.113.10:80",scheduler="sh",flags="sh-port",digest="0123456789abcdef",source="kernel"} 1
aavs_service_table_info{service="UDP [2001:db8::10]:53",scheduler="rr",flags="-",digest="n/a",source="kernel"} 1
# HELP aavs_service_sloppy_pickups_total Connections made from a mid-stream packet (sloppy mode).
# TYPE aavs_service_sloppy_pickups_total counter
aavs_service_sloppy_pickups_total{service="TCP 203.0.113.10:80"} 1
aavs_service_sloppy_pickups_total{service="UDP [2001:db8::10]:53"} 0
# HELP aavs_service_probation_confirmed_total Connections made mid-stream whose flow came back, ending their probation.
# TYPE aavs_service_probation_confirmed_total counter
aavs_service_probation_confirmed_total{service="TCP 203.0.113.10:80"} 2
aavs_service_probation_confirmed_total{service="UDP [2001:db8::10]:53"} 0
# HELP aavs_service_probation_expired_total Connections made mid-stream that ended while still on probation.
# TYPE aavs_service_probation_expired_total counter
aavs_service_probation_expired_total{service="TCP 203.0.113.10:80"} 3
aavs_service_probation_expired_total{service="UDP [2001:db8::10]:53"} 0
# HELP aavs_service_fallbacks_total New flows whose hashed server was unusable and that another server took.
# TYPE aavs_service_fallbacks_total counter
aavs_service_fallbacks_total{service="TCP 203.0.113.10:80"} 4
aavs_service_fallbacks_total{service="UDP [2001:db8::10]:53"} 0
# HELP aavs_service_midstream_kept_total Mid-stream packets kept on their hashed server although it was unusable.
# TYPE aavs_service_midstream_kept_total counter
aavs_service_midstream_kept_total{service="TCP 203.0.113.10:80"} 5
aavs_service_midstream_kept_total{service="UDP [2001:db8::10]:53"} 0
# HELP aavs_service_nodest_refused_total New flows refused because no server was usable.
# TYPE aavs_service_nodest_refused_total counter
aavs_service_nodest_refused_total{service="TCP 203.0.113.10:80"} 6
aavs_service_nodest_refused_total{service="UDP [2001:db8::10]:53"} 0
# HELP aavs_service_conn_max_drops_total New flows dropped by the conn_max limit.
# TYPE aavs_service_conn_max_drops_total counter
aavs_service_conn_max_drops_total{service="TCP 203.0.113.10:80"} 7
aavs_service_conn_max_drops_total{service="UDP [2001:db8::10]:53"} 0
)");
}

TEST(DigestReport, PrometheusOnStock) {
  auto r = report(cluster(), std::nullopt, DigestOutput::kPrometheus);
  const auto web = cluster()[0];
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "# HELP aavs_service_table_info Table digest of the virtual service's scheduler "
            "(value always 1).\n"
            "# TYPE aavs_service_table_info gauge\n"
            "aavs_service_table_info{service=\"TCP 203.0.113.10:80\",scheduler=\"sh\","
            "flags=\"sh-port\",digest=\"" +
                stock_digest(web.svc, web.dests) +
                "\",source=\"computed\"} 1\n"
                "aavs_service_table_info{service=\"UDP [2001:db8::10]:53\",scheduler=\"rr\","
                "flags=\"-\",digest=\"n/a\",source=\"computed\"} 1\n"
                "aavs_service_table_info{service=\"FWM 7 IPv6\",scheduler=\"mh\","
                "flags=\"mh-stable\",digest=\"unknown\",source=\"computed\"} 1\n");
  // Nothing at all: the family is still described.
  r = report({}, std::nullopt, DigestOutput::kPrometheus);
  EXPECT_EQ(r.out,
            "# HELP aavs_service_table_info Table digest of the virtual service's scheduler "
            "(value always 1).\n"
            "# TYPE aavs_service_table_info gauge\n");
}

TEST(DigestReport, LabelValuesAreEscaped) {
  EXPECT_EQ(prometheus_label_value("plain [::1]:53"), "plain [::1]:53");
  EXPECT_EQ(prometheus_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

// --- the command line ---

ParseResult parse(std::vector<std::string> words) {
  words.insert(words.begin(), "ipvsadm");
  return parse_command_line(words);
}

TEST(DigestCommandLine, AcceptsListingOptions) {
  for (const char* command : {"--digest", "--prometheus"}) {
    for (const auto& rest :
         std::vector<std::vector<std::string>>{{},
                                               {"-n"},
                                               {"--nosort"},
                                               {"-t", "10.0.0.1:80"},
                                               {"-u", "[2001:db8::1]:53", "-n", "--nosort"},
                                               {"--sctp-service", "10.0.0.1:3868"},
                                               {"-f", "7", "-6"}}) {
      std::vector<std::string> words = {command};
      words.insert(words.end(), rest.begin(), rest.end());
      auto r = parse(words);
      ASSERT_TRUE(std::holds_alternative<Command>(r))
          << command << " " << (rest.empty() ? "" : rest[0]) << ": " << std::get<Exit>(r).err;
      EXPECT_EQ(std::get<Command>(r).kind, std::string(command) == "--digest"
                                               ? CommandKind::kDigest
                                               : CommandKind::kPrometheus);
    }
  }
  auto fwm = std::get<Command>(parse({"--digest", "-f", "7", "-6"}));
  EXPECT_EQ(fwm.service.fwmark, 7U);
  EXPECT_EQ(fwm.service.af, AF_INET6);
}

TEST(DigestCommandLine, RefusesOthers) {
  auto stats = std::get<Exit>(parse({"--digest", "--stats"}));
  EXPECT_EQ(stats.status, 2);
  EXPECT_EQ(stats.err, "Illegal 'stats' option with the 'digest' command\n");
  auto conn = std::get<Exit>(parse({"--prometheus", "-c"}));
  EXPECT_EQ(conn.err, "Illegal 'connection' option with the 'prometheus' command\n");
  auto sched = std::get<Exit>(parse({"--digest", "-s", "sh"}));
  EXPECT_EQ(sched.err, "Illegal 'scheduler' option with the 'digest' command\n");
  auto second = std::get<Exit>(parse({"-L", "--digest"}));
  EXPECT_EQ(second.err, "invalid option `--digest'\n");
  // -L keeps 1.31's rules for --nosort.
  EXPECT_TRUE(std::holds_alternative<Command>(parse({"-L", "--nosort"})));
  EXPECT_EQ(std::get<Exit>(parse({"-S", "--nosort"})).err,
            "Illegal 'nosort' option with the 'save' command\n");
}

// --- end to end, against the fake IPVS (stock: this host has no aavs) ---

struct ToolRun {
  int status;
  std::string out;
  std::string err;
};

ToolRun tool(ipvs::testing::FakeIpvs& fake, std::vector<std::string> args) {
  args.insert(args.begin(), "ipvsadm");
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  const int status = run_tool(args, fake, fake.info(), in, out, err);
  return {status, out.str(), err.str()};
}

TEST(DigestTool, StockFromTheDump) {
  if (std::filesystem::exists(kAavsServicesPath)) {
    GTEST_SKIP() << "aavs is loaded on this host";
  }
  ipvs::testing::FakeIpvs fake;
  for (const auto& line : std::vector<std::vector<std::string>>{
           {"-A", "-t", "192.0.2.2:80", "-s", "sh", "-b", "sh-port,sh-stable"},
           {"-a", "-t", "192.0.2.2:80", "-r", "10.0.0.1", "-w", "2"},
           {"-a", "-t", "192.0.2.2:80", "-r", "10.0.0.2", "-w", "1"},
           {"-A", "-f", "7", "-s", "mh"},
           {"-a", "-f", "7", "-r", "10.0.0.3", "-w", "0"},
           {"-A", "-t", "192.0.2.1:80", "-s", "wlc"}}) {
    ASSERT_EQ(tool(fake, line).status, 0);
  }
  // The fake, like the kernel, lists the newest server first: that order builds the table.
  auto web = service(IPPROTO_TCP, AF_INET, "192.0.2.2", 80, "sh", kPort);
  const std::string web_digest =
      stock_digest(web, {server("10.0.0.2", 80, 1), server("10.0.0.1", 80, 2)});
  EXPECT_NE(web_digest, stock_digest(web, {server("10.0.0.1", 80, 2), server("10.0.0.2", 80, 1)}));
  const std::string web_line =
      "TCP 192.0.2.2:80 sh sh-port,sh-stable table=" + web_digest + " source=computed\n";

  auto r = tool(fake, {"--digest"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "TCP 192.0.2.1:80 wlc - table=n/a source=computed\n" + web_line +
                       "FWM 7 mh - table=unknown source=computed\n");
  r = tool(fake, {"--digest", "--nosort", "-n"});
  EXPECT_EQ(r.out, web_line + "FWM 7 mh - table=unknown source=computed\n" +
                       "TCP 192.0.2.1:80 wlc - table=n/a source=computed\n");
  r = tool(fake, {"--digest", "-t", "192.0.2.2:80"});
  EXPECT_EQ(r.out, web_line);
  r = tool(fake, {"--digest", "-t", "192.0.2.9:80"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "No such service\n");
  r = tool(fake, {"--prometheus", "-f", "7"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("aavs_service_table_info{service=\"FWM 7\",scheduler=\"mh\",flags=\"-\","
                       "digest=\"unknown\",source=\"computed\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(r.out.find("_total"), std::string::npos);
}

}  // namespace
}  // namespace aavs::ipvsadm
