// Unit tests of kernel/proto_state.c: ip_vs's TCP/SCTP/UDP state machines,
// the sloppy gates and conn_reuse_mode, compiled from the kernel source.
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <random>

extern "C" {
#include "proto_state.h"
}

namespace {

// A conn as the datapath keeps it: state plus NOOUTPUT/INACTIVE flags, and
// the dest's active count the step deltas maintain.
struct Conn {
  u8 proto;
  u8 state = 0;
  unsigned int flags = AAVS_STEP_INACTIVE;
  int active = 0;

  explicit Conn(u8 p, bool nat = false) : proto(p) {
    if (!nat)
      flags |= AAVS_STEP_NOOUTPUT;
  }
  void step(aavs_dir dir, unsigned int ev, bool secure = false) {
    active += aavs_state_step(proto, &state, &flags, dir, ev, secure);
  }
  void tcp(aavs_dir dir, bool syn, bool fin, bool ack, bool rst) {
    step(dir, aavs_tcp_event(syn, fin, ack, rst));
  }
};

TEST(TcpState, DirectRoutingLifecycle) {
  Conn c(IPPROTO_TCP);
  c.tcp(AAVS_DIR_INPUT, true, false, false, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_SYN_RECV);
  EXPECT_EQ(c.active, 1);
  c.tcp(AAVS_DIR_INPUT, false, false, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_ESTABLISHED);
  EXPECT_EQ(c.active, 1);
  // Without output, a FIN from the client is FIN_WAIT (INPUT_ONLY table).
  c.tcp(AAVS_DIR_INPUT, false, true, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_FIN_WAIT);
  EXPECT_EQ(c.active, 0);
  EXPECT_TRUE(c.flags & AAVS_STEP_INACTIVE);
  c.tcp(AAVS_DIR_INPUT, false, false, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_FIN_WAIT);
  EXPECT_STREQ(aavs_state_name(IPPROTO_TCP, c.state, false), "FIN_WAIT");
}

TEST(TcpState, NatSeesBothDirections) {
  Conn c(IPPROTO_TCP, true);
  c.tcp(AAVS_DIR_INPUT, true, false, false, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_SYN_RECV);
  c.tcp(AAVS_DIR_OUTPUT, true, false, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_SYN_RECV);
  c.tcp(AAVS_DIR_INPUT, false, false, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_ESTABLISHED);
  // Full table: the client's FIN is CLOSE_WAIT, not FIN_WAIT.
  c.tcp(AAVS_DIR_INPUT, false, true, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_CLOSE_WAIT);
  c.tcp(AAVS_DIR_OUTPUT, false, true, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_TIME_WAIT);
  EXPECT_EQ(c.active, 0);
}

TEST(TcpState, FirstOutputPacketLeavesInputOnly) {
  Conn c(IPPROTO_TCP);
  c.tcp(AAVS_DIR_INPUT, true, false, false, false);
  EXPECT_TRUE(c.flags & AAVS_STEP_NOOUTPUT);
  c.tcp(AAVS_DIR_OUTPUT, true, false, true, false);
  EXPECT_FALSE(c.flags & AAVS_STEP_NOOUTPUT);
}

TEST(TcpState, SloppyMidStreamAckStartsEstablished) {
  Conn c(IPPROTO_TCP);
  c.tcp(AAVS_DIR_INPUT, false, false, true, false);
  EXPECT_EQ(c.state, AAVS_TCP_S_ESTABLISHED);
  EXPECT_EQ(c.active, 1);
  EXPECT_EQ(aavs_state_timeout_secs(IPPROTO_TCP, c.state), 15u * 60);
}

TEST(TcpState, MidStreamFinAndNoFlags) {
  Conn f(IPPROTO_TCP);
  f.tcp(AAVS_DIR_INPUT, false, true, true, false);
  EXPECT_EQ(f.state, AAVS_TCP_S_CLOSE);
  Conn n(IPPROTO_TCP);
  n.tcp(AAVS_DIR_INPUT, false, false, true, false);
  n.tcp(AAVS_DIR_INPUT, false, false, false, false);
  EXPECT_EQ(n.state, AAVS_TCP_S_CLOSE);
  EXPECT_EQ(n.active, 0);
}

TEST(TcpState, RstWinsOverEverything) {
  EXPECT_EQ(aavs_tcp_event(true, true, true, true), AAVS_TCP_EV_RST);
  EXPECT_EQ(aavs_tcp_event(true, true, true, false), AAVS_TCP_EV_SYN);
  EXPECT_EQ(aavs_tcp_event(false, true, true, false), AAVS_TCP_EV_FIN);
  Conn c(IPPROTO_TCP);
  c.tcp(AAVS_DIR_INPUT, true, false, false, false);
  c.tcp(AAVS_DIR_INPUT, false, false, true, false);
  c.tcp(AAVS_DIR_INPUT, false, false, false, true);
  EXPECT_EQ(c.state, AAVS_TCP_S_CLOSE);
  EXPECT_EQ(c.active, 0);
}

TEST(TcpState, SecureTableHoldsSynFloodsInSynack) {
  Conn c(IPPROTO_TCP);
  c.step(AAVS_DIR_INPUT, AAVS_TCP_EV_SYN, true);
  EXPECT_EQ(c.state, AAVS_TCP_S_SYNACK);
  EXPECT_EQ(c.active, 1);
  EXPECT_EQ(aavs_state_timeout_secs(IPPROTO_TCP, c.state), 120u);
}

TEST(TcpGate, OnlySynOpensUnlessSloppy) {
  EXPECT_TRUE(aavs_tcp_may_create(true, false, false));
  EXPECT_FALSE(aavs_tcp_may_create(false, false, false));
  EXPECT_TRUE(aavs_tcp_may_create(false, false, true));
  EXPECT_FALSE(aavs_tcp_may_create(false, true, true));
  EXPECT_FALSE(aavs_tcp_may_create(true, true, true));
}

TEST(SctpGate, OnlyInitOpensUnlessSloppyAndNeverAbort) {
  EXPECT_TRUE(aavs_sctp_may_create(AAVS_SCTP_CID_INIT, false));
  EXPECT_FALSE(aavs_sctp_may_create(AAVS_SCTP_CID_DATA, false));
  EXPECT_TRUE(aavs_sctp_may_create(AAVS_SCTP_CID_DATA, true));
  EXPECT_TRUE(aavs_sctp_may_create(AAVS_SCTP_CID_COOKIE_ECHO, true));
  EXPECT_FALSE(aavs_sctp_may_create(AAVS_SCTP_CID_ABORT, true));
}

TEST(SctpState, DirectRoutingHandshakeAndSloppyData) {
  Conn c(IPPROTO_SCTP);
  c.step(AAVS_DIR_INPUT, aavs_sctp_event(AAVS_SCTP_CID_INIT));
  EXPECT_EQ(c.state, AAVS_SCTP_S_INIT1);
  c.step(AAVS_DIR_INPUT, aavs_sctp_event(AAVS_SCTP_CID_COOKIE_ECHO));
  EXPECT_EQ(c.state, AAVS_SCTP_S_ESTABLISHED);
  EXPECT_EQ(c.active, 1);

  Conn s(IPPROTO_SCTP);
  s.step(AAVS_DIR_INPUT, aavs_sctp_event(AAVS_SCTP_CID_DATA));
  EXPECT_EQ(s.state, AAVS_SCTP_S_ESTABLISHED);
  EXPECT_EQ(s.active, 1);
  s.step(AAVS_DIR_INPUT, aavs_sctp_event(AAVS_SCTP_CID_ABORT));
  EXPECT_EQ(s.state, AAVS_SCTP_S_CLOSED);
  EXPECT_EQ(s.active, 0);
  EXPECT_STREQ(aavs_state_name(IPPROTO_SCTP, s.state, false), "CLOSED");
}

TEST(SctpState, NatCookieEchoWaitsForTheServer) {
  Conn c(IPPROTO_SCTP, true);
  c.step(AAVS_DIR_INPUT, aavs_sctp_event(AAVS_SCTP_CID_COOKIE_ECHO));
  EXPECT_EQ(c.state, AAVS_SCTP_S_COOKIE_REPLIED);
  c.step(AAVS_DIR_OUTPUT, aavs_sctp_event(AAVS_SCTP_CID_COOKIE_ACK));
  EXPECT_EQ(c.state, AAVS_SCTP_S_ESTABLISHED);
}

TEST(SctpState, UnknownChunksCountAsData) {
  EXPECT_EQ(aavs_sctp_event(0x80), (unsigned)AAVS_SCTP_EV_DATA);
  EXPECT_EQ(aavs_sctp_event(14), (unsigned)AAVS_SCTP_EV_SHUTDOWN_COMPLETE);
  EXPECT_EQ(aavs_state_timeout_secs(IPPROTO_SCTP, AAVS_SCTP_S_COOKIE_ECHOED), 61u);
}

TEST(UdpState, NeverActiveAlwaysUdp) {
  Conn c(IPPROTO_UDP);
  c.step(AAVS_DIR_INPUT, 0);
  EXPECT_EQ(c.state, AAVS_UDP_S_NORMAL);
  EXPECT_EQ(c.active, 0);
  EXPECT_STREQ(aavs_state_name(IPPROTO_UDP, c.state, false), "UDP");
  EXPECT_EQ(aavs_state_timeout_secs(IPPROTO_UDP, 0), 300u);
}

TEST(Templates, NamedNoneOrAssured) {
  EXPECT_STREQ(aavs_state_name(IPPROTO_TCP, AAVS_TMPL_S_NONE, true), "NONE");
  EXPECT_STREQ(aavs_state_name(IPPROTO_IP, AAVS_TMPL_S_ASSURED, true), "ASSURED");
}

TEST(ConnReuse, ClosedEntriesGiveWayToNewFlows) {
  EXPECT_TRUE(aavs_state_reusable(IPPROTO_TCP, AAVS_TCP_S_TIME_WAIT, false, 1));
  EXPECT_TRUE(aavs_state_reusable(IPPROTO_TCP, AAVS_TCP_S_CLOSE, true, 1));
  EXPECT_FALSE(aavs_state_reusable(IPPROTO_TCP, AAVS_TCP_S_ESTABLISHED, true, 3));
  // FIN_WAIT only with bit 2 and only for conns that never saw output.
  EXPECT_FALSE(aavs_state_reusable(IPPROTO_TCP, AAVS_TCP_S_FIN_WAIT, true, 1));
  EXPECT_TRUE(aavs_state_reusable(IPPROTO_TCP, AAVS_TCP_S_FIN_WAIT, true, 2));
  EXPECT_FALSE(aavs_state_reusable(IPPROTO_TCP, AAVS_TCP_S_FIN_WAIT, false, 2));
  EXPECT_TRUE(aavs_state_reusable(IPPROTO_SCTP, AAVS_SCTP_S_CLOSED, false, 1));
  EXPECT_FALSE(aavs_state_reusable(IPPROTO_UDP, 0, true, 3));
}

// Any packet sequence keeps states in range and the active count equal to
// whether the conn's state is an active one.
TEST(Properties, RandomSequencesKeepCountsConsistent) {
  std::mt19937 rng(42);
  for (u8 proto : {u8(IPPROTO_TCP), u8(IPPROTO_SCTP), u8(IPPROTO_UDP)}) {
    for (int run = 0; run < 2000; run++) {
      Conn c(proto, run & 1);
      bool secure = run & 2;
      for (int i = 0; i < 20; i++) {
        auto dir = static_cast<aavs_dir>(rng() % 2);
        unsigned int ev = proto == IPPROTO_TCP    ? rng() % 5
                          : proto == IPPROTO_SCTP ? rng() % AAVS_SCTP_EV_LAST
                                                  : 0;
        c.step(dir, ev, secure);
        ASSERT_LT(c.state, proto == IPPROTO_SCTP ? int(AAVS_SCTP_S_LAST) : int(AAVS_TCP_S_LAST));
        ASSERT_EQ(c.active, aavs_state_active(proto, c.state) ? 1 : 0);
        ASSERT_EQ(!(c.flags & AAVS_STEP_INACTIVE), aavs_state_active(proto, c.state));
        ASSERT_STRNE(aavs_state_name(proto, c.state, false), "ERR!");
      }
    }
  }
}

}  // namespace
