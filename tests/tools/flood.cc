// flood: new flows at a virtual service as fast as asked, from spoofed
// sources, for the lab's hardening cases (churn under load, spoofed
// mid-stream floods).
//
//   flood --dst ADDR --src ADDR [--hosts N] [--sports LO-HI] [--ports P,P...]
//         [--proto tcp|udp] [--flags syn|ack] [--count N] [--rate PPS]
//         [--duration S]
//
// Packet I comes from source port LO + I % (HI-LO+1) of host SRC + I / that
// (wrapping after N hosts), to the next of PORTS in turn: every packet is a
// flow of its own until the pool wraps.  TCP segments carry SYN or a bare
// ACK (a mid-stream packet, which only sloppy_tcp turns into a conn).  A raw
// socket sends them; the kernel routes them, so SRC need not be local.
// Prints "sent N packets in T s (R pps)".

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "flood: %s\n"
               "usage: flood --dst ADDR --src ADDR [--hosts N] [--sports LO-HI] [--ports P,P...]\n"
               "             [--proto tcp|udp] [--flags syn|ack] [--count N] [--rate PPS]\n"
               "             [--duration S]\n",
               why);
  std::exit(2);
}

struct Config {
  int af = 0;
  in6_addr dst{}, src{};
  uint32_t hosts = 1;
  uint16_t sport_lo = 1024, sport_hi = 65535;
  std::vector<uint16_t> ports{80};
  bool tcp = true, syn = true;
  uint64_t count = 0;  // 0: until --duration
  uint32_t rate = 1000;
  double duration = 0;
};

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

uint32_t sum16(const void* data, size_t len, uint32_t sum = 0) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (len & 1)
    sum += static_cast<uint32_t>(p[len - 1] << 8);
  return sum;
}

uint16_t fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<uint16_t>(~sum & 0xffff));
}

// SRC + N: the low 32 bits of the address count up.
in6_addr host_plus(int af, const in6_addr& base, uint32_t n) {
  in6_addr a = base;
  uint32_t w;
  size_t off = af == AF_INET ? 0 : 12;
  std::memcpy(&w, a.s6_addr + off, 4);
  w = htonl(ntohl(w) + n);
  std::memcpy(a.s6_addr + off, &w, 4);
  return a;
}

// The transport header of packet I (checksum over the pseudo header).
size_t build_l4(const Config& c, const in6_addr& src, uint16_t sport, uint16_t dport, uint64_t i,
                uint8_t* out) {
  size_t alen = c.af == AF_INET ? 4 : 16;
  size_t len = c.tcp ? 20 : 8 + 8;  // UDP carries 8 bytes of payload
  std::memset(out, 0, len);
  out[0] = static_cast<uint8_t>(sport >> 8);
  out[1] = static_cast<uint8_t>(sport);
  out[2] = static_cast<uint8_t>(dport >> 8);
  out[3] = static_cast<uint8_t>(dport);
  if (c.tcp) {
    uint32_t seq = htonl(static_cast<uint32_t>(i * 2654435761u));
    std::memcpy(out + 4, &seq, 4);
    if (!c.syn)
      std::memcpy(out + 8, &seq, 4);  // any ack number will do
    out[12] = 5 << 4;
    out[13] = c.syn ? 0x02 : 0x10;
    out[14] = 0xfa;  // window 64000
  } else {
    out[4] = static_cast<uint8_t>(len >> 8);
    out[5] = static_cast<uint8_t>(len);
    std::memcpy(out + 8, "aavsfld", 8);
  }
  uint32_t sum = sum16(src.s6_addr, alen);
  sum = sum16(c.dst.s6_addr, alen, sum);
  sum += (c.tcp ? IPPROTO_TCP : IPPROTO_UDP) + static_cast<uint32_t>(len);
  sum = sum16(out, len, sum);
  uint16_t ck = fold(sum);
  if (!c.tcp && ck == 0)
    ck = 0xffff;
  std::memcpy(out + (c.tcp ? 16 : 6), &ck, 2);
  return len;
}

size_t build(const Config& c, uint64_t i, uint8_t* pkt, sockaddr_storage& to, socklen_t& tolen) {
  uint32_t span = static_cast<uint32_t>(c.sport_hi - c.sport_lo + 1);
  uint16_t sport = static_cast<uint16_t>(c.sport_lo + i % span);
  in6_addr src = host_plus(c.af, c.src, static_cast<uint32_t>((i / span) % c.hosts));
  uint16_t dport = c.ports[i % c.ports.size()];
  uint8_t proto = c.tcp ? IPPROTO_TCP : IPPROTO_UDP;
  std::memset(&to, 0, sizeof(to));
  if (c.af == AF_INET) {
    size_t l4 = build_l4(c, src, sport, dport, i, pkt + 20);
    size_t tot = 20 + l4;
    std::memset(pkt, 0, 20);
    pkt[0] = 0x45;
    pkt[2] = static_cast<uint8_t>(tot >> 8);
    pkt[3] = static_cast<uint8_t>(tot);
    pkt[8] = 64;
    pkt[9] = proto;
    std::memcpy(pkt + 12, src.s6_addr, 4);
    std::memcpy(pkt + 16, c.dst.s6_addr, 4);
    uint16_t ck = fold(sum16(pkt, 20));
    std::memcpy(pkt + 10, &ck, 2);
    auto* sin = reinterpret_cast<sockaddr_in*>(&to);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, c.dst.s6_addr, 4);
    tolen = sizeof(*sin);
    return tot;
  }
  size_t l4 = build_l4(c, src, sport, dport, i, pkt + 40);
  std::memset(pkt, 0, 40);
  pkt[0] = 0x60;
  pkt[4] = static_cast<uint8_t>(l4 >> 8);
  pkt[5] = static_cast<uint8_t>(l4);
  pkt[6] = proto;
  pkt[7] = 64;
  std::memcpy(pkt + 8, src.s6_addr, 16);
  std::memcpy(pkt + 24, c.dst.s6_addr, 16);
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&to);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_addr = c.dst;
  tolen = sizeof(*sin6);
  return 40 + l4;
}

int parse_addr(const char* text, in6_addr& out) {
  if (inet_pton(AF_INET, text, out.s6_addr) == 1)
    return AF_INET;
  if (inet_pton(AF_INET6, text, &out) == 1)
    return AF_INET6;
  usage("not an address");
}

uint64_t number(const std::string& v) {
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (errno || !end || *end || v.empty())
    usage(("not a number: " + v).c_str());
  return n;
}

Config parse(int argc, char** argv) {
  Config c;
  int src_af = 0;
  for (int i = 1; i < argc; i += 2) {
    std::string o = argv[i];
    if (i + 1 >= argc)
      usage(("missing value for " + o).c_str());
    std::string v = argv[i + 1];
    if (o == "--dst") {
      c.af = parse_addr(v.c_str(), c.dst);
    } else if (o == "--src") {
      src_af = parse_addr(v.c_str(), c.src);
    } else if (o == "--hosts") {
      c.hosts = static_cast<uint32_t>(number(v));
    } else if (o == "--sports") {
      auto dash = v.find('-');
      if (dash == std::string::npos)
        usage("--sports wants LO-HI");
      c.sport_lo = static_cast<uint16_t>(number(v.substr(0, dash)));
      c.sport_hi = static_cast<uint16_t>(number(v.substr(dash + 1)));
    } else if (o == "--ports") {
      c.ports.clear();
      size_t pos = 0;
      while (pos <= v.size()) {
        size_t comma = v.find(',', pos);
        if (comma == std::string::npos)
          comma = v.size();
        c.ports.push_back(static_cast<uint16_t>(number(v.substr(pos, comma - pos))));
        pos = comma + 1;
      }
    } else if (o == "--proto") {
      if (v != "tcp" && v != "udp")
        usage("--proto is tcp or udp");
      c.tcp = v == "tcp";
    } else if (o == "--flags") {
      if (v != "syn" && v != "ack")
        usage("--flags is syn or ack");
      c.syn = v == "syn";
    } else if (o == "--count") {
      c.count = number(v);
    } else if (o == "--rate") {
      c.rate = static_cast<uint32_t>(number(v));
    } else if (o == "--duration") {
      c.duration = static_cast<double>(number(v));
    } else {
      usage(("unknown option " + o).c_str());
    }
  }
  if (!c.af || !src_af)
    usage("--dst and --src are required");
  if (c.af != src_af)
    usage("--src and --dst must be of one family");
  if (!c.hosts || c.sport_lo > c.sport_hi || !c.rate || c.ports.empty())
    usage("empty pool or zero rate");
  if (!c.count && c.duration <= 0)
    usage("--count or --duration is required");
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Config c = parse(argc, argv);
  int fd = socket(c.af, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) {
    std::perror("flood: socket");
    return 1;
  }
  // Raw IPv4 sockets with IPPROTO_RAW imply IP_HDRINCL; IPv6 ones need it.
  int one = 1;
  if (c.af == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof(one)) < 0) {
    std::perror("flood: IPV6_HDRINCL");
    return 1;
  }
  uint8_t pkt[128];
  sockaddr_storage to{};
  socklen_t tolen = 0;
  double t0 = now_s(), end = c.duration > 0 ? t0 + c.duration : 0;
  uint64_t sent = 0, errors = 0;
  for (uint64_t i = 0; !c.count || i < c.count; i++) {
    // Paced in batches of rate/100: at most 10 ms ahead of schedule.
    if (i % 64 == 0) {
      double now = now_s();
      if (end && now >= end)
        break;
      double due = t0 + static_cast<double>(i) / c.rate;
      if (due > now)
        usleep(static_cast<useconds_t>((due - now) * 1e6));
    }
    size_t len = build(c, i, pkt, to, tolen);
    if (sendto(fd, pkt, len, 0, reinterpret_cast<sockaddr*>(&to), tolen) < 0)
      errors++;
    else
      sent++;
  }
  double t = now_s() - t0;
  std::printf("sent %llu packets in %.1f s (%.0f pps), %llu send errors\n",
              static_cast<unsigned long long>(sent), t, t > 0 ? static_cast<double>(sent) / t : 0.0,
              static_cast<unsigned long long>(errors));
  return sent ? 0 : 1;
}
