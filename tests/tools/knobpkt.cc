// knobpkt: single packets the sysctl cases need, exactly as they ask.
//
//   knobpkt icmp-err [--bad-csum] SRC DST PROTO QSRC QSPORT QDST QDPORT MTU
//       Send one "fragmentation needed" (IPv4) or "packet too big" (IPv6)
//       from SRC to DST, quoting a PROTO (tcp|udp) packet QSRC:QSPORT ->
//       QDST:QDPORT and advertising MTU.  --bad-csum sends it with its
//       ICMP checksum off by one.  SRC need not be local (raw IP).
//   knobpkt short SRC DST tcp|udp|sctp LEN
//       Send one packet whose transport header is cut to its first LEN
//       bytes (those of a header from port 40000 to port 80).
//   knobpkt udp-from [--ttl N] SPORT DST DPORT [WAIT_MS]
//       From local port SPORT, send one datagram to DST:DPORT on a
//       connected socket and wait up to WAIT_MS (default 2000) for an
//       answer; print "refused" if an ICMP port unreachable came back,
//       "answered" or "silence".  --ttl sends it with hop count N and
//       reports an ICMP error as "time-exceeded from ADDR" (the router
//       or director that sent it), "unreachable from ADDR", ...
//
// Exit 0 when the packet went out (and, for udp-from, whatever came back).

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sockaddr_util.h"

namespace {

using Bytes = std::vector<uint8_t>;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "knobpkt: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: knobpkt icmp-err [--bad-csum] SRC DST tcp|udp QSRC QSPORT QDST QDPORT MTU\n"
               "       knobpkt short SRC DST tcp|udp|sctp LEN\n"
               "       knobpkt udp-from [--ttl N] SPORT DST DPORT [WAIT_MS]\n");
  std::exit(2);
}

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}

void append(Bytes& b, const void* p, size_t n) {
  const auto* c = static_cast<const uint8_t*>(p);
  b.insert(b.end(), c, c + n);
}

// The Internet checksum's running sum of B, to be folded by fold().
uint32_t sum16(const Bytes& b, uint32_t s = 0) {
  for (size_t i = 0; i < b.size(); i += 2)
    s += static_cast<uint32_t>(b[i] << 8) | (i + 1 < b.size() ? b[i + 1] : 0);
  return s;
}

uint16_t fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}

void set16(Bytes& b, size_t off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v >> 8);
  b[off + 1] = static_cast<uint8_t>(v);
}

struct Addr {
  bool v6 = false;
  in_addr a4{};
  in6_addr a6{};
};

Addr parse_addr(const char* text) {
  Addr a;
  if (inet_pton(AF_INET, text, &a.a4) == 1)
    return a;
  if (inet_pton(AF_INET6, text, &a.a6) == 1) {
    a.v6 = true;
    return a;
  }
  usage();
}

// An IP header of PROTO carrying PAYLOAD bytes (IPv4: with its checksum).
Bytes ip_header(const Addr& src, const Addr& dst, uint8_t proto, size_t payload) {
  Bytes h;
  if (src.v6) {
    put32(h, 0x60000000);
    put16(h, static_cast<uint16_t>(payload));
    h.push_back(proto);
    h.push_back(64);
    append(h, &src.a6, 16);
    append(h, &dst.a6, 16);
    return h;
  }
  put16(h, 0x4500);
  put16(h, static_cast<uint16_t>(20 + payload));
  put32(h, 0x00004000);  // id 0, DF
  h.push_back(64);
  h.push_back(proto);
  put16(h, 0);
  append(h, &src.a4, 4);
  append(h, &dst.a4, 4);
  set16(h, 10, fold(sum16(h)));
  return h;
}

// One IP packet of PROTO carrying PAYLOAD from SRC to DST.  IPPROTO_RAW:
// every header byte is ours (IPv4: the kernel redoes only the header
// checksum and length).
void send_raw(const Addr& src, const Addr& dst, uint8_t proto, const Bytes& payload) {
  bool v6 = src.v6;
  Bytes pkt = ip_header(src, dst, proto, payload.size());
  pkt.insert(pkt.end(), payload.begin(), payload.end());
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0)
    die("socket");
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_addr = dst.a6;
    len = sizeof(*a);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_addr = dst.a4;
    len = sizeof(*a);
  }
  if (sendto(fd, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) < 0)
    die("sendto");
  close(fd);
}

int icmp_err(int argc, char** argv) {
  bool bad = false;
  int i = 2;
  if (i < argc && std::string(argv[i]) == "--bad-csum") {
    bad = true;
    i++;
  }
  if (argc - i != 8)
    usage();
  Addr src = parse_addr(argv[i]), dst = parse_addr(argv[i + 1]);
  std::string proto = argv[i + 2];
  Addr qsrc = parse_addr(argv[i + 3]), qdst = parse_addr(argv[i + 5]);
  auto qsport = static_cast<uint16_t>(std::atoi(argv[i + 4]));
  auto qdport = static_cast<uint16_t>(std::atoi(argv[i + 6]));
  auto mtu = static_cast<uint32_t>(std::atoi(argv[i + 7]));
  if (proto != "tcp" && proto != "udp")
    usage();
  if (src.v6 != dst.v6 || qsrc.v6 != src.v6 || qdst.v6 != src.v6)
    usage();
  bool v6 = src.v6;
  uint8_t qproto = proto == "tcp" ? IPPROTO_TCP : IPPROTO_UDP;

  // The quoted packet: a big one the path could not take, its first 8
  // bytes of transport header (ports, then UDP length or TCP sequence).
  Bytes l4;
  put16(l4, qsport);
  put16(l4, qdport);
  put32(l4, qproto == IPPROTO_UDP ? (1408u << 16) : 1);
  Bytes quoted = ip_header(qsrc, qdst, qproto, 1400);
  quoted.insert(quoted.end(), l4.begin(), l4.end());

  Bytes icmp;
  icmp.push_back(v6 ? 2 : 3);  // packet too big / destination unreachable
  icmp.push_back(v6 ? 0 : 4);  // -, fragmentation needed
  put16(icmp, 0);
  if (v6)
    put32(icmp, mtu);
  else
    put32(icmp, mtu & 0xffff);
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());

  uint32_t s = 0;
  if (v6) {  // the pseudo header
    Bytes ph;
    append(ph, &src.a6, 16);
    append(ph, &dst.a6, 16);
    put32(ph, static_cast<uint32_t>(icmp.size()));
    put32(ph, IPPROTO_ICMPV6);
    s = sum16(ph);
  }
  uint16_t csum = fold(sum16(icmp, s));
  set16(icmp, 2, bad ? static_cast<uint16_t>(csum + 1) : csum);

  uint8_t iproto = v6 ? uint8_t{IPPROTO_ICMPV6} : uint8_t{IPPROTO_ICMP};
  send_raw(src, dst, iproto, icmp);
  return 0;
}

int short_header(int argc, char** argv) {
  if (argc != 6)
    usage();
  Addr src = parse_addr(argv[2]), dst = parse_addr(argv[3]);
  std::string proto = argv[4];
  auto len = static_cast<size_t>(std::atoi(argv[5]));
  if (src.v6 != dst.v6)
    usage();
  // A whole header, then cut: TCP (a SYN), UDP, or SCTP's common header
  // and an INIT chunk header.
  Bytes l4;
  put16(l4, 40000);
  put16(l4, 80);
  uint8_t p = IPPROTO_UDP;
  if (proto == "tcp") {
    p = IPPROTO_TCP;
    put32(l4, 1);
    put32(l4, 0);
    put16(l4, 0x5002);
    put16(l4, 64000);
    put32(l4, 0);
  } else if (proto == "udp") {
    put16(l4, 8);
    put16(l4, 0);
  } else if (proto == "sctp") {
    p = IPPROTO_SCTP;
    put32(l4, 0);
    put32(l4, 0);
    put32(l4, 0x01000014);  // INIT, length 20
  } else {
    usage();
  }
  if (len > l4.size())
    usage();
  l4.resize(len);
  send_raw(src, dst, p, l4);
  return 0;
}

// An ICMP error queued on FD (IP_RECVERR): "time-exceeded from ADDR",
// "unreachable from ADDR" or "error TYPE from ADDR"; empty if none.
std::string queued_error(int fd, bool v6) {
  char cbuf[512];
  char data[64];
  iovec iov{data, sizeof(data)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof(cbuf);
  if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0)
    return "";
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
          (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
      continue;
    const auto* ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
    char addr[INET6_ADDRSTRLEN] = "?";
    const sockaddr* off = SO_EE_OFFENDER(ee);
    if (off->sa_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(off)->sin_addr, addr, sizeof(addr));
    else if (off->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(off)->sin6_addr, addr,
                sizeof(addr));
    const int exceeded = v6 ? 3 : 11;  // ICMPV6_TIME_EXCEED, ICMP_TIME_EXCEEDED
    const int unreach = v6 ? 1 : 3;
    if (ee->ee_type == exceeded)
      return std::string("time-exceeded from ") + addr;
    if (ee->ee_type == unreach)
      return std::string("unreachable from ") + addr;
    return "error " + std::to_string(ee->ee_type) + " from " + addr;
  }
  return "";
}

int udp_from(int argc, char** argv) {
  int ttl = 0;
  if (argc > 2 && std::string(argv[2]) == "--ttl") {
    if (argc < 4)
      usage();
    ttl = std::atoi(argv[3]);
    argv += 2;
    argc -= 2;
  }
  if (argc != 5 && argc != 6)
    usage();
  int wait_ms = argc == 6 ? std::atoi(argv[5]) : 2000;
  socklen_t dlen, slen;
  auto dst = aavs_lab::parse_sockaddr(argv[3], std::atoi(argv[4]), dlen);
  if (!dst)
    usage();
  bool v6 = dst->ss_family == AF_INET6;
  auto src = aavs_lab::parse_sockaddr(v6 ? "::" : "0.0.0.0", std::atoi(argv[2]), slen);
  int fd = socket(dst->ss_family, SOCK_DGRAM, 0);
  if (fd < 0)
    die("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (ttl > 0) {
    // The hop count to send with, and every ICMP error queued to be read.
    if ((v6 ? setsockopt(fd, SOL_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl))
            : setsockopt(fd, SOL_IP, IP_TTL, &ttl, sizeof(ttl))) < 0 ||
        (v6 ? setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one))
            : setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof(one))) < 0)
      die("setsockopt");
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&*src), slen) < 0)
    die("bind");
  if (connect(fd, reinterpret_cast<sockaddr*>(&*dst), dlen) < 0)
    die("connect");
  if (send(fd, "knobpkt", 7, 0) < 0)
    die("send");
  pollfd p{fd, POLLIN, 0};
  int n = poll(&p, 1, wait_ms);
  if (n < 0)
    die("poll");
  if (n == 0) {
    std::puts("silence");
    return 0;
  }
  if (ttl > 0) {
    std::string err = queued_error(fd, v6);
    if (!err.empty()) {
      std::puts(err.c_str());
      return 0;
    }
  }
  char buf[64];
  if (recv(fd, buf, sizeof(buf), 0) < 0) {
    if (errno != ECONNREFUSED)
      die("recv");
    std::puts("refused");
    return 0;
  }
  std::puts("answered");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    usage();
  std::string cmd = argv[1];
  if (cmd == "icmp-err")
    return icmp_err(argc, argv);
  if (cmd == "short")
    return short_header(argc, argv);
  if (cmd == "udp-from")
    return udp_from(argc, argv);
  usage();
}
