// pktfuzz: malformed and edge-case packets at a virtual service, for the
// lab's "the kernel survives whatever the network delivers" case.
//
//   pktfuzz --if IF --dst-mac MAC --src4 A --dst4 A --src6 A --dst6 A
//           [--role client|server] [--family 4|6|46] [--ports P,P...]
//           [--hosts N] [--flows N] [--port-base P] [--seed S] [--from I]
//           [--count N] [--rate PPS] [--only C,C...] [--exclude C,C...]
//           [--dump] [--list]
//
// Frames go out through an AF_PACKET socket on IF to MAC, so every byte is
// ours: bad checksums, bad lengths, fragments.  Packet I of seed S is the
// same whatever --from, --count, --only or --exclude say (its generator is
// seeded from S and I alone), so a crash narrows to one class and one
// index: `--only CLASS --from I --count 1 --dump`.
//
// A pool of flows (HOSTS addresses counted up from the client's base
// address, FLOWS ports from PORT-BASE, each to one of PORTS) is shared by
// both roles: role client sends from the pool to the VIP (--dst), role
// server sends from a real server (--src) to the pool, so replies and ICMP
// errors of either side quote connections the other side opened.
//
// Prints one line per class ("CLASS frames") and a SUMMARY line.

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint8_t kTcp = 6, kUdp = 17, kSctp = 132, kIcmp = 1, kIcmp6 = 58;
constexpr uint8_t kGre = 47, kIpip = 4, kIp6in = 41;
constexpr uint8_t kHbh = 0, kRouting = 43, kFrag6 = 44, kDstOpts = 60, kNoNext = 59;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "pktfuzz: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "pktfuzz: %s\n"
               "usage: pktfuzz --if IF --dst-mac MAC --src4 A --dst4 A --src6 A --dst6 A\n"
               "       [--role client|server] [--family 4|6|46] [--ports P,P...]\n"
               "       [--hosts N] [--flows N] [--port-base P] [--seed S] [--from I]\n"
               "       [--count N] [--rate PPS] [--only C,..] [--exclude C,..] [--dump] [--list]\n",
               why);
  std::exit(2);
}

// One generator per packet: packet I of seed S never depends on others.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t index) : g_(mix(seed * 0x9e3779b97f4a7c15ULL + index)) {}
  uint32_t below(uint32_t n) { return n ? static_cast<uint32_t>(g_() % n) : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
  uint8_t byte() { return static_cast<uint8_t>(g_()); }
  uint16_t u16() { return static_cast<uint16_t>(g_()); }
  uint32_t u32() { return static_cast<uint32_t>(g_()); }
  Bytes bytes(size_t n) {
    Bytes b(n);
    for (auto& x : b)
      x = byte();
    return b;
  }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(static_cast<uint32_t>(v.size()))];
  }

 private:
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::mt19937_64 g_;
};

struct Addr {
  bool v6 = false;
  std::array<uint8_t, 16> b{};  // IPv4 in the first 4 bytes
  size_t len() const { return v6 ? 16 : 4; }
};

void put16(Bytes& p, size_t off, uint16_t v) {
  p[off] = static_cast<uint8_t>(v >> 8);
  p[off + 1] = static_cast<uint8_t>(v);
}
void put32(Bytes& p, size_t off, uint32_t v) {
  put16(p, off, static_cast<uint16_t>(v >> 16));
  put16(p, off + 2, static_cast<uint16_t>(v));
}
void add16(Bytes& p, uint16_t v) {
  p.push_back(static_cast<uint8_t>(v >> 8));
  p.push_back(static_cast<uint8_t>(v));
}
void add32(Bytes& p, uint32_t v) {
  add16(p, static_cast<uint16_t>(v >> 16));
  add16(p, static_cast<uint16_t>(v));
}
void append(Bytes& p, const Bytes& q) {
  p.insert(p.end(), q.begin(), q.end());
}

uint32_t sum16(const uint8_t* d, size_t n, uint32_t s = 0) {
  for (size_t i = 0; i + 1 < n; i += 2)
    s += static_cast<uint32_t>(d[i] << 8 | d[i + 1]);
  if (n & 1)
    s += static_cast<uint32_t>(d[n - 1] << 8);
  return s;
}
uint16_t fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}
uint32_t pseudo(const Addr& s, const Addr& d, uint8_t proto, size_t len) {
  uint32_t x = sum16(s.b.data(), s.len());
  x = sum16(d.b.data(), d.len(), x);
  return x + proto + static_cast<uint32_t>(len & 0xffff) + static_cast<uint32_t>(len >> 16);
}

uint32_t crc32c(const uint8_t* d, size_t n) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = c & 1 ? (c >> 1) ^ 0x82f63b78U : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = ~0U;
  for (size_t i = 0; i < n; i++)
    c = table[(c ^ d[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

// The transport checksum, as the sender's stack would compute it.
void fill_l4_csum(Bytes& l4, uint8_t proto, const Addr& s, const Addr& d) {
  auto internet = [&](size_t off, bool with_pseudo) {
    if (l4.size() < off + 2)
      return;
    l4[off] = l4[off + 1] = 0;
    uint32_t x = with_pseudo ? pseudo(s, d, proto, l4.size()) : 0;
    uint16_t c = fold(sum16(l4.data(), l4.size(), x));
    if (proto == kUdp && c == 0)
      c = 0xffff;
    put16(l4, off, c);
  };
  switch (proto) {
    case kTcp:
      internet(16, true);
      break;
    case kUdp:
      internet(6, true);
      break;
    case kIcmp:
      internet(2, false);
      break;
    case kIcmp6:
      internet(2, true);
      break;
    case kSctp:
      if (l4.size() >= 12) {
        std::memset(&l4[8], 0, 4);
        uint32_t c = crc32c(l4.data(), l4.size());
        for (int i = 0; i < 4; i++)
          l4[8 + i] = static_cast<uint8_t>(c >> (8 * i));  // little-endian
      }
      break;
    default:
      break;
  }
}

Bytes ip4(const Addr& s, const Addr& d, uint8_t proto, const Bytes& payload, uint16_t frag = 0x4000,
          uint16_t id = 1, const Bytes& opts = {}) {
  Bytes p(20);
  p.insert(p.end(), opts.begin(), opts.end());
  while (p.size() % 4)
    p.push_back(0);
  p[0] = static_cast<uint8_t>(0x40 | (p.size() / 4));
  put16(p, 2, static_cast<uint16_t>(p.size() + payload.size()));
  put16(p, 4, id);
  put16(p, 6, frag);
  p[8] = 64;
  p[9] = proto;
  std::memcpy(&p[12], s.b.data(), 4);
  std::memcpy(&p[16], d.b.data(), 4);
  put16(p, 10, fold(sum16(p.data(), p.size())));
  append(p, payload);
  return p;
}

// ext: extension headers already chained, first_next the first one's type.
Bytes ip6(const Addr& s, const Addr& d, uint8_t first_next, const Bytes& rest) {
  Bytes p(40);
  p[0] = 0x60;
  put16(p, 4, static_cast<uint16_t>(rest.size()));
  p[6] = first_next;
  p[7] = 64;
  std::memcpy(&p[8], s.b.data(), 16);
  std::memcpy(&p[24], d.b.data(), 16);
  append(p, rest);
  return p;
}

Bytes ip(const Addr& s, const Addr& d, uint8_t proto, const Bytes& payload) {
  return s.v6 ? ip6(s, d, proto, payload) : ip4(s, d, proto, payload);
}

struct Flow {
  Addr saddr, daddr;
  uint16_t sport = 0, dport = 0;
};

struct Config {
  std::string ifname;
  std::array<uint8_t, 6> dmac{};
  Addr src4, dst4, src6, dst6;
  bool server = false;
  bool v4 = true, v6 = true;
  std::vector<uint16_t> ports{80};
  uint32_t hosts = 16, flows = 64;
  uint16_t port_base = 20000;
  uint64_t seed = 1, from = 0, count = 1000;
  uint32_t rate = 0;
  std::set<std::string> only, exclude;
  bool dump = false;
};

Addr plus(Addr a, uint32_t n) {
  size_t last = a.len() - 1;
  uint32_t carry = n;
  for (size_t i = last + 1; i-- > 0 && carry;) {
    carry += a.b[i];
    a.b[i] = static_cast<uint8_t>(carry);
    carry >>= 8;
  }
  return a;
}

class Gen {
 public:
  Gen(const Config& c, Rng& r) : c_(c), r_(r) {}

  bool v6() {
    if (c_.v4 && c_.v6)
      return r_.chance(50);
    return c_.v6;
  }

  // A flow of the shared pool (pool=true) or a stranger's.
  Flow flow(bool fam6, bool pool = true) {
    Flow f;
    uint32_t host = pool ? r_.below(c_.hosts) : 1000 + r_.below(50000);
    uint16_t port =
        static_cast<uint16_t>(pool ? c_.port_base + r_.below(c_.flows) : 1024 + r_.below(60000));
    uint16_t svc = pool || r_.chance(70) ? r_.pick(c_.ports) : r_.u16();
    const Addr& me = fam6 ? c_.src6 : c_.src4;
    const Addr& peer = fam6 ? c_.dst6 : c_.dst4;
    if (!c_.server) {
      f = {plus(me, host), peer, port, svc};
    } else {
      f = {me, plus(peer, host), svc, port};
    }
    return f;
  }

  Bytes tcp(const Flow& f, uint8_t flags, const Bytes& data = {}, int doff = 5) {
    Bytes t(20);
    put16(t, 0, f.sport);
    put16(t, 2, f.dport);
    put32(t, 4, r_.u32());
    put32(t, 8, flags & 0x10 ? r_.u32() : 0);
    t[12] = static_cast<uint8_t>((doff & 0xf) << 4);
    t[13] = flags;
    put16(t, 14, 65535);
    // Options for a longer header: MSS, SACK-permitted, window scale, NOPs.
    for (int i = 5; i < doff; i++) {
      static const uint8_t opts[][4] = {{2, 4, 5, 180}, {4, 2, 1, 1}, {1, 3, 3, 7}, {1, 1, 1, 1}};
      const uint8_t* o = opts[r_.below(4)];
      t.insert(t.end(), o, o + 4);
    }
    append(t, data);
    fill_l4_csum(t, kTcp, f.saddr, f.daddr);
    return t;
  }

  Bytes udp(const Flow& f, const Bytes& data) {
    Bytes u(8);
    put16(u, 0, f.sport);
    put16(u, 2, f.dport);
    put16(u, 4, static_cast<uint16_t>(8 + data.size()));
    append(u, data);
    fill_l4_csum(u, kUdp, f.saddr, f.daddr);
    return u;
  }

  static Bytes chunk(uint8_t type, uint8_t flags, const Bytes& value) {
    Bytes ch{type, flags, 0, 0};
    put16(ch, 2, static_cast<uint16_t>(4 + value.size()));
    append(ch, value);
    while (ch.size() % 4)
      ch.push_back(0);
    return ch;
  }
  Bytes init_value() {
    Bytes v;
    add32(v, r_.u32() | 1);  // initiate tag
    add32(v, 65536);         // a_rwnd
    add16(v, 10);            // outbound streams
    add16(v, 10);            // inbound streams
    add32(v, r_.u32());      // initial TSN
    return v;
  }
  Bytes data_value() {
    Bytes v;
    add32(v, r_.u32());
    add16(v, 0);
    add16(v, 0);
    add32(v, 0);
    append(v, r_.bytes(1 + r_.below(40)));
    return v;
  }
  Bytes sctp(const Flow& f, uint32_t vtag, const Bytes& chunks) {
    Bytes s(12);
    put16(s, 0, f.sport);
    put16(s, 2, f.dport);
    put32(s, 4, vtag);
    append(s, chunks);
    fill_l4_csum(s, kSctp, f.saddr, f.daddr);
    return s;
  }

  // A well-formed transport packet of a random protocol for @f.
  Bytes any_l4(const Flow& f, uint8_t& proto) {
    switch (r_.below(3)) {
      case 0:
        proto = kTcp;
        return tcp(f, r_.pick(std::vector<uint8_t>{0x02, 0x10, 0x18, 0x11, 0x04}),
                   r_.bytes(r_.below(30)));
      case 1:
        proto = kUdp;
        return udp(f, r_.bytes(r_.below(60)));
      default:
        proto = kSctp;
        return sctp(f, r_.chance(50) ? 0 : r_.u32(),
                    r_.chance(50) ? chunk(1, 0, init_value()) : chunk(0, 3, data_value()));
    }
  }

  // Sometimes spoil a checksum the stack would check later.
  void maybe_spoil(Bytes& l4, uint8_t proto) {
    if (!r_.chance(8) || l4.size() < 4)
      return;
    size_t off = proto == kTcp ? 16 : proto == kUdp ? 6 : proto == kSctp ? 8 : 2;
    if (off < l4.size())
      l4[off] ^= static_cast<uint8_t>(1 + r_.below(255));
  }

  // ---- classes -------------------------------------------------------------

  // Real flows: SYN, then mid-stream segments from the pool's ports.
  Bytes valid_tcp(bool fam6) {
    Flow f = flow(fam6);
    static const std::vector<uint8_t> flags{0x02, 0x02, 0x10, 0x10, 0x10,
                                            0x18, 0x18, 0x11, 0x04, 0x14};
    Bytes t = tcp(f, r_.pick(flags), r_.bytes(r_.chance(50) ? r_.below(100) : 0),
                  5 + static_cast<int>(r_.below(3)));
    return ip(f.saddr, f.daddr, kTcp, t);
  }
  Bytes valid_udp(bool fam6) {
    Flow f = flow(fam6);
    return ip(f.saddr, f.daddr, kUdp, udp(f, r_.bytes(1 + r_.below(200))));
  }
  Bytes valid_sctp(bool fam6) {
    Flow f = flow(fam6);
    Bytes ch;
    uint32_t vtag = r_.u32();
    switch (r_.below(5)) {
      case 0:
        ch = chunk(1, 0, init_value());
        vtag = 0;
        break;
      case 1:
        ch = chunk(10, 0, r_.bytes(8 + r_.below(60)));
        break;  // COOKIE ECHO
      case 2:
        ch = chunk(3, 0, r_.bytes(12));
        break;  // SACK
      case 3:
        ch = chunk(7, 0, r_.bytes(4));
        break;  // SHUTDOWN
      default:
        ch = chunk(0, 3, data_value());
        break;
    }
    return ip(f.saddr, f.daddr, kSctp, sctp(f, vtag, ch));
  }

  Bytes ip4_trunc() {
    Flow f = flow(false);
    uint8_t proto;
    Bytes p = ip4(f.saddr, f.daddr, 0, any_l4(f, proto));
    p[9] = proto;
    p.resize(r_.below(static_cast<uint32_t>(p.size())));
    return p;
  }

  Bytes ip4_header() {
    Flow f = flow(false);
    uint8_t proto;
    Bytes l4 = any_l4(f, proto);
    Bytes opts;
    if (r_.chance(40)) {
      // Options: NOP, EOL, router alert, record route, garbage.
      static const std::vector<Bytes> o{{1},     {0},      {148, 4, 0, 0}, {7, 7, 4, 0, 0, 0, 0},
                                        {68, 3}, {131, 0}, {0xff, 0xff}};
      for (uint32_t i = r_.below(5); i-- > 0;)
        append(opts, r_.pick(o));
      if (opts.size() > 40)
        opts.resize(40);
    }
    Bytes p = ip4(f.saddr, f.daddr, proto, l4, 0x4000, r_.u16(), opts);
    switch (r_.below(6)) {
      case 0:
        p[0] = static_cast<uint8_t>(0x40 | r_.below(16));
        break;  // any IHL
      case 1:
        put16(p, 2, static_cast<uint16_t>(p.size() + 1 + r_.below(2000)));
        break;
      case 2:
        put16(p, 2, static_cast<uint16_t>(r_.below(static_cast<uint32_t>(p.size()))));
        break;
      case 3:
        p[0] = static_cast<uint8_t>(r_.below(16) << 4 | (p[0] & 0xf));
        break;  // version
      case 4:
        append(p, r_.bytes(1 + r_.below(64)));
        break;  // trailing bytes: tot_len < frame
      default:
        p[10] ^= 0x5a;
        return p;  // bad header checksum
    }
    p[10] = p[11] = 0;
    size_t ihl = std::min<size_t>(static_cast<size_t>(p[0] & 0xf) * 4, p.size());
    put16(p, 10, fold(sum16(p.data(), ihl)));
    return p;
  }

  // Fragments of one packet: all, some, overlapping, tiny first ones.
  std::vector<Bytes> ip4_frag() {
    Flow f = flow(false);
    uint8_t proto;
    Bytes l4 = any_l4(f, proto);
    if (r_.chance(30))
      append(l4, r_.bytes(r_.below(300)));
    uint16_t id = r_.u16();
    std::vector<Bytes> out;
    size_t off = 0;
    while (off < l4.size() && out.size() < 12) {
      size_t len = 8 * (1 + r_.below(r_.chance(50) ? 2 : 10));
      if (r_.chance(15) && off >= 8)
        off -= 8 * (1 + r_.below(static_cast<uint32_t>(off / 8)));  // overlap
      size_t end = std::min(off + len, l4.size());
      bool more = end < l4.size() || r_.chance(10);
      Bytes part(l4.begin() + static_cast<long>(off), l4.begin() + static_cast<long>(end));
      uint16_t frag = static_cast<uint16_t>((more ? 0x2000 : 0) | ((off / 8) & 0x1fff));
      if (!r_.chance(15))  // skip a piece now and then
        out.push_back(ip4(f.saddr, f.daddr, proto, part, frag, id));
      off = end;
    }
    if (r_.chance(30) && out.size() > 1)
      std::swap(out.front(), out.back());
    return out;
  }

  Bytes ip6_trunc() {
    Flow f = flow(true);
    uint8_t proto;
    Bytes p = ip6(f.saddr, f.daddr, 0, any_l4(f, proto));
    p[6] = proto;
    switch (r_.below(4)) {
      case 0:
        p.resize(r_.below(static_cast<uint32_t>(p.size())));
        break;
      case 1:
        put16(p, 4, static_cast<uint16_t>(p.size() - 40 + 1 + r_.below(1000)));
        break;
      case 2:
        put16(p, 4, static_cast<uint16_t>(r_.below(static_cast<uint32_t>(p.size() - 40))));
        break;
      default:
        p[0] = static_cast<uint8_t>(r_.below(16) << 4);
        break;
    }
    return p;
  }

  // One extension header of @type followed by @next; may lie about its size.
  Bytes ext6(uint8_t type, uint8_t next, uint16_t frag_off_m = 0) {
    Bytes h;
    if (type == kFrag6) {
      h = {next, 0, 0, 0};
      add16(h, 0);
      put16(h, 2, frag_off_m);
      add32(h, r_.u32());
      h.resize(8);
      return h;
    }
    uint8_t units = static_cast<uint8_t>(r_.below(4));
    h.assign(8 + 8 * units, 0);
    h[0] = next;
    h[1] = units;
    if (type == kRouting) {
      h[2] = static_cast<uint8_t>(r_.pick(std::vector<uint32_t>{0, 2, 3, 4, 253}));
      h[3] = static_cast<uint8_t>(r_.chance(70) ? 0 : r_.below(4));  // segments left
    } else {
      // Options: PadN filling the rest, or an unknown option whose action
      // bits ask for a parameter problem, or a router alert, or a jumbo.
      size_t i = 2;
      while (i < h.size()) {
        size_t room = h.size() - i;
        uint32_t kind = r_.below(6);
        if (kind == 0 && room >= 4) {
          h[i] = 5;  // router alert
          h[i + 1] = 2;
          i += 4;
        } else if (kind == 1 && room >= 6) {
          h[i] = 0xc2;  // jumbo payload
          h[i + 1] = 4;
          i += 6;
        } else if (kind == 2 && room >= 2) {
          h[i] = static_cast<uint8_t>(0x1e | (r_.below(4) << 6));  // unknown
          h[i + 1] = static_cast<uint8_t>(room - 2);
          i = h.size();
        } else if (room == 1) {
          h[i++] = 0;  // Pad1
        } else {
          h[i] = 1;  // PadN
          h[i + 1] = static_cast<uint8_t>(room - 2);
          i = h.size();
        }
      }
    }
    if (r_.chance(8))
      h[1] = static_cast<uint8_t>(h[1] + 1 + r_.below(30));  // longer than it is
    return h;
  }

  // Chains of hop-by-hop, routing, destination options and fragment
  // headers (many, in odd orders), ending in a transport, ICMPv6 or nothing.
  Bytes ip6_ext() {
    Flow f = flow(true);
    uint8_t proto;
    Bytes l4;
    if (r_.chance(15)) {
      proto = kNoNext;
      l4 = r_.bytes(r_.below(40));
    } else {
      l4 = any_l4(f, proto);
    }
    std::vector<uint8_t> chain;
    if (r_.chance(60))
      chain.push_back(kHbh);
    uint32_t n = r_.chance(20) ? 5 + r_.below(20) : r_.below(4);
    static const std::vector<uint8_t> kinds{kRouting, kDstOpts, kFrag6, kHbh, kDstOpts};
    for (uint32_t i = 0; i < n; i++)
      chain.push_back(r_.pick(kinds));
    Bytes rest = l4;
    uint8_t next = proto;
    for (size_t i = chain.size(); i-- > 0;) {
      uint16_t fo = 0;
      if (chain[i] == kFrag6 && r_.chance(50))
        fo = static_cast<uint16_t>(r_.chance(50) ? 1
                                                 : (r_.below(100) << 3));  // M only, or an offset
      Bytes h = ext6(chain[i], next, fo);
      append(h, rest);
      rest.swap(h);
      next = chain[i];
    }
    if (r_.chance(5))
      rest.resize(r_.below(static_cast<uint32_t>(rest.size()) + 1));
    return ip6(f.saddr, f.daddr, next, rest);
  }

  std::vector<Bytes> ip6_frag() {
    Flow f = flow(true);
    uint8_t proto;
    Bytes l4 = any_l4(f, proto);
    if (r_.chance(30))
      append(l4, r_.bytes(r_.below(300)));
    uint32_t id = r_.u32();
    std::vector<Bytes> out;
    if (r_.chance(15)) {  // atomic fragment: offset 0, no more
      Bytes h{proto, 0, 0, 0};
      add32(h, id);
      append(h, l4);
      out.push_back(ip6(f.saddr, f.daddr, kFrag6, h));
      return out;
    }
    size_t off = 0;
    while (off < l4.size() && out.size() < 12) {
      size_t len = 8 * (1 + r_.below(r_.chance(50) ? 2 : 10));
      if (r_.chance(15) && off >= 8)
        off -= 8;
      size_t end = std::min(off + len, l4.size());
      bool more = end < l4.size();
      Bytes h{proto, 0, 0, 0};
      put16(h, 2, static_cast<uint16_t>((off & ~size_t{7}) | (more ? 1 : 0)));
      add32(h, id);
      h.insert(h.end(), l4.begin() + static_cast<long>(off), l4.begin() + static_cast<long>(end));
      if (!r_.chance(15))
        out.push_back(ip6(f.saddr, f.daddr, kFrag6, h));
      off = end;
    }
    return out;
  }

  Bytes tcp_odd() {
    bool fam6 = v6();
    Flow f = flow(fam6, r_.chance(70));
    uint8_t flags;
    switch (r_.below(4)) {
      case 0:
        flags = 0;
        break;
      case 1:
        flags = 0xff;
        break;
      case 2:
        flags = 0x04;
        break;  // RST mid-flow
      default:
        flags = r_.byte();
        break;
    }
    Bytes data = r_.chance(40) ? r_.bytes(1 + r_.below(100)) : Bytes{};
    if (r_.chance(10))
      flags = 0x02;  // SYN with payload
    int doff = r_.chance(50) ? 5 : static_cast<int>(r_.below(16));
    Bytes t = tcp(f, flags, data, doff < 5 ? 5 : doff);
    t[12] = static_cast<uint8_t>((doff << 4) |
                                 (r_.chance(10) ? r_.below(16) : 0));  // also reserved bits
    if (r_.chance(20))
      t.resize(r_.below(static_cast<uint32_t>(t.size())));  // header cut short
    fill_l4_csum(t, kTcp, f.saddr, f.daddr);
    maybe_spoil(t, kTcp);
    return ip(f.saddr, f.daddr, kTcp, t);
  }

  Bytes udp_odd() {
    bool fam6 = v6();
    Flow f = flow(fam6, r_.chance(70));
    Bytes u = udp(f, r_.chance(20) ? Bytes{} : r_.bytes(1 + r_.below(100)));
    switch (r_.below(5)) {
      case 0:
        put16(u, 4, static_cast<uint16_t>(r_.below(8)));
        break;
      case 1:
        put16(u, 4, static_cast<uint16_t>(u.size() + 1 + r_.below(500)));
        break;
      case 2:
        put16(u, 4, static_cast<uint16_t>(8 + r_.below(static_cast<uint32_t>(u.size() - 7))));
        break;
      case 3:
        u.resize(r_.below(8));
        break;  // shorter than a UDP header
      default:
        break;
    }
    if (u.size() >= 8) {
      if (r_.chance(30))
        put16(u, 6, 0);  // no checksum (illegal for IPv6)
      else
        fill_l4_csum(u, kUdp, f.saddr, f.daddr);
    }
    maybe_spoil(u, kUdp);
    return ip(f.saddr, f.daddr, kUdp, u);
  }

  Bytes sctp_odd() {
    bool fam6 = v6();
    Flow f = flow(fam6, r_.chance(70));
    Bytes chunks;
    uint32_t n = r_.chance(15) ? 0 : 1 + r_.below(4);  // zero chunks too
    for (uint32_t i = 0; i < n; i++) {
      Bytes ch;
      switch (r_.below(8)) {
        case 0:
          ch = chunk(1, 0, init_value());
          break;
        case 1:
          ch = chunk(6, r_.below(2), {});
          break;  // ABORT, T bit or not
        case 2:
          ch = chunk(0, 3, data_value());
          break;
        case 3:
          ch = chunk(10, 0, r_.bytes(r_.below(80)));
          break;
        case 4:
          ch = chunk(11, 0, {});
          break;
        case 5:
          ch = chunk(14, 0, {});
          break;
        default:
          ch = chunk(r_.byte(), r_.byte(), r_.bytes(r_.below(20)));
          break;
      }
      switch (r_.below(6)) {
        case 0:
          put16(ch, 2, 0);
          break;
        case 1:
          put16(ch, 2, static_cast<uint16_t>(ch.size() | 1));
          break;  // odd
        case 2:
          put16(ch, 2, static_cast<uint16_t>(ch.size() + 4 + r_.below(2000)));
          break;
        case 3:
          put16(ch, 2, static_cast<uint16_t>(r_.below(4)));
          break;
        default:
          break;
      }
      append(chunks, ch);
    }
    if (r_.chance(15))
      chunks.resize(r_.below(static_cast<uint32_t>(chunks.size()) + 1));
    Bytes s = sctp(f, r_.chance(30) ? 0 : r_.u32(), chunks);
    if (r_.chance(10))
      s.resize(r_.below(12));
    maybe_spoil(s, kSctp);
    return ip(f.saddr, f.daddr, kSctp, s);
  }

  // The packet an ICMP error quotes: the reverse of one of our flows
  // (existing conns) or a stranger's, possibly forged and truncated.
  Bytes quoted(bool fam6, const Flow& f, int depth) {
    Flow q{f.daddr, f.saddr, f.dport, f.sport};
    uint8_t proto;
    Bytes l4;
    if (depth < 3 && r_.chance(10)) {
      // ICMP quoting ICMP (quoting ICMP...).
      proto = fam6 ? kIcmp6 : kIcmp;
      l4 = icmp_body(fam6, q, depth + 1);
    } else {
      l4 = any_l4(q, proto);
    }
    Bytes p;
    if (fam6) {
      if (r_.chance(15)) {
        uint8_t ext = r_.chance(50) ? kDstOpts : kFrag6;
        Bytes h = ext6(ext, proto, r_.chance(30) ? 8 : 0);  // a non-first fragment, sometimes
        append(h, l4);
        p = ip6(q.saddr, q.daddr, ext, h);
      } else {
        p = ip6(q.saddr, q.daddr, proto, l4);
      }
    } else {
      uint16_t frag = r_.chance(10) ? static_cast<uint16_t>(r_.below(0x2000)) : 0x4000;
      Bytes opts = r_.chance(10) ? Bytes{1, 1, 1, 1} : Bytes{};
      p = ip4(q.saddr, q.daddr, proto, l4, frag, r_.u16(), opts);
      if (r_.chance(8))
        p[0] = static_cast<uint8_t>(0x40 | r_.below(16));  // inner IHL
      if (r_.chance(5))
        put16(p, 2, r_.u16());  // inner total length
    }
    if (r_.chance(25))
      p.resize(r_.below(static_cast<uint32_t>(p.size()) + 1));  // truncated quote
    else if (r_.chance(10))
      p.resize(std::min<size_t>(p.size(), fam6 ? 44 : 24));  // IP header and half the ports
    return p;
  }

  Bytes icmp_body(bool fam6, const Flow& f, int depth) {
    Bytes b(8);
    if (fam6) {
      static const std::vector<uint32_t> types{1, 1, 2, 3, 4, 128, 135, 200};
      b[0] = static_cast<uint8_t>(r_.pick(types));
      b[1] = static_cast<uint8_t>(r_.below(8));
      put32(b, 4, b[0] == 2 ? 1280 + r_.below(200) : r_.below(64));
    } else {
      static const std::vector<uint32_t> types{3, 3, 3, 4, 11, 12, 8, 5};
      b[0] = static_cast<uint8_t>(r_.pick(types));
      b[1] = static_cast<uint8_t>(b[0] == 3 ? r_.pick(std::vector<uint32_t>{3, 4, 1, 13})
                                            : r_.below(2));
      if (b[0] == 3 && b[1] == 4)
        put16(b, 6, static_cast<uint16_t>(r_.chance(20) ? r_.below(600) : 1400));  // frag needed
    }
    append(b, quoted(fam6 && !r_.chance(3), f, depth));  // rarely: v4 inside ICMPv6
    return b;
  }

  Bytes icmp_err(bool fam6) {
    Flow f = flow(fam6, r_.chance(70));
    Bytes b = icmp_body(fam6, f, 0);
    uint8_t proto = fam6 ? kIcmp6 : kIcmp;
    fill_l4_csum(b, proto, f.saddr, f.daddr);
    maybe_spoil(b, proto);
    return ip(f.saddr, f.daddr, proto, b);
  }

  // A pool packet inside GRE, IPIP, 6in4, 4in6 or IP6IP6 to the VIP.
  Bytes encap() {
    bool outer6 = v6(), inner6 = c_.v4 && c_.v6 ? r_.chance(50) : outer6;
    Flow f = flow(inner6);
    uint8_t proto;
    Bytes l4 = any_l4(f, proto);
    Bytes inner = ip(f.saddr, f.daddr, proto, l4);
    if (r_.chance(10))
      inner.resize(r_.below(static_cast<uint32_t>(inner.size())));
    Flow o = flow(outer6);
    uint8_t oproto;
    Bytes payload;
    if (r_.chance(50)) {
      oproto = kGre;
      uint16_t flags =
          static_cast<uint16_t>(r_.chance(70) ? 0 : (r_.below(16) << 12));  // C, R, K, S bits
      if (r_.chance(5))
        flags = static_cast<uint16_t>(flags | r_.below(8));  // version
      add16(payload, flags);
      static const std::vector<uint32_t> types{0x0800, 0x86dd, 0x6558, 0x8847, 0x1234};
      uint16_t type =
          static_cast<uint16_t>(r_.chance(70) ? (inner6 ? 0x86dd : 0x0800) : r_.pick(types));
      add16(payload, type);
      for (int bit = 0; bit < 3; bit++)
        if (flags & (0x8000 >> (bit == 0 ? 0 : bit + 1)))
          add32(payload, r_.u32());
      append(payload, inner);
    } else {
      oproto = inner6 ? kIp6in : kIpip;
      payload = inner;
    }
    return ip(o.saddr, o.daddr, oproto, payload);
  }

  // A valid pool packet with bytes past the IP header flipped.
  Bytes mutate() {
    bool fam6 = v6();
    Flow f = flow(fam6);
    uint8_t proto;
    Bytes l4 = any_l4(f, proto);
    for (uint32_t n = 1 + r_.below(4); n-- > 0 && !l4.empty();)
      l4[r_.below(static_cast<uint32_t>(l4.size()))] ^= static_cast<uint8_t>(1 << r_.below(8));
    if (r_.chance(50))
      fill_l4_csum(l4, proto, f.saddr, f.daddr);
    return ip(f.saddr, f.daddr, proto, l4);
  }

  // Any protocol number, random bytes after a valid IP header.
  Bytes random_proto() {
    Flow f = flow(v6());
    return ip(f.saddr, f.daddr, r_.byte(), r_.bytes(r_.below(120)));
  }

 private:
  const Config& c_;
  Rng& r_;
};

struct Class {
  const char* name;
  unsigned weight;
  int family;  // 4, 6 or 0 for either
  std::function<std::vector<Bytes>(Gen&, bool v6)> make;
};

std::vector<Bytes> one(Bytes b) {
  return {std::move(b)};
}

const std::vector<Class>& classes() {
  static const std::vector<Class> k{
      {"valid_tcp", 14, 0, [](Gen& g, bool v6) { return one(g.valid_tcp(v6)); }},
      {"valid_udp", 6, 0, [](Gen& g, bool v6) { return one(g.valid_udp(v6)); }},
      {"valid_sctp", 6, 0, [](Gen& g, bool v6) { return one(g.valid_sctp(v6)); }},
      {"ip4_trunc", 3, 4, [](Gen& g, bool) { return one(g.ip4_trunc()); }},
      {"ip4_header", 5, 4, [](Gen& g, bool) { return one(g.ip4_header()); }},
      {"ip4_frag", 4, 4, [](Gen& g, bool) { return g.ip4_frag(); }},
      {"ip6_trunc", 3, 6, [](Gen& g, bool) { return one(g.ip6_trunc()); }},
      {"ip6_ext", 6, 6, [](Gen& g, bool) { return one(g.ip6_ext()); }},
      {"ip6_frag", 4, 6, [](Gen& g, bool) { return g.ip6_frag(); }},
      {"tcp_odd", 8, 0, [](Gen& g, bool) { return one(g.tcp_odd()); }},
      {"udp_odd", 5, 0, [](Gen& g, bool) { return one(g.udp_odd()); }},
      {"sctp_odd", 8, 0, [](Gen& g, bool) { return one(g.sctp_odd()); }},
      {"icmp_err", 8, 4, [](Gen& g, bool) { return one(g.icmp_err(false)); }},
      {"icmp6_err", 8, 6, [](Gen& g, bool) { return one(g.icmp_err(true)); }},
      {"encap", 4, 0, [](Gen& g, bool) { return one(g.encap()); }},
      {"mutate", 6, 0, [](Gen& g, bool) { return one(g.mutate()); }},
      {"random_proto", 2, 0, [](Gen& g, bool) { return one(g.random_proto()); }},
  };
  return k;
}

bool parse_mac(const char* s, std::array<uint8_t, 6>& mac) {
  unsigned v[6];
  if (std::sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
    return false;
  for (int i = 0; i < 6; i++)
    mac[static_cast<size_t>(i)] = static_cast<uint8_t>(v[i]);
  return true;
}

Addr parse_ip(const char* s, bool v6) {
  Addr a;
  a.v6 = v6;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, s, a.b.data()) != 1)
    usage("bad address");
  return a;
}

std::set<std::string> parse_set(const char* s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty())
      out.insert(item);
  for (const auto& name : out) {
    bool known = false;
    for (const auto& c : classes())
      known |= name == c.name;
    if (!known)
      usage(("no such class: " + name).c_str());
  }
  return out;
}

uint64_t number(const char* s) {
  char* end;
  errno = 0;
  uint64_t v = std::strtoull(s, &end, 0);
  if (errno || *end || end == s)
    usage("bad number");
  return v;
}

Config parse(int argc, char** argv) {
  Config c;
  bool have[6] = {};
  for (int i = 1; i < argc; i++) {
    std::string_view o = argv[i];
    if (o == "--dump") {
      c.dump = true;
      continue;
    }
    if (o == "--list") {
      for (const auto& k : classes())
        std::printf("%s\n", k.name);
      std::exit(0);
    }
    if (i + 1 >= argc)
      usage("option needs a value");
    const char* v = argv[++i];
    if (o == "--if") {
      c.ifname = v;
      have[0] = true;
    } else if (o == "--dst-mac") {
      if (!parse_mac(v, c.dmac))
        usage("bad MAC");
      have[1] = true;
    } else if (o == "--src4") {
      c.src4 = parse_ip(v, false);
      have[2] = true;
    } else if (o == "--dst4") {
      c.dst4 = parse_ip(v, false);
      have[3] = true;
    } else if (o == "--src6") {
      c.src6 = parse_ip(v, true);
      have[4] = true;
    } else if (o == "--dst6") {
      c.dst6 = parse_ip(v, true);
      have[5] = true;
    } else if (o == "--role") {
      c.server = std::string_view(v) == "server";
      if (!c.server && std::string_view(v) != "client")
        usage("role is client or server");
    } else if (o == "--family") {
      std::string_view f = v;
      c.v4 = f.find('4') != f.npos;
      c.v6 = f.find('6') != f.npos;
      if (!c.v4 && !c.v6)
        usage("family is 4, 6 or 46");
    } else if (o == "--ports") {
      c.ports.clear();
      std::stringstream ss(v);
      std::string p;
      while (std::getline(ss, p, ','))
        c.ports.push_back(static_cast<uint16_t>(number(p.c_str())));
      if (c.ports.empty())
        usage("no ports");
    } else if (o == "--hosts") {
      c.hosts = static_cast<uint32_t>(number(v));
    } else if (o == "--flows") {
      c.flows = static_cast<uint32_t>(number(v));
    } else if (o == "--port-base") {
      c.port_base = static_cast<uint16_t>(number(v));
    } else if (o == "--seed") {
      c.seed = number(v);
    } else if (o == "--from") {
      c.from = number(v);
    } else if (o == "--count") {
      c.count = number(v);
    } else if (o == "--rate") {
      c.rate = static_cast<uint32_t>(number(v));
    } else if (o == "--only") {
      c.only = parse_set(v);
    } else if (o == "--exclude") {
      c.exclude = parse_set(v);
    } else {
      usage("unknown option");
    }
  }
  for (bool h : have)
    if (!h)
      usage("--if, --dst-mac and all four addresses are required");
  if (!c.hosts || !c.flows)
    usage("--hosts and --flows must be > 0");
  return c;
}

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// Which class packet @index of the stream is: drawn from its own generator.
const Class& class_of(const Config& c, Rng& r) {
  std::vector<const Class*> usable;
  unsigned total = 0;
  for (const auto& k : classes()) {
    if ((k.family == 4 && !c.v4) || (k.family == 6 && !c.v6))
      continue;
    usable.push_back(&k);
    total += k.weight;
  }
  uint32_t x = r.below(total);
  for (const Class* k : usable) {
    if (x < k->weight)
      return *k;
    x -= k->weight;
  }
  return *usable.back();
}

}  // namespace

int main(int argc, char** argv) {
  Config c = parse(argc, argv);
  int fd = socket(AF_PACKET, SOCK_RAW, 0);  // send only: no protocol to receive
  if (fd < 0)
    die("socket(AF_PACKET)");
  unsigned ifindex = if_nametoindex(c.ifname.c_str());
  if (!ifindex)
    die("if_nametoindex");
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = static_cast<int>(ifindex);
  sll.sll_halen = 6;
  std::memcpy(sll.sll_addr, c.dmac.data(), 6);
  std::array<uint8_t, 6> smac{};
  {
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c.ifname.c_str());
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
      die("SIOCGIFHWADDR");
    std::memcpy(smac.data(), ifr.ifr_hwaddr.sa_data, 6);
  }

  std::map<std::string, uint64_t> per_class;
  uint64_t frames = 0, errors = 0;
  uint64_t start = now_ns();
  for (uint64_t i = c.from; i < c.from + c.count; i++) {
    Rng r(c.seed, i);
    const Class& k = class_of(c, r);
    if ((!c.only.empty() && !c.only.count(k.name)) || c.exclude.count(k.name))
      continue;
    Gen g(c, r);
    bool v6 = k.family ? k.family == 6 : g.v6();
    for (const Bytes& l3 : k.make(g, v6)) {
      Bytes frame(c.dmac.begin(), c.dmac.end());
      frame.insert(frame.end(), smac.begin(), smac.end());
      // The ethertype follows the version nibble the packet claims to have
      // only in general: the IP layer must also cope with liars.
      bool claims6 = !l3.empty() ? (l3[0] >> 4) == 6 : v6;
      if (r.chance(2))
        claims6 = !claims6;
      add16(frame, claims6 ? 0x86dd : 0x0800);
      append(frame, l3);
      if (c.dump) {
        std::printf("%llu %s", static_cast<unsigned long long>(i), k.name);
        for (size_t b = 0; b < frame.size(); b++)
          std::printf("%s%02x", b % 4 ? "" : " ", frame[b]);
        std::printf("\n");
      }
      if (sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&sll),
                 sizeof(sll)) < 0)
        errors++;
      frames++;
      per_class[k.name]++;
      if (c.rate) {
        uint64_t due = start + frames * 1000000000ULL / c.rate;
        uint64_t t = now_ns();
        if (due > t) {
          timespec ts{static_cast<time_t>((due - t) / 1000000000ULL),
                      static_cast<long>((due - t) % 1000000000ULL)};
          nanosleep(&ts, nullptr);
        }
      }
    }
  }
  double secs = static_cast<double>(now_ns() - start) / 1e9;
  for (const auto& [name, n] : per_class)
    std::printf("%-13s %llu\n", name.c_str(), static_cast<unsigned long long>(n));
  std::printf("SUMMARY seed=%llu from=%llu count=%llu frames=%llu send_errors=%llu seconds=%.1f\n",
              static_cast<unsigned long long>(c.seed), static_cast<unsigned long long>(c.from),
              static_cast<unsigned long long>(c.count), static_cast<unsigned long long>(frames),
              static_cast<unsigned long long>(errors), secs);
  return 0;
}
