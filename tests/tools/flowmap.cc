// flowmap: which real server answers each of many flows.
//
//   flowmap PROTO VIP PORT SRC NADDR SPORT NPORTS
//   flowmap hold tcp VIP PORT SRC NADDR SPORT NPORTS GOFILE
//
// Opens one flow per (source address, source port): NADDR addresses from
// SRC upwards (IPv4: the address + i; IPv6: the low 32 bits + i) times
// NPORTS ports from SPORT upwards.  Each flow sends one datagram (udp) or
// connects and sends one message (tcp) to VIP:PORT, and waits for a
// netcheck server's "NAME message" answer.  Prints "SRC SPORT NAME" per
// flow, NAME "-" when nothing (or a refusal) came back; a flow that got
// neither an answer nor a refusal is tried twice more.  The sources need
// not be configured: a local route for their prefix plus IP_FREEBIND is
// enough.  Flows run in windows so thousands take seconds, not minutes.
//
// hold: keep every connection open after its first answer, print
// "READY answered=N" on stderr, wait (up to 5 minutes) until GOFILE exists,
// then ask again on each connection and print "SRC SPORT FIRST SECOND": a
// connection that survived whatever happened in between answers twice,
// from the same server.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr size_t kWindow = 200;
constexpr int kAnswerMs = 3000;
constexpr char kMessage[] = "flowmap";

[[noreturn]] void usage() {
  std::fputs(
      "usage: flowmap udp|tcp VIP PORT SRC NADDR SPORT NPORTS\n"
      "       flowmap hold tcp VIP PORT SRC NADDR SPORT NPORTS GOFILE\n",
      stderr);
  std::exit(2);
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "flowmap: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

struct Addr {
  sockaddr_storage ss{};
  socklen_t len = 0;
};

Addr parse(const char* text, int port) {
  Addr a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    a.len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    a.len = sizeof(*v6);
  } else {
    usage();
  }
  return a;
}

// SRC + i, port p.
Addr source(const Addr& base, uint32_t i, int port) {
  Addr a = base;
  if (a.ss.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a.ss);
    v4->sin_addr.s_addr = htonl(ntohl(v4->sin_addr.s_addr) + i);
    v4->sin_port = htons(static_cast<uint16_t>(port));
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
    uint32_t low;
    std::memcpy(&low, &v6->sin6_addr.s6_addr[12], 4);
    low = htonl(ntohl(low) + i);
    std::memcpy(&v6->sin6_addr.s6_addr[12], &low, 4);
    v6->sin6_port = htons(static_cast<uint16_t>(port));
  }
  return a;
}

std::string text(const Addr& a) {
  char buf[INET6_ADDRSTRLEN];
  if (a.ss.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&a.ss)->sin_addr, buf, sizeof(buf));
  else
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&a.ss)->sin6_addr, buf, sizeof(buf));
  return buf;
}

enum class State { Connecting, Waiting, Done };

struct Flow {
  Addr src;
  int sport = 0;
  int fd = -1;
  State state = State::Done;
  std::string answer = "-";
};

void start(Flow& f, bool tcp, const Addr& dst) {
  int family = f.src.ss.ss_family;
  f.fd = socket(family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
  if (f.fd < 0)
    die("socket");
  int on = 1;
  setsockopt(f.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (family == AF_INET)
    setsockopt(f.fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof(on));
  else
    setsockopt(f.fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on));
  // Close with a reset: no TIME_WAIT, so a later run may reuse the pair.
  const linger abort{1, 0};
  if (tcp)
    setsockopt(f.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
  if (bind(f.fd, reinterpret_cast<const sockaddr*>(&f.src.ss), f.src.len) < 0)
    die("bind");
  if (connect(f.fd, reinterpret_cast<const sockaddr*>(&dst.ss), dst.len) < 0 &&
      errno != EINPROGRESS) {
    f.state = State::Done;
    return;
  }
  if (tcp) {
    f.state = State::Connecting;
    return;
  }
  send(f.fd, kMessage, sizeof(kMessage) - 1, 0);
  f.state = State::Waiting;
}

// Advance one flow that poll() reported ready.
void step(Flow& f, short revents) {
  if (f.state == State::Connecting) {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(f.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || !(revents & POLLOUT) ||
        send(f.fd, kMessage, sizeof(kMessage) - 1, MSG_NOSIGNAL) < 0) {
      f.state = State::Done;
      return;
    }
    f.state = State::Waiting;
    return;
  }
  char buf[512];
  ssize_t n = recv(f.fd, buf, sizeof(buf) - 1, 0);
  if (n < 0 && errno == EAGAIN)
    return;
  if (n > 0) {
    std::string_view reply(buf, static_cast<size_t>(n));
    auto space = reply.find(' ');
    if (space != std::string_view::npos && reply.substr(space + 1) == kMessage)
      f.answer = std::string(reply.substr(0, space));
  }
  f.state = State::Done;  // answered, refused (ICMP) or closed
}

// Drive the flows until each is answered or refused, or time runs out.
void wait_all(std::span<Flow> flows, int ms = kAnswerMs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    std::vector<pollfd> pfd;
    std::vector<Flow*> who;
    for (auto& f : flows) {
      if (f.state == State::Done)
        continue;
      short ev = f.state == State::Connecting ? POLLOUT : POLLIN;
      pfd.push_back({f.fd, ev, 0});
      who.push_back(&f);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (pfd.empty() || left <= 0)
      break;
    int n = poll(pfd.data(), pfd.size(), static_cast<int>(left));
    if (n < 0 && errno != EINTR)
      die("poll");
    for (size_t i = 0; i < pfd.size(); i++)
      if (pfd[i].revents)
        step(*who[i], pfd[i].revents);
  }
}

void run_window(std::span<Flow> flows, bool tcp, const Addr& dst) {
  for (auto& f : flows)
    start(f, tcp, dst);
  wait_all(flows);
  // Neither answered nor refused: a loaded lab lost or delayed a packet.
  // Ask again, twice at most, from the same address and port.
  for (int retry = 0; retry < 2; retry++) {
    bool again = false;
    for (auto& f : flows) {
      if (f.state == State::Done)
        continue;
      close(f.fd);
      start(f, tcp, dst);
      again = true;
    }
    if (!again)
      break;
    wait_all(flows);
  }
  for (auto& f : flows) {
    close(f.fd);
    std::printf("%s %d %s\n", text(f.src).c_str(), f.sport, f.answer.c_str());
  }
}

// Held connections: ask each answered one again once GOFILE exists.
int hold(std::vector<Flow>& flows, const Addr& dst, const char* gofile) {
  for (size_t i = 0; i < flows.size(); i += kWindow) {
    auto w = std::span(flows).subspan(i, std::min(kWindow, flows.size() - i));
    for (auto& f : w)
      start(f, true, dst);
    wait_all(w);
  }
  size_t answered = 0;
  for (auto& f : flows)
    answered += f.answer != "-";
  std::fprintf(stderr, "READY answered=%zu\n", answered);
  for (int i = 0; i < 6000 && access(gofile, F_OK) != 0; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

  std::vector<std::string> first;
  for (auto& f : flows) {
    first.push_back(f.answer);
    f.state = State::Done;
    if (f.answer == "-")
      continue;
    f.answer.assign(1, '-');
    if (send(f.fd, kMessage, sizeof(kMessage) - 1, MSG_NOSIGNAL) > 0)
      f.state = State::Waiting;
  }
  // Lost packets are retransmitted after an RTO: give them time.
  wait_all(flows, 4 * kAnswerMs);
  for (size_t i = 0; i < flows.size(); i++) {
    close(flows[i].fd);
    std::printf("%s %d %s %s\n", text(flows[i].src).c_str(), flows[i].sport, first[i].c_str(),
                flows[i].answer.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* gofile = nullptr;
  if (argc == 10 && std::string_view(argv[1]) == "hold" && std::string_view(argv[2]) == "tcp") {
    gofile = argv[9];
    argv++;
    argc -= 2;
  }
  if (argc != 8)
    usage();
  std::string_view proto = argv[1];
  if (proto != "udp" && proto != "tcp")
    usage();
  const bool tcp = proto == "tcp";
  const Addr dst = parse(argv[2], std::atoi(argv[3]));
  const Addr base = parse(argv[4], 0);
  const int naddr = std::atoi(argv[5]), sport = std::atoi(argv[6]), nports = std::atoi(argv[7]);
  if (base.ss.ss_family != dst.ss.ss_family || naddr < 1 || nports < 1 || sport < 1 ||
      sport + nports > 65536)
    usage();

  if (gofile) {
    std::vector<Flow> all;
    for (int p = 0; p < nports; p++) {
      for (int i = 0; i < naddr; i++) {
        Flow f;
        f.sport = sport + p;
        f.src = source(base, static_cast<uint32_t>(i), f.sport);
        all.push_back(f);
      }
    }
    return hold(all, dst, gofile);
  }

  std::vector<Flow> window;
  size_t answered = 0, total = 0;
  for (int p = 0; p < nports; p++) {
    for (int i = 0; i < naddr; i++) {
      Flow f;
      f.sport = sport + p;
      f.src = source(base, static_cast<uint32_t>(i), f.sport);
      window.push_back(f);
      if (window.size() == kWindow || (p == nports - 1 && i == naddr - 1)) {
        run_window(window, tcp, dst);
        for (auto& w : window)
          answered += w.answer != "-";
        total += window.size();
        window.clear();
      }
    }
  }
  std::fflush(stdout);
  std::fprintf(stderr, "flowmap: %zu of %zu flows answered\n", answered, total);
  return 0;
}
