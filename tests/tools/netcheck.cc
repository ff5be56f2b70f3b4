// netcheck: the lab's probe for real TCP, UDP and SCTP traffic.
//
//   netcheck serve PROTO PORT NAME [ADDR...]
//       Answer every message with "NAME <message>" (TCP and SCTP: each
//       connection gets a thread; UDP: each datagram is answered).  With
//       ADDRs (TCP and SCTP only), listen on each of them alone: an SCTP
//       server behind DR bound to the VIP advertises no other address in
//       its INIT-ACK, which the client would otherwise reach directly.
//   netcheck ask PROTO ADDR PORT MESSAGE [COUNT]
//       COUNT times (default 1), open a new flow, send MESSAGE, check that
//       the answer echoes it, print the answering server's NAME per line.
//       Exit 0 only if every flow got a correct answer.  With
//       $NETCHECK_SPORTS=DIR, append each flow's source port to
//       DIR/PROTO-ADDR.  With $NETCHECK_SOURCE=ADDR, send from ADDR (a
//       client on a DR director, whose real servers hold the VIP too),
//       and with $NETCHECK_SOURCE_PORT=PORT too, from that port: every
//       ask one flow (UDP).
//
// PROTO is tcp, udp or sctp; ADDR is IPv4 or IPv6.  Every wait is bounded.

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sockaddr_util.h"

namespace {

constexpr int kIoTimeoutMs = 3000;
constexpr int kConnectTimeoutS = 10;
constexpr size_t kMaxMessage = 4000;  // IPv4 and IPv6 fragments too

struct Proto {
  int type;
  int protocol;
};

std::optional<Proto> parse_proto(std::string_view name) {
  if (name == "tcp")
    return Proto{SOCK_STREAM, IPPROTO_TCP};
  if (name == "udp")
    return Proto{SOCK_DGRAM, IPPROTO_UDP};
  if (name == "sctp")
    return Proto{SOCK_STREAM, IPPROTO_SCTP};
  return std::nullopt;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "netcheck: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage() {
  std::fputs(
      "usage: netcheck serve PROTO PORT NAME [ADDR...]\n"
      "       netcheck ask PROTO ADDR PORT MESSAGE [COUNT]\n",
      stderr);
  std::exit(2);
}

bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, kIoTimeoutMs) == 1;
}

void answer_stream(int fd, std::string name) {
  char buf[kMaxMessage];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0)
      break;
    std::string reply = name + " " + std::string(buf, static_cast<size_t>(n));
    if (send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0)
      break;
  }
  close(fd);
}

// Answer each datagram from the address it was sent to: in DR the request is
// to the VIP, and a client's connected socket drops replies from anywhere
// else.  IPV6_PKTINFO carries that address for IPv4 (mapped) and IPv6 alike.
[[noreturn]] void serve_datagrams(int fd, const std::string& name) {
  int on = 1;
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)
    die("IPV6_RECVPKTINFO");
  char buf[kMaxMessage];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))];
  for (;;) {
    sockaddr_in6 peer{};
    iovec iov{buf, sizeof(buf)};
    msghdr msg{};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof(peer);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0)
      continue;
    std::string reply = name + " " + std::string(buf, static_cast<size_t>(n));
    iovec out{reply.data(), reply.size()};
    msg.msg_iov = &out;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        info.ipi6_ifindex = 0;  // let routing pick the way back
        std::memcpy(CMSG_DATA(c), &info, sizeof(info));
      }
    }
    sendmsg(fd, &msg, 0);
  }
}

int serve(const Proto& proto, int port, const std::string& name) {
  int fd = socket(AF_INET6, proto.type, proto.protocol);
  if (fd < 0)
    die("socket");
  int on = 1, off = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  // One dual-stack socket serves IPv4 and IPv6 clients.
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(static_cast<uint16_t>(port));
  sa.sin6_addr = in6addr_any;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0)
    die("bind");

  if (proto.type == SOCK_DGRAM)
    serve_datagrams(fd, name);
  if (listen(fd, 128) < 0)
    die("listen");
  for (;;) {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0)
      continue;
    std::thread(answer_stream, c, name).detach();
  }
}

[[noreturn]] void accept_loop(int fd, const std::string& name) {
  for (;;) {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0)
      continue;
    std::thread(answer_stream, c, name).detach();
  }
}

// One listening socket per address, each with its own accepting thread.
int serve_on(const Proto& proto, int port, const std::string& name, char** addrs, int n) {
  if (proto.type != SOCK_STREAM)
    usage();
  std::vector<std::thread> threads;
  for (int i = 0; i < n; i++) {
    socklen_t len = 0;
    auto sa = aavs_lab::parse_sockaddr(addrs[i], port, len);
    if (!sa)
      usage();
    int fd = socket(sa->ss_family, proto.type, proto.protocol);
    if (fd < 0)
      die("socket");
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (sa->ss_family == AF_INET6)
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    if (bind(fd, reinterpret_cast<sockaddr*>(&*sa), len) < 0)
      die("bind");
    if (listen(fd, 128) < 0)
      die("listen");
    threads.emplace_back(accept_loop, fd, name);
  }
  for (auto& t : threads)
    t.join();
  return 0;
}

// With $NETCHECK_SPORTS set to a directory, each flow's source port is
// appended to DIR/PROTO-ADDR: the kernel may give a closed flow's port to a
// later one (UDP picks them at random), and a test counting one entry per
// flow must know.
void note_source_port(int fd, const std::string& path) {
  sockaddr_storage me{};
  socklen_t len = sizeof(me);
  if (path.empty() || getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) < 0)
    return;
  in_port_t port = me.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&me)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&me)->sin_port;
  if (FILE* f = std::fopen(path.c_str(), "a")) {
    std::fprintf(f, "%u\n", ntohs(port));
    std::fclose(f);
  }
}

// One flow: a fresh socket (so a fresh source port), one request, one answer;
// from SRC if it has an address (its port 0: any).
std::optional<std::string> ask_once(const Proto& proto, const sockaddr_storage& dst, socklen_t len,
                                    const std::string& message, const std::string& ports,
                                    const std::optional<sockaddr_storage>& src, socklen_t src_len) {
  int fd = socket(dst.ss_family, proto.type, proto.protocol);
  if (fd < 0)
    die("socket");
  // A fixed source port is one flow over several asks: free it at once.
  // (sin_port and sin6_port share their place.)
  if (src && reinterpret_cast<const sockaddr_in*>(&*src)->sin_port != 0) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  }
  if (src && bind(fd, reinterpret_cast<const sockaddr*>(&*src), src_len) < 0)
    die("bind source");
  std::optional<std::string> result;
  char buf[kMaxMessage + 64];
  // A SYN nobody answers would hold connect() for the kernel's two
  // minutes of retries; three of them (1 s, 3 s, 7 s) are enough here.
  timeval connect_timeout{kConnectTimeoutS, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connect_timeout, sizeof(connect_timeout));
  bool connected = connect(fd, reinterpret_cast<const sockaddr*>(&dst), len) == 0;
  if (connected)
    note_source_port(fd, ports);
  if (connected && send(fd, message.data(), message.size(), MSG_NOSIGNAL) ==
                       static_cast<ssize_t>(message.size())) {
    // A TCP answer may come in several segments (after a Packet Too Big,
    // say): read until it is "NAME " plus as much as was sent.
    std::string got;
    while (wait_readable(fd)) {
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0)
        break;
      got.append(buf, static_cast<size_t>(n));
      auto space = got.find(' ');
      if (proto.protocol != IPPROTO_TCP ||
          (space != std::string::npos && got.size() - space - 1 >= message.size()))
        break;
    }
    if (!got.empty())
      result = got;
  }
  close(fd);
  return result;
}

int ask(const Proto& proto, std::string_view proto_name, const char* addr, int port,
        const std::string& message, int count) {
  socklen_t len = 0;
  auto dst = aavs_lab::parse_sockaddr(addr, port, len);
  if (!dst)
    usage();
  std::string ports;
  if (const char* dir = std::getenv("NETCHECK_SPORTS"))
    ports = std::string(dir) + "/" + std::string(proto_name) + "-" + addr;
  std::optional<sockaddr_storage> src;
  socklen_t src_len = 0;
  if (const char* from = std::getenv("NETCHECK_SOURCE"); from && *from) {
    const char* sport = std::getenv("NETCHECK_SOURCE_PORT");
    src = aavs_lab::parse_sockaddr(from, sport ? std::atoi(sport) : 0, src_len);
    if (!src || src->ss_family != dst->ss_family)
      usage();
  }
  int failed = 0;
  for (int i = 0; i < count; i++) {
    auto reply = ask_once(proto, *dst, len, message, ports, src, src_len);
    auto space = reply ? reply->find(' ') : std::string::npos;
    if (!reply || space == std::string::npos || reply->substr(space + 1) != message) {
      std::printf("FAILED %s\n", reply ? "wrong-answer" : "no-answer");
      failed++;
      continue;
    }
    std::printf("%s\n", reply->substr(0, space).c_str());
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    usage();
  std::string_view verb = argv[1];
  if (verb == "serve" && argc >= 5) {
    auto proto = parse_proto(argv[2]);
    if (!proto)
      usage();
    if (argc > 5)
      return serve_on(*proto, std::atoi(argv[3]), argv[4], argv + 5, argc - 5);
    return serve(*proto, std::atoi(argv[3]), argv[4]);
  }
  if (verb == "ask" && (argc == 6 || argc == 7)) {
    auto proto = parse_proto(argv[2]);
    if (!proto || std::strlen(argv[5]) > kMaxMessage)
      usage();
    int count = argc == 7 ? std::atoi(argv[6]) : 1;
    return ask(*proto, argv[2], argv[3], std::atoi(argv[4]), argv[5], count);
  }
  usage();
}
