// -R: tokenizing, all-or-nothing validation, and a save/restore round trip through the tool.
#include <gtest/gtest.h>

#include <sstream>

#include "src/app.h"
#include "src/restore.h"
#include "tests/fake_ipvs.h"

namespace aavs::ipvsadm {
namespace {

struct ToolRun {
  int status;
  std::string out;
  std::string err;
};

ToolRun tool(ipvs::testing::FakeIpvs& fake, std::vector<std::string> args,
             const std::string& input = "") {
  args.insert(args.begin(), "ipvsadm");
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const int status = run_tool(args, fake, fake.info(), in, out, err);
  return {status, out.str(), err.str()};
}

TEST(Restore, Tokenizer) {
  auto lines =
      restore_lines("ipvsadm -A -t 1.2.3.4:80\r\n\n \t\n-a\t-t 1.2.3.4:80 ipvsadm -r x", "prog");
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].number, 1);
  EXPECT_EQ(lines[0].args, (std::vector<std::string>{"prog", "-A", "-t", "1.2.3.4:80"}));
  EXPECT_EQ(lines[1].number, 4);
  EXPECT_EQ(lines[1].args, (std::vector<std::string>{"prog", "-a", "-t", "1.2.3.4:80", "-r", "x"}));
}

TEST(Restore, BadLineChangesNothing) {
  ipvs::testing::FakeIpvs fake;
  const ToolRun r = tool(fake, {"-R"},
                         "-A -t 192.0.2.1:80 -s rr\n"
                         "-a -t 192.0.2.1:80 -r 198.51.100.1 -w -4\n"
                         "-A -t 192.0.2.2:80 -s rr\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "line 2: illegal weight specified\n");
  EXPECT_EQ(fake.changes(), 0);
}

TEST(Restore, CommentIsABadLine) {
  ipvs::testing::FakeIpvs fake;
  const ToolRun r = tool(fake, {"-R"}, "-A -t 192.0.2.1:80\n# comment\n");
  EXPECT_EQ(r.status, 255);
  EXPECT_EQ(r.err, "line 2: Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
  EXPECT_EQ(fake.changes(), 0);
}

TEST(Restore, KernelErrorsContinueAndLastLineDecides) {
  ipvs::testing::FakeIpvs fake;
  ToolRun r = tool(fake, {"-R"}, "-A -t 192.0.2.1:80\n-A -t 192.0.2.1:80\n-A -t 192.0.2.2:80\n");
  EXPECT_EQ(r.err, "Service already exists\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(fake.entries().size(), 2U);
  r = tool(fake, {"-R"}, "-A -t 192.0.2.1:80\n");
  EXPECT_EQ(r.status, 255);
}

TEST(Restore, SaveRoundTrip) {
  ipvs::testing::FakeIpvs fake;
  for (const auto& line : std::vector<std::vector<std::string>>{
           {"-A", "-t", "192.0.2.1:80", "-s", "sh", "-b", "sh-fallback,sh-port"},
           {"-a", "-t", "192.0.2.1:80", "-r", "198.51.100.1", "-w", "3"},
           {"-a", "-t", "192.0.2.1:80", "-r", "198.51.100.2", "-m", "-w", "0"},
           {"-A", "-u", "192.0.2.2:53", "-s", "rr", "-o", "-p", "20", "-M", "255.255.255.0"},
           {"-A", "-f", "7", "-6", "-s", "mh", "-b", "mh-stable,mh-port"},
           {"-a", "-f", "7", "-6", "-r", "[2001:db8::9]:0", "-i", "--tun-type", "gue", "--tun-port",
            "6080", "--tun-remcsum"},
           {"-A", "-t", "[2001:db8::1]:443", "-s", "wlc", "-p", "-M", "64", "--pe", "sip"}}) {
    ASSERT_EQ(tool(fake, line).status, 0) << line[0];
  }
  const ToolRun saved = tool(fake, {"-S", "-n"});
  ASSERT_EQ(saved.status, 0);
  EXPECT_NE(saved.out.find("-A -f 7 -6 -s mh -b mh-port,mh-stable\n"), std::string::npos);
  ipvs::testing::FakeIpvs copy;
  const ToolRun restored = tool(copy, {"-R"}, saved.out);
  EXPECT_EQ(restored.status, 0) << restored.err;
  EXPECT_EQ(tool(copy, {"-S", "-n"}).out, saved.out);
  EXPECT_EQ(tool(copy, {"-L", "-n"}).out, tool(fake, {"-L", "-n"}).out);
}

TEST(Tool, ListingAndKernelErrors) {
  ipvs::testing::FakeIpvs fake;
  EXPECT_EQ(tool(fake, {"-A", "-t", "10.0.0.1:80", "-s", "rr"}).status, 0);
  ToolRun r = tool(fake, {"-A", "-t", "10.0.0.1:80"});
  EXPECT_EQ(r.status, 255);
  EXPECT_EQ(r.err, "Service already exists\n");
  r = tool(fake, {"-a", "-t", "10.0.0.99:80", "-r", "192.168.1.10"});
  EXPECT_EQ(r.err, "Service not defined\n");
  r = tool(fake, {"-L", "-n", "-t", "10.0.0.9:80"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "No such service\n");
  r = tool(fake, {"-a", "-t", "10.0.0.1:80", "-r", "192.168.1.98", "-x", "10", "-y", "20"});
  EXPECT_EQ(r.err, "Numerical result out of range\n");
  r = tool(fake, {"-L", "-n"});
  EXPECT_EQ(r.out,
            "IP Virtual Server version 1.2.1 (size=4096)\n"
            "Prot LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            "TCP  10.0.0.1:80 rr\n");
}

}  // namespace
}  // namespace aavs::ipvsadm
