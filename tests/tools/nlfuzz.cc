// nlfuzz: generated IPVS generic-netlink requests, for the lab's "the
// control plane survives whatever a netlink client sends" case.
//
//   nlfuzz [--seed S] [--count N] [--from I] [--as-nobody | --userns] [--hex]
//
// Message I of seed S is built by a generator seeded from S and I alone, so
// it is the same whatever --from and --count say: a crash narrows to one
// message, `nlfuzz --seed S --from I --count 1 --hex`.  (How messages are
// grouped into sendmsg batches depends on --from; their bytes do not.)
//
// Kinds of message: mostly-valid commands on a small pool of services and
// real servers (so they are created, edited, zeroed and deleted), random
// commands with random attribute trees, and either of them mutated
// (duplicate, zero-length, odd-length, retyped attributes, lengths beyond
// the nest or the message, truncated messages, trailing garbage).  Answers
// are read without blocking after every sendmsg and counted by errno.
//
// --as-nobody drops to uid/gid 65534 before opening the socket; --userns
// does that too, then unshares a user and a network namespace, mapping
// 65534 to root inside, so it holds CAP_NET_ADMIN over that netns only.
//
// Output: per-command answer counts, then three lines for scripts:
//   ANSWERS <errno>=<n>...      every NLMSG_ERROR/NLMSG_DONE code, OK = 0
//   STATE sent=N EPERM=N other=N none=N [CMD:ERRNO=N... first_other=I]
//                        state-changing requests that reached the IPVS
//                        family's checks; I is the first one not refused
//   SUMMARY sent=N batches=N secs=S rate=R replies=N unanswered=N ...

#include <fcntl.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "nlfuzz: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "nlfuzz: %s\n"
               "usage: nlfuzz [--seed S] [--count N] [--from I] [--as-nobody | --userns] [--hex]\n",
               why);
  std::exit(2);
}

// One generator per message (and one per batch decision).
class Rng {
 public:
  Rng(uint64_t seed, uint64_t index, uint64_t stream = 0)
      : g_(mix(mix(seed * 0x9e3779b97f4a7c15ULL + index) ^ stream)) {}
  uint32_t below(uint32_t n) { return n ? static_cast<uint32_t>(g_() % n) : 0; }
  bool chance(double percent) { return static_cast<double>(g_() % 100000) < percent * 1000; }
  uint16_t u16() { return static_cast<uint16_t>(g_()); }
  uint32_t u32() { return static_cast<uint32_t>(g_()); }
  Bytes bytes(size_t n) {
    Bytes b(n);
    for (auto& x : b)
      x = static_cast<uint8_t>(g_());
    return b;
  }
  template <typename T>
  T pick(std::initializer_list<T> v) {
    return *(v.begin() + below(static_cast<uint32_t>(v.size())));
  }
  template <typename T>
  void shuffle(std::vector<T>& v) {
    std::shuffle(v.begin(), v.end(), g_);
  }

 private:
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::mt19937_64 g_;
};

// An attribute tree; `lie` is added to the length field as written.
struct Attr {
  uint16_t type = 0;
  bool nest = false;
  Bytes data;  // the payload of a leaf, garbage after the kids of a nest
  std::vector<Attr> kids;
  int lie = 0;
};

Attr leaf(uint16_t type, const void* p, size_t n) {
  Attr a;
  a.type = type;
  a.data.assign(static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  return a;
}
Attr u8(uint16_t type, uint8_t v) {
  return leaf(type, &v, 1);
}
Attr u16(uint16_t type, uint16_t v) {
  return leaf(type, &v, 2);
}
Attr be16(uint16_t type, uint16_t v) {
  return u16(type, htons(v));
}
Attr u32(uint16_t type, uint32_t v) {
  return leaf(type, &v, 4);
}
Attr str(uint16_t type, std::string_view s) {
  std::string z(s);
  return leaf(type, z.c_str(), z.size() + 1);
}
Attr nest(uint16_t type, std::vector<Attr> kids) {
  Attr a;
  a.type = type;
  a.nest = true;
  a.kids = std::move(kids);
  return a;
}

void encode(const Attr& a, Bytes& out) {
  size_t at = out.size();
  out.resize(at + NLA_HDRLEN);
  for (const auto& k : a.kids)
    encode(k, out);
  out.insert(out.end(), a.data.begin(), a.data.end());
  int len = static_cast<int>(out.size() - at) + a.lie;
  nlattr h{static_cast<uint16_t>(std::clamp(len, 0, 0xffff)), a.type};
  std::memcpy(out.data() + at, &h, sizeof(h));
  out.resize(NLA_ALIGN(out.size()));
}

struct Msg {
  uint8_t cmd = 0;
  uint8_t version = IPVS_GENL_VERSION;
  uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
  std::vector<Attr> attrs;
  Bytes tail;        // raw bytes after the attributes
  int cut = -1;      // keep only this many bytes (nlmsg_len says so too)
  int len_lie = 0;   // nlmsg_len claims this many bytes more than sent
  std::string kind;  // for the per-kind counts
};

Bytes encode(const Msg& m, uint16_t family, uint32_t seq) {
  Bytes b(NLMSG_HDRLEN + GENL_HDRLEN);
  for (const auto& a : m.attrs)
    encode(a, b);
  b.insert(b.end(), m.tail.begin(), m.tail.end());
  if (m.cut >= 0 && static_cast<size_t>(m.cut) < b.size())
    b.resize(static_cast<size_t>(m.cut));
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(b.size() + static_cast<size_t>(m.len_lie));
  h.nlmsg_type = family;
  h.nlmsg_flags = m.flags;
  h.nlmsg_seq = seq;
  std::memcpy(b.data(), &h, sizeof(h));
  if (b.size() >= NLMSG_HDRLEN + GENL_HDRLEN) {
    genlmsghdr g{m.cmd, m.version, 0};
    std::memcpy(b.data() + NLMSG_HDRLEN, &g, sizeof(g));
  } else if (b.size() > NLMSG_HDRLEN) {
    b[NLMSG_HDRLEN] = m.cmd;
  }
  b.resize(NLMSG_ALIGN(b.size()));
  return b;
}

// ---- the pool: few enough addresses that commands meet each other ----

constexpr int kCmdMax = IPVS_CMD_FLUSH;

Bytes addr(bool v6, unsigned host) {
  Bytes b(16, 0);
  if (v6) {
    const uint8_t p[] = {0x20, 0x01, 0x0d, 0xb8};
    std::memcpy(b.data(), p, 4);
    b[15] = static_cast<uint8_t>(host);
  } else {
    b[0] = 192;
    b[2] = 2;
    b[3] = static_cast<uint8_t>(host);
  }
  return b;
}

Bytes rs_addr(Rng& r, bool v6) {
  Bytes b(16, 0);
  if (r.chance(6)) {
    // Not unicast: zero, multicast, broadcast, link-local, loopback.
    unsigned k = r.below(4);
    if (v6) {
      const uint8_t bad[4][2] = {{0, 0}, {0xff, 0x02}, {0xfe, 0x80}, {0, 0}};
      b[0] = bad[k][0];
      b[1] = bad[k][1];
      b[15] = k ? 1 : 0;
    } else {
      const uint8_t bad[4][4] = {
          {0, 0, 0, 0}, {224, 0, 0, 5}, {255, 255, 255, 255}, {127, 0, 0, 1}};
      std::memcpy(b.data(), bad[k], 4);
    }
    return b;
  }
  unsigned host = 1 + r.below(3);
  if (v6) {
    const uint8_t p[] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
    std::memcpy(b.data(), p, 6);
    b[15] = static_cast<uint8_t>(host);
  } else {
    b[0] = 198;
    b[1] = 51;
    b[2] = 100;
    b[3] = static_cast<uint8_t>(host);
  }
  return b;
}

uint16_t pick_af(Rng& r) {
  if (r.chance(3))
    return r.pick<uint16_t>({0, 1, 3, 7, 0xffff});
  return r.chance(50) ? AF_INET : AF_INET6;
}

std::string sched_name(Rng& r) {
  // Unknown names make stock ip_vs run modprobe each time: keep them rare.
  if (r.chance(1.5))
    return r.pick<const char*>(
        {"nosuch", "RR", "rr ", "a-scheduler-name-16", "sched-fifteen-x", "dh", "sed", "nq"});
  if (r.chance(3))
    return r.pick<const char*>({"none", ""});
  return r.pick<const char*>({"rr", "wrr", "lc", "wlc", "sh", "mh"});
}

Bytes svc_flags(Rng& r) {
  uint32_t f = 0;
  uint32_t mask = 0xffffffff;
  if (r.chance(10)) {
    f = r.u32();
  } else {
    for (uint32_t bit : {IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_HASHED, IP_VS_SVC_F_ONEPACKET,
                         IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3})
      if (r.chance(bit == IP_VS_SVC_F_SCHED1 || bit == IP_VS_SVC_F_SCHED2 ? 40 : 12))
        f |= bit;
  }
  if (r.chance(15))
    mask = r.pick<uint32_t>({0, IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2, r.u32()});
  Bytes b(8);
  std::memcpy(b.data(), &f, 4);
  std::memcpy(b.data() + 4, &mask, 4);
  return b;
}

uint32_t netmask(Rng& r, uint16_t af) {
  if (af == AF_INET6)
    return r.chance(70) ? 128 : r.pick<uint32_t>({0, 1, 64, 127, 129, 0xffffffff, r.u32()});
  if (r.chance(70))
    return 0xffffffff;
  unsigned len = r.below(33);
  return r.chance(80) ? htonl(len ? ~0U << (32 - len) : 0) : r.u32();
}

// The service nest: identity, plus the "full" fields for NEW/SET_SERVICE
// (and, as ipvsadm sends them, often for the others too).
Attr svc_nest(Rng& r, bool full, uint16_t* af_out = nullptr) {
  uint16_t af = pick_af(r);
  bool v6 = af == AF_INET6;
  if (af_out)
    *af_out = af;
  std::vector<Attr> k;
  k.push_back(u16(IPVS_SVC_ATTR_AF, af));
  if (r.chance(15)) {
    k.push_back(u32(IPVS_SVC_ATTR_FWMARK, r.chance(90) ? 1 + r.below(3) : r.u32()));
  } else {
    k.push_back(
        u16(IPVS_SVC_ATTR_PROTOCOL,
            r.chance(97) ? r.pick<uint16_t>({IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP}) : r.u16()));
    Bytes a = addr(v6, 1 + r.below(2));
    if (r.chance(3))
      a.resize(r.pick<size_t>({0, 4, 15, 17}));
    k.push_back(leaf(IPVS_SVC_ATTR_ADDR, a.data(), a.size()));
    k.push_back(be16(IPVS_SVC_ATTR_PORT, r.chance(95) ? r.pick<uint16_t>({80, 443}) : r.u16()));
  }
  if (full || r.chance(40)) {
    k.push_back(str(IPVS_SVC_ATTR_SCHED_NAME, full ? sched_name(r) : ""));
    Bytes f = full ? svc_flags(r) : Bytes{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    k.push_back(leaf(IPVS_SVC_ATTR_FLAGS, f.data(), f.size()));
    uint32_t t = r.chance(70) ? 0 : r.pick<uint32_t>({1, 300, 3600, 0x7fffffff, r.u32()});
    k.push_back(u32(IPVS_SVC_ATTR_TIMEOUT, full ? t : 0));
    k.push_back(u32(IPVS_SVC_ATTR_NETMASK, netmask(r, af)));
    if (full && r.chance(4)) {
      // "sip" loads ip_vs_pe_sip in stock; unknown names run modprobe.
      k.push_back(str(IPVS_SVC_ATTR_PE_NAME,
                      r.chance(80) ? r.pick<const char*>({"sip", ""}) : "nosuch-pe"));
    }
  }
  if (r.chance(8))
    k.erase(k.begin() + r.below(static_cast<uint32_t>(k.size())));
  if (r.chance(10))
    r.shuffle(k);
  return nest(IPVS_CMD_ATTR_SERVICE, std::move(k));
}

Attr dest_nest(Rng& r, uint16_t svc_af, bool full) {
  uint16_t af = svc_af;
  if (r.chance(10))
    af = af == AF_INET ? AF_INET6 : AF_INET;
  else if (r.chance(2))
    af = pick_af(r);
  std::vector<Attr> k;
  if (r.chance(70))
    k.push_back(u16(IPVS_DEST_ATTR_ADDR_FAMILY, r.chance(95) ? af : 0));
  Bytes a = rs_addr(r, af == AF_INET6);
  k.push_back(leaf(IPVS_DEST_ATTR_ADDR, a.data(), a.size()));
  k.push_back(
      be16(IPVS_DEST_ATTR_PORT, r.chance(95) ? r.pick<uint16_t>({80, 80, 8080, 0}) : r.u16()));
  if (full || r.chance(50)) {
    uint32_t fwd = r.chance(90) ? r.below(4) : r.chance(50) ? r.below(8) : r.u32();
    k.push_back(u32(IPVS_DEST_ATTR_FWD_METHOD, fwd));
    int w = r.chance(70)
                ? static_cast<int>(r.below(11))
                : r.pick<int>({100, 65535, INT_MAX, -1, INT_MIN, static_cast<int>(r.u32())});
    k.push_back(u32(IPVS_DEST_ATTR_WEIGHT, static_cast<uint32_t>(w)));
    uint32_t u =
        r.chance(70) ? 0 : r.pick<uint32_t>({1, 10, 1000, 0x7fffffff, 0x80000000, r.u32()});
    uint32_t l = r.chance(70) ? 0 : r.pick<uint32_t>({1, 5, 2000, 0xffffffff, r.u32()});
    k.push_back(u32(IPVS_DEST_ATTR_U_THRESH, u));
    k.push_back(u32(IPVS_DEST_ATTR_L_THRESH, l));
    if (r.chance(30)) {
      k.push_back(u8(IPVS_DEST_ATTR_TUN_TYPE, r.chance(90) ? static_cast<uint8_t>(r.below(3))
                                                           : static_cast<uint8_t>(r.u32())));
      k.push_back(be16(IPVS_DEST_ATTR_TUN_PORT, r.pick<uint16_t>({0, 6080, r.u16()})));
      k.push_back(u16(IPVS_DEST_ATTR_TUN_FLAGS, r.chance(90) ? r.below(3) : r.u16()));
    }
  }
  if (r.chance(8))
    k.erase(k.begin() + r.below(static_cast<uint32_t>(k.size())));
  if (r.chance(10))
    r.shuffle(k);
  return nest(IPVS_CMD_ATTR_DEST, std::move(k));
}

Attr daemon_nest(Rng& r) {
  std::vector<Attr> k;
  k.push_back(u32(IPVS_DAEMON_ATTR_STATE, r.chance(90) ? 1 + r.below(2) : r.u32()));
  k.push_back(str(IPVS_DAEMON_ATTR_MCAST_IFN,
                  r.pick<const char*>({"lo", "nosuch0", "", "an-interface-name-too-long"})));
  k.push_back(u32(IPVS_DAEMON_ATTR_SYNC_ID, r.chance(90) ? r.below(256) : r.u32()));
  if (r.chance(30))
    k.push_back(u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, r.pick<uint16_t>({0, 1, 1472, 65535})));
  if (r.chance(20)) {
    uint32_t g = r.chance(70) ? htonl(0xe0000051) : r.u32();
    k.push_back(u32(IPVS_DAEMON_ATTR_MCAST_GROUP, g));
  }
  if (r.chance(10)) {
    Bytes g(16, 0);
    g[0] = r.chance(70) ? 0xff : 0x20;
    g[1] = 2;
    g[15] = 0x51;
    k.push_back(leaf(IPVS_DAEMON_ATTR_MCAST_GROUP6, g.data(), g.size()));
  }
  if (r.chance(20))
    k.push_back(u16(IPVS_DAEMON_ATTR_MCAST_PORT, r.pick<uint16_t>({0, 8848, r.u16()})));
  if (r.chance(20))
    k.push_back(u8(IPVS_DAEMON_ATTR_MCAST_TTL, static_cast<uint8_t>(r.below(256))));
  if (r.chance(10))
    k.erase(k.begin() + r.below(static_cast<uint32_t>(k.size())));
  return nest(IPVS_CMD_ATTR_DAEMON, std::move(k));
}

uint32_t timeout_value(Rng& r) {
  return r.chance(80)
             ? r.pick<uint32_t>({0, 1, 5, 60, 120, 300, 900})
             : r.pick<uint32_t>({0x7fffffff / 250, 0x7fffffff / 250 + 1, 0xffffffff, r.u32()});
}

// A mostly-valid request of a command chosen like a busy control plane.
Msg valid(Rng& r) {
  Msg m;
  m.kind = "valid";
  static const std::array<std::pair<uint8_t, unsigned>, 16> weights{{
      {IPVS_CMD_NEW_SERVICE, 180},
      {IPVS_CMD_SET_SERVICE, 100},
      {IPVS_CMD_DEL_SERVICE, 45},
      {IPVS_CMD_GET_SERVICE, 80},
      {IPVS_CMD_NEW_DEST, 180},
      {IPVS_CMD_SET_DEST, 100},
      {IPVS_CMD_DEL_DEST, 60},
      {IPVS_CMD_GET_DEST, 60},
      {IPVS_CMD_NEW_DAEMON, 15},
      {IPVS_CMD_DEL_DAEMON, 15},
      {IPVS_CMD_GET_DAEMON, 15},
      {IPVS_CMD_SET_CONFIG, 30},
      {IPVS_CMD_GET_CONFIG, 20},
      {IPVS_CMD_GET_INFO, 20},
      {IPVS_CMD_ZERO, 30},
      {IPVS_CMD_FLUSH, 3},
  }};
  unsigned total = 0;
  for (const auto& w : weights)
    total += w.second;
  unsigned x = r.below(total);
  for (const auto& w : weights) {
    if (x < w.second) {
      m.cmd = w.first;
      break;
    }
    x -= w.second;
  }
  uint16_t af = AF_INET;
  switch (m.cmd) {
    case IPVS_CMD_NEW_SERVICE:
    case IPVS_CMD_SET_SERVICE:
      m.attrs.push_back(svc_nest(r, true));
      break;
    case IPVS_CMD_DEL_SERVICE:
      m.attrs.push_back(svc_nest(r, false));
      break;
    case IPVS_CMD_GET_SERVICE:
      if (r.chance(50))
        m.flags |= NLM_F_DUMP;
      else
        m.attrs.push_back(svc_nest(r, false));
      break;
    case IPVS_CMD_NEW_DEST:
    case IPVS_CMD_SET_DEST:
    case IPVS_CMD_DEL_DEST:
      m.attrs.push_back(svc_nest(r, false, &af));
      if (r.chance(97))
        m.attrs.push_back(dest_nest(r, af, m.cmd != IPVS_CMD_DEL_DEST));
      break;
    case IPVS_CMD_GET_DEST:
      if (r.chance(85))
        m.flags |= NLM_F_DUMP;
      if (r.chance(95))
        m.attrs.push_back(svc_nest(r, false));
      break;
    case IPVS_CMD_NEW_DAEMON:
    case IPVS_CMD_DEL_DAEMON:
      if (r.chance(95))
        m.attrs.push_back(daemon_nest(r));
      break;
    case IPVS_CMD_GET_DAEMON:
      if (r.chance(85))
        m.flags |= NLM_F_DUMP;
      break;
    case IPVS_CMD_SET_CONFIG:
      for (uint16_t t :
           {IPVS_CMD_ATTR_TIMEOUT_TCP, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, IPVS_CMD_ATTR_TIMEOUT_UDP})
        if (r.chance(70))
          m.attrs.push_back(u32(t, timeout_value(r)));
      break;
    case IPVS_CMD_ZERO:
      if (r.chance(50))
        m.attrs.push_back(svc_nest(r, false));
      break;
    default:
      break;
  }
  return m;
}

Attr random_attr(Rng& r, int depth) {
  Attr a;
  a.type = r.chance(95) ? static_cast<uint16_t>(r.below(depth ? 18 : 9)) : r.u16();
  if (depth < 2 && r.chance(depth ? 15 : 50)) {
    a.nest = true;
    unsigned n = r.below(8);
    for (unsigned i = 0; i < n; ++i)
      a.kids.push_back(random_attr(r, depth + 1));
    return a;
  }
  size_t len = r.chance(80) ? r.pick<size_t>({0, 1, 2, 3, 4, 5, 8, 16, 17, 20}) : r.below(300);
  a.data = r.bytes(len);
  if (r.chance(30) && len)
    a.data.back() = 0;  // a string, sometimes
  return a;
}

// Any command (a few beyond the last), random attribute trees.
Msg random_msg(Rng& r) {
  Msg m;
  m.kind = "random";
  m.cmd = r.chance(95) ? static_cast<uint8_t>(r.below(kCmdMax + 5)) : static_cast<uint8_t>(r.u32());
  // FLUSH takes no attributes, so every random one would empty the table.
  if (m.cmd == IPVS_CMD_FLUSH && r.chance(95))
    m.cmd = IPVS_CMD_GET_INFO;
  unsigned n = r.below(6);
  for (unsigned i = 0; i < n; ++i)
    m.attrs.push_back(random_attr(r, 0));
  return m;
}

void collect(std::vector<Attr>& v, std::vector<Attr*>& out) {
  for (auto& a : v) {
    out.push_back(&a);
    collect(a.kids, out);
  }
}

// Breaks one thing in a message.
void mutate(Rng& r, Msg& m) {
  std::vector<Attr*> all;
  collect(m.attrs, all);
  unsigned what = r.below(10);
  if (all.empty() && what < 7)
    what = 7 + r.below(3);
  Attr* a = all.empty() ? nullptr : all[r.below(static_cast<uint32_t>(all.size()))];
  switch (what) {
    case 0: {  // duplicate an attribute (in whatever list holds it)
      std::vector<std::vector<Attr>*> lists{&m.attrs};
      for (Attr* x : all)
        if (x->nest && !x->kids.empty())
          lists.push_back(&x->kids);
      auto* l = lists[r.below(static_cast<uint32_t>(lists.size()))];
      Attr copy = (*l)[r.below(static_cast<uint32_t>(l->size()))];
      l->insert(l->begin() + r.below(static_cast<uint32_t>(l->size() + 1)), std::move(copy));
      m.kind += "+dup";
      break;
    }
    case 1:  // zero-length
      a->kids.clear();
      a->data.clear();
      m.kind += "+empty";
      break;
    case 2:  // odd or wrong width
      if (a->nest)
        a->data = r.bytes(1 + r.below(7));
      else
        a->data.resize(r.chance(50) ? a->data.size() + 1 + r.below(3)
                                    : r.pick<size_t>({1, 2, 3, 4, 5, 7, 8, 9}));
      m.kind += "+width";
      break;
    case 3:  // length beyond the nest or the message
      a->lie = 1 + static_cast<int>(r.chance(50) ? r.below(8) : r.below(2000));
      m.kind += "+overlong";
      break;
    case 4:  // length shorter than its own header, or than its payload
      a->lie = -static_cast<int>(1 + r.below(6));
      m.kind += "+short";
      break;
    case 5:  // retype: flag bits, or another type
      a->type = r.chance(60) ? static_cast<uint16_t>(
                                   a->type ^ r.pick<uint16_t>({NLA_F_NESTED, NLA_F_NET_BYTEORDER}))
                             : static_cast<uint16_t>(r.below(20));
      m.kind += "+retype";
      break;
    case 6:  // a leaf becomes a nest of garbage, or a nest a leaf
      if (a->nest) {
        a->nest = false;
        a->kids.clear();
        a->data = r.bytes(r.below(12));
      } else {
        a->nest = true;
        Attr k;
        k.type = static_cast<uint16_t>(r.below(16));
        k.data = a->data;
        a->kids.push_back(std::move(k));
        a->data.clear();
      }
      m.kind += "+nesting";
      break;
    case 7:  // trailing garbage
      m.tail = r.bytes(1 + r.below(11));
      m.kind += "+tail";
      break;
    case 8:  // the message ends early: attributes run past its end
      m.cut = static_cast<int>(NLMSG_HDRLEN + r.below(64));
      m.kind += "+cut";
      break;
    default:  // header oddities
      if (r.chance(10)) {
        m.len_lie = static_cast<int>(1 + r.below(64));
        m.kind += "+nlmsg_len";
      } else {
        m.flags = static_cast<uint16_t>(
            r.chance(80)
                ? (m.flags ^ r.pick<uint16_t>({NLM_F_ACK, NLM_F_ROOT, NLM_F_MATCH, NLM_F_DUMP}))
                : r.u16());
        m.kind += "+flags";
      }
      break;
  }
}

Msg generate(uint64_t seed, uint64_t index) {
  Rng r(seed, index);
  Msg m = r.chance(70) ? valid(r) : random_msg(r);
  if (m.kind == "random" && r.chance(25))
    m.flags |= NLM_F_DUMP;
  m.version = r.chance(95) ? static_cast<uint8_t>(r.below(3)) : static_cast<uint8_t>(r.u32());
  if (r.chance(15))
    m.flags &= static_cast<uint16_t>(~NLM_F_ACK);
  if (r.chance(30)) {
    unsigned n = 1 + r.below(3);
    for (unsigned i = 0; i < n; ++i)
      mutate(r, m);
  }
  return m;
}

// ---- sending and counting ----

bool state_changing(uint8_t cmd) {
  switch (cmd) {
    case IPVS_CMD_NEW_SERVICE:
    case IPVS_CMD_SET_SERVICE:
    case IPVS_CMD_DEL_SERVICE:
    case IPVS_CMD_NEW_DEST:
    case IPVS_CMD_SET_DEST:
    case IPVS_CMD_DEL_DEST:
    case IPVS_CMD_NEW_DAEMON:
    case IPVS_CMD_DEL_DAEMON:
    case IPVS_CMD_SET_CONFIG:
    case IPVS_CMD_ZERO:
    case IPVS_CMD_FLUSH:
      return true;
    default:
      return false;
  }
}

const char* cmd_name(unsigned cmd) {
  static const char* const names[] = {
      "UNSPEC",     "NEW_SERVICE", "SET_SERVICE", "DEL_SERVICE", "GET_SERVICE", "NEW_DEST",
      "SET_DEST",   "DEL_DEST",    "GET_DEST",    "NEW_DAEMON",  "DEL_DAEMON",  "GET_DAEMON",
      "SET_CONFIG", "GET_CONFIG",  "SET_INFO",    "GET_INFO",    "ZERO",        "FLUSH"};
  return cmd <= kCmdMax ? names[cmd] : nullptr;
}

std::string errname(int e) {
  if (!e)
    return "OK";
  const char* n = strerrorname_np(e);
  return n ? n : "E" + std::to_string(e);
}

// What became of one message.
struct Sent {
  uint8_t cmd = 0;
  bool checked = false;  // state-changing and reached the family's checks
  bool answered = false;
  int err = 0;
};

class Fuzzer {
 public:
  Fuzzer(int fd, uint16_t family, uint64_t from, uint64_t count)
      : fd_(fd), family_(family), from_(from), sent_(count), buf_(1 << 17) {}

  void send_batch(const std::vector<Bytes>& msgs) {
    Bytes all;
    for (const auto& b : msgs)
      all.insert(all.end(), b.begin(), b.end());
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    iovec iov{all.data(), all.size()};
    msghdr mh{};
    mh.msg_name = &to;
    mh.msg_namelen = sizeof(to);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    ++batches_;
    if (sendmsg(fd_, &mh, MSG_DONTWAIT) < 0)
      ++send_errors_[errno];
    drain(0);
  }

  // Reads what is queued; with a timeout, until the socket stays quiet.
  void drain(int timeout_ms) {
    for (;;) {
      ssize_t n = recv(fd_, buf_.data(), buf_.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        if (errno == ENOBUFS) {
          ++overruns_;
          continue;
        }
        if (errno != EAGAIN)
          die("recv");
        if (!timeout_ms)
          return;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0)
          return;
        continue;
      }
      int len = static_cast<int>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf_.data()); NLMSG_OK(h, len);
           h = NLMSG_NEXT(h, len))
        answer(h);
    }
  }

  Sent& at(uint64_t index) { return sent_[index - from_]; }

  void print(double secs) const {
    std::map<std::string, uint64_t> total;
    for (const auto& [cmd, errs] : per_cmd_) {
      const char* n = cmd_name(cmd);
      std::printf("cmd %u %s:", cmd, n ? n : "-");
      for (const auto& [e, c] : errs) {
        std::printf(" %s=%llu", errname(e).c_str(), static_cast<unsigned long long>(c));
        total[errname(e)] += c;
      }
      std::printf("\n");
    }
    std::printf("ANSWERS");
    for (const auto& [e, c] : total)
      std::printf(" %s=%llu", e.c_str(), static_cast<unsigned long long>(c));
    std::printf("\n");

    uint64_t checked = 0;
    uint64_t eperm = 0;
    uint64_t other = 0;
    uint64_t none = 0;
    uint64_t unanswered = 0;
    std::map<std::string, uint64_t> other_errs;
    int64_t first_other = -1;
    for (const auto& s : sent_) {
      unanswered += !s.answered;
      if (!s.checked)
        continue;
      ++checked;
      if (!s.answered)
        ++none;
      else if (s.err == EPERM)
        ++eperm;
      else
        ++other, ++other_errs[cmd_name(s.cmd) + std::string(":") + errname(s.err)];
      if (s.answered && s.err != EPERM && first_other < 0)
        first_other = static_cast<int64_t>(from_ + static_cast<uint64_t>(&s - sent_.data()));
    }
    std::printf("STATE sent=%llu EPERM=%llu other=%llu none=%llu",
                static_cast<unsigned long long>(checked), static_cast<unsigned long long>(eperm),
                static_cast<unsigned long long>(other), static_cast<unsigned long long>(none));
    for (const auto& [k, c] : other_errs)
      std::printf(" %s=%llu", k.c_str(), static_cast<unsigned long long>(c));
    if (first_other >= 0)
      std::printf(" first_other=%lld", static_cast<long long>(first_other));
    std::printf("\n");
    std::printf(
        "SUMMARY sent=%zu batches=%llu secs=%.1f rate=%.0f replies=%llu unanswered=%llu "
        "overruns=%llu foreign=%llu",
        sent_.size(), static_cast<unsigned long long>(batches_), secs,
        secs > 0 ? static_cast<double>(sent_.size()) / secs : 0.0,
        static_cast<unsigned long long>(replies_), static_cast<unsigned long long>(unanswered),
        static_cast<unsigned long long>(overruns_), static_cast<unsigned long long>(foreign_));
    for (const auto& [e, c] : send_errors_)
      std::printf(" send_%s=%llu", errname(e).c_str(), static_cast<unsigned long long>(c));
    std::printf("\n");
  }

 private:
  void answer(const nlmsghdr* h) {
    uint64_t i = h->nlmsg_seq;
    // Sequence numbers are the low 32 bits of the index.
    uint64_t base = from_ & ~0xffffffffULL;
    if (i + base < from_)
      base += 1ULL << 32;
    i += base;
    if (i < from_ || i - from_ >= sent_.size()) {
      ++foreign_;
      return;
    }
    Sent& s = sent_[i - from_];
    if (h->nlmsg_type != NLMSG_ERROR && h->nlmsg_type != NLMSG_DONE) {
      ++replies_;
      return;
    }
    int err = 0;
    if (h->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
      std::memcpy(&err, NLMSG_DATA(h), sizeof(err));
    err = -err;
    ++per_cmd_[s.cmd][err];
    if (!s.answered) {
      s.answered = true;
      s.err = err;
    }
  }

  int fd_;
  uint16_t family_;
  uint64_t from_;
  std::vector<Sent> sent_;
  Bytes buf_;
  std::map<unsigned, std::map<int, uint64_t>> per_cmd_;
  std::map<int, uint64_t> send_errors_;
  uint64_t batches_ = 0, replies_ = 0, overruns_ = 0, foreign_ = 0;
};

int open_genl() {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd < 0)
    die("socket");
  int one = 1;
  int big = 4 << 20;
  // Errors without the request echoed: smaller answers, fewer overruns.
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0)
    die("bind");
  return fd;
}

// CTRL_CMD_GETFAMILY "IPVS" -> the family id; 0 if it is not registered.
uint16_t resolve(int fd) {
  Msg m;
  m.cmd = CTRL_CMD_GETFAMILY;
  // No ACK: one left queued would count as the answer to message 0.
  m.flags = NLM_F_REQUEST;
  m.attrs.push_back(str(CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME));
  Bytes b = encode(m, GENL_ID_CTRL, 0);
  if (send(fd, b.data(), b.size(), 0) < 0)
    die("send");
  Bytes buf(1 << 16);
  for (;;) {
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n < 0)
      die("recv");
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len);
         h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_ERROR) {
        int err;
        std::memcpy(&err, NLMSG_DATA(h), sizeof(err));
        if (err)
          return 0;
        continue;
      }
      size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
      const auto* p = reinterpret_cast<const uint8_t*>(h);
      while (off + NLA_HDRLEN <= h->nlmsg_len) {
        nlattr a;
        std::memcpy(&a, p + off, sizeof(a));
        if (a.nla_len < NLA_HDRLEN)
          break;
        if ((a.nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
          uint16_t id;
          std::memcpy(&id, p + off + NLA_HDRLEN, sizeof(id));
          return id;
        }
        off += NLA_ALIGN(a.nla_len);
      }
      return 0;
    }
  }
}

void drop_to_nobody() {
  if (setgroups(0, nullptr) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
    die("dropping to nobody");
}

void write_file(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    die(path);
  if (write(fd, text, std::strlen(text)) < 0)
    die(path);
  close(fd);
}

// Root in a new user namespace that owns a new network namespace.  The
// maps are written by a root parent: on Debian's 6.1 the child's own
// writes to /proc/self/setgroups fail with EACCES even once dumpable.
void enter_userns() {
  int ready[2];
  int go[2];
  if (pipe(ready) < 0 || pipe(go) < 0)
    die("pipe");
  pid_t pid = fork();
  if (pid < 0)
    die("fork");
  char c = 0;
  if (pid > 0) {
    close(ready[1]);
    close(go[0]);
    if (read(ready[0], &c, 1) == 1) {
      std::string dir = "/proc/" + std::to_string(pid) + "/";
      write_file((dir + "setgroups").c_str(), "deny");
      write_file((dir + "uid_map").c_str(), "0 65534 1");
      write_file((dir + "gid_map").c_str(), "0 65534 1");
      if (write(go[1], &c, 1) != 1)
        die("pipe write");
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
      die("waitpid");
    std::exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  }
  close(ready[0]);
  close(go[1]);
  drop_to_nobody();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
    die("unshare(CLONE_NEWUSER|CLONE_NEWNET)");
  if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
    die("waiting for the uid map");
  // What this process may do here, for the log.
  FILE* f = std::fopen("/proc/self/status", "r");
  char line[256];
  while (f && std::fgets(line, sizeof(line), f))
    if (!std::strncmp(line, "CapEff:", 7) || !std::strncmp(line, "Uid:", 4))
      std::printf("userns %s", line);
  if (f)
    std::fclose(f);
}

uint64_t number(const char* s) {
  char* end;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 0);
  if (errno || *end || !*s)
    usage("bad number");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1;
  uint64_t count = 1000;
  uint64_t from = 0;
  bool nobody = false;
  bool userns = false;
  bool hex = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() {
      if (i + 1 >= argc)
        usage("missing value");
      return number(argv[++i]);
    };
    if (a == "--seed")
      seed = value();
    else if (a == "--count")
      count = value();
    else if (a == "--from")
      from = value();
    else if (a == "--as-nobody")
      nobody = true;
    else if (a == "--userns")
      userns = true;
    else if (a == "--hex")
      hex = true;
    else
      usage("unknown option");
  }
  if (userns)
    enter_userns();
  else if (nobody)
    drop_to_nobody();

  int fd = open_genl();
  uint16_t family = resolve(fd);
  if (!family) {
    std::fprintf(stderr, "nlfuzz: the IPVS family is not registered\n");
    return 1;
  }
  Fuzzer fz(fd, family, from, count);
  std::map<std::string, uint64_t> kinds;
  timespec t0{};
  timespec t1{};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (uint64_t i = from; i < from + count;) {
    // Most sendmsg calls carry one message, some a batch of up to 32.
    Rng br(seed, i, 0xba7c4);
    uint64_t n = br.chance(75) ? 1 : 2 + br.below(31);
    n = std::min(n, from + count - i);
    std::vector<Bytes> batch;
    for (uint64_t k = 0; k < n; ++k, ++i) {
      Msg m = generate(seed, i);
      Bytes b = encode(m, family, static_cast<uint32_t>(i));
      ++kinds[m.kind.substr(0, m.kind.find('+')) +
              (m.kind.find('+') != std::string::npos ? "+mutated" : "")];
      Sent& s = fz.at(i);
      s.cmd = m.cmd;
      // A state-changing request the IPVS family gets to judge: a whole
      // genl header, a request, a length the kernel accepts.
      s.checked = state_changing(m.cmd) && (m.flags & NLM_F_REQUEST) && m.len_lie == 0 &&
                  b.size() >= NLMSG_HDRLEN + GENL_HDRLEN &&
                  (m.cut < 0 || static_cast<size_t>(m.cut) >= NLMSG_HDRLEN + GENL_HDRLEN);
      if (hex) {
        std::fprintf(stderr, "msg %llu %s cmd %u:", static_cast<unsigned long long>(i),
                     m.kind.c_str(), m.cmd);
        for (uint8_t c : b)
          std::fprintf(stderr, " %02x", c);
        std::fprintf(stderr, "\n");
      }
      batch.push_back(std::move(b));
      // The kernel drops the rest of a batch after a lying nlmsg_len.
      if (m.len_lie) {
        ++i;
        break;
      }
    }
    fz.send_batch(batch);
  }
  fz.drain(300);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = static_cast<double>(t1.tv_sec - t0.tv_sec) +
                static_cast<double>(t1.tv_nsec - t0.tv_nsec) / 1e9;
  std::printf("kinds:");
  for (const auto& [k, c] : kinds)
    std::printf(" %s=%llu", k.c_str(), static_cast<unsigned long long>(c));
  std::printf("\n");
  fz.print(secs);
  return 0;
}
