// Option parsing and validation: accepted lines fill the command, refused ones give 1.31's text
// and status. (host_diff.sh compares thousands more lines against the real 1.31 binary.)
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ip_vs.h>

#include <sstream>

#include "src/cli_parser.h"

namespace aavs::ipvsadm {
namespace {

ParseResult parse(std::vector<std::string> words) {
  words.insert(words.begin(), "ipvsadm");
  return parse_command_line(words);
}

Command ok(std::vector<std::string> words) {
  auto r = parse(std::move(words));
  if (auto* e = std::get_if<Exit>(&r)) {
    ADD_FAILURE() << "unexpected exit " << e->status << ": " << e->err;
    return {};
  }
  return std::get<Command>(r);
}

Exit bad(std::vector<std::string> words) {
  auto r = parse(std::move(words));
  if (!std::holds_alternative<Exit>(r)) {
    ADD_FAILURE() << "parsed, expected an error";
    return {};
  }
  return std::get<Exit>(r);
}

TEST(CliParser, AddServiceWithFlagsAndPersistence) {
  Command c = ok({"-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-fallback,sh-port", "-p"});
  EXPECT_EQ(c.kind, CommandKind::kAddService);
  EXPECT_EQ(c.service.protocol, IPPROTO_TCP);
  EXPECT_EQ(c.service.addr.to_string(), "10.0.0.1");
  EXPECT_EQ(c.service.port, 80);
  EXPECT_EQ(c.service.scheduler, "sh");
  EXPECT_EQ(c.service.flags, 0x19U);
  EXPECT_EQ(c.service.timeout, 360U);
  EXPECT_EQ(c.service.netmask, 0xffffffffU);
}

TEST(CliParser, BundledShortOptionsAndLongEquals) {
  Command c = ok({"-At", "10.8.8.8:80", "-s", "rr", "-p300"});
  EXPECT_EQ(c.service.timeout, 300U);
  c = ok({"-a", "-t", "10.8.8.8:80", "-r10.1.1.1", "-mw", "5"});
  EXPECT_EQ(c.dest.fwd_method, static_cast<std::uint32_t>(IP_VS_CONN_F_MASQ));
  EXPECT_EQ(c.dest.weight, 5);
  EXPECT_EQ(c.dest.port, 80);  // no port: the service's
  c = ok({"-A", "--tcp-service=10.8.8.7:80", "--scheduler=rr"});
  EXPECT_EQ(c.service.scheduler, "rr");
}

TEST(CliParser, DefaultsForServersAndServices) {
  Command c = ok({"-a", "-t", "192.0.2.1:80", "-r", "198.51.100.1:9999"});
  EXPECT_EQ(c.dest.fwd_method, static_cast<std::uint32_t>(IP_VS_CONN_F_DROUTE));
  EXPECT_EQ(c.dest.port, 80);  // DR/TUN use the service port whatever was given
  EXPECT_EQ(c.dest.weight, 1);
  c = ok({"-A", "-t", "192.0.2.1:80"});
  EXPECT_EQ(c.service.scheduler, "wlc");
}

TEST(CliParser, Ipv6AndFwmark) {
  Command c = ok({"-A", "-f", "200", "-6", "-s", "mh", "-b", "mh-port"});
  EXPECT_EQ(c.service.fwmark, 200U);
  EXPECT_EQ(c.service.af, AF_INET6);
  EXPECT_EQ(c.service.netmask, 128U);
  c = ok({"-A", "-t", "[2001:db8::6]:80", "-p", "-M", "64"});
  EXPECT_EQ(c.service.netmask, 64U);
  // -M before an IPv6 -t is overwritten, as in 1.31.
  c = ok({"-A", "-M", "64", "-t", "[2001:db8::5]:80", "-p"});
  EXPECT_EQ(c.service.netmask, 128U);
}

TEST(CliParser, NetmaskIsStoredInNetworkOrder) {
  Command c = ok({"-A", "-t", "192.0.2.1:80", "-p", "-M", "255.255.255.0"});
  EXPECT_EQ(c.service.netmask, htonl(0xffffff00U));
}

TEST(CliParser, Errors) {
  EXPECT_EQ(bad({"-A", "-t", "10.0.0.9:80", "-p", "0"}).err,
            "invalid timeout value `0' specified\n");
  EXPECT_EQ(bad({"-A", "-t", "10.0.0.9"}).err, "Zero port specified for non-persistent service\n");
  EXPECT_EQ(bad({"-A", "-t", "10.0.0.9:80", "-o"}).err,
            "One-Packet Scheduling is only for UDP virtual services\n");
  EXPECT_EQ(bad({"-A", "-t", "10.0.0.9:80", "-6"}).err, "-6 used before -f\n\n");
  EXPECT_EQ(bad({"-A", "-E", "-t", "10.0.0.1:80"}).err, "invalid option `-E'\n");
  EXPECT_EQ(bad({"-A", "-f", "4294967296"}).err, "invalid fwmark value `4294967296' specified\n");
  EXPECT_EQ(bad({"-a", "-t", "1.1.1.1:80", "-r", "1.2.3.4", "-w", "2147483648"}).err,
            "illegal weight specified\n");
  EXPECT_EQ(bad({"-a", "-t", "10.0.0.1:80", "-r", "2001:db8::5"}).err,
            "Different address family is allowed only for tunneling servers\n");
  EXPECT_EQ(bad({"-a", "-t", "1.1.1.1:80", "-r", "1.2.3.4", "-i", "--tun-type", "gue"}).err,
            "You need to supply the 'tun-port' option for the 'gue' tunnel type\n");
  for (const auto& e : {bad({"-A", "-t", "1.1.1.1:80", "-r", "1.2.3.4"}), bad({"-D"})}) {
    EXPECT_EQ(e.status, 2);
  }
}

TEST(CliParser, PoptErrorsAndTryHelp) {
  Exit e = bad({"-n", "-L"});
  EXPECT_EQ(e.status, 255);
  EXPECT_EQ(e.err, "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
  e = bad({"-L", "--stats=1"});
  EXPECT_EQ(e.status, 255);
  EXPECT_EQ(e.err, "--stats=1: option does not take an argument\n");
  e = bad({"-A", "-t"});
  EXPECT_EQ(e.err, "-t: missing argument\n");
  EXPECT_EQ(bad({"--add", "-t", "1.2.3.4:80"}).status, 255);  // no abbreviations
}

TEST(CliParser, ListConflicts) {
  EXPECT_EQ(bad({"-L", "-n", "-c", "-t", "10.0.0.1:80"}).err,
            "The option 'service-address' conflicts with the 'connection' option in the 'list' "
            "command\n");
  EXPECT_EQ(bad({"-L", "--timeout", "--stats"}).err, "options conflicts in the list command\n");
  EXPECT_EQ(bad({"-L", "--daemon", "--timeout"}).err,
            "The option 'daemon' conflicts with the 'timeout' option in the 'list' command\n");
}

TEST(CliParser, SetAndDaemons) {
  Command c = ok({"--set", "10", "20", "30"});
  EXPECT_EQ(c.timeouts, (ipvs::Timeouts{10, 20, 30}));
  EXPECT_EQ(bad({"--set", "1", "x"}).err, "--set option requires 3 timeout values\n");
  c = ok({"--start-daemon", "backup", "--mcast-interface", "lo", "--syncid", "7", "--mcast-group",
          "ff02::1234"});
  EXPECT_EQ(c.daemon.state, static_cast<std::uint32_t>(IP_VS_STATE_BACKUP));
  EXPECT_EQ(c.daemon.syncid, 7U);
  ASSERT_TRUE(c.daemon.mcast_group);
  EXPECT_TRUE(c.daemon.mcast_group->is_v6());
  c = ok({"--stop-daemon", "master"});
  EXPECT_EQ(c.daemon.mcast_ifn, "");
  EXPECT_EQ(bad({"--stop-daemon", "bar"}).err, "illegal start_daemon specified\n");
}

TEST(CliParser, HelpAndVersion) {
  auto r = parse({"-h", "-n"});
  ASSERT_TRUE(std::holds_alternative<Exit>(r));
  EXPECT_EQ(std::get<Exit>(r).status, 0);
  // 1.31's text (its length here) plus three lines for aavs's --digest and --prometheus.
  std::istringstream help(std::get<Exit>(r).out);
  std::string kept;
  int aavs_lines = 0;
  for (std::string line; std::getline(help, line);) {
    if (line.find("--digest") != std::string::npos ||
        line.find("--prometheus") != std::string::npos) {
      ++aavs_lines;
    } else {
      kept += line + "\n";
    }
  }
  EXPECT_EQ(aavs_lines, 3);
  EXPECT_EQ(kept.size(), 4645U);
  r = parse({"-v"});
  EXPECT_EQ(std::get<Exit>(r).out,
            "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n");
}

}  // namespace
}  // namespace aavs::ipvsadm
