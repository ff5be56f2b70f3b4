// conntrain: many long-lived connections through a load-balancer cluster,
// checked every few hundred milliseconds, plus a steady train of new ones.
//
//   conntrain serve PROTO PORT NAME [ADDR...]
//       Echo server: every line "L\n" is answered with "NAME L\n".  Bound
//       to each ADDR (default: the dual-stack wildcard).  SCTP servers
//       should be bound to the VIPs only, so that INIT-ACK advertises no
//       other address the client could reach bypassing the directors.
//       SIGTERM/SIGINT abort every connection (RST, SCTP ABORT) and exit:
//       nothing of this server lingers in the kernel for a later client
//       that happens to reuse a port.
//   conntrain run PROTO PORT --to ADDR [--to ADDR...] [options]
//       --hold N         long-lived connections (default 300), spread over
//                        the --to addresses in turn
//       --interval MS    one request/echo per held connection every MS
//                        (default 100)
//       --rate R         new connections per second (default 10)
//       --duration S     stop after S seconds (default: at SIGTERM/SIGINT)
//       --stall MS       a request unanswered this long is stalled and the
//                        connection counts as broken (default 15000)
//       --status FILE    rewritten every second: "held=... slow=... broken=..."
//                        (slow: requests outstanding for over 3 s, longer
//                        than a busy lab's ordinary round trip)
//       --trace-new NAME print "NEWTO NAME src=... dst=..." for (at most
//                        ten) new connections NAME answered
//       --report FILE    at the end, one "CONN ..." line per held connection,
//                        whatever its state (stdout shows the first broken ones)
//
// Output (stdout, one line each): "READY held=N" once every held
// connection has opened and answered once; "NEWFAIL state=.. src=.. dst=.."
// for (at most ten) new connections refused or failed; "PHASE K ..." on
// SIGUSR1 with the counters since the previous phase; at the end "CONN ..."
// for every held connection that did not survive, then
//   SUMMARY proto=P target=N held=H broken=B reset=.. stalled=.. wrong=..
//           open_failed=.. new_ok=.. new_refused=.. new_failed=..
//           new_by=NAME:COUNT,... exchanges=.. max_rtt_ms=..
// held: connections alive and correct at the end; broken: reset + stalled
// + wrong.  On stop, requests in flight are given up to --stall to finish.
//
// One thread, epoll, a 10 ms tick; every wait is bounded.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sockaddr_util.h"

namespace {

constexpr int kTickMs = 10;
constexpr int kConnectTimeoutMs = 20000;
constexpr int kNewTimeoutMs = 10000;
constexpr int kMaxOpening = 32;  // held connections opening at once
constexpr size_t kMaxLine = 4096;
constexpr int kMaxConnLines = 10;
constexpr int kSlowMs = 3000;

struct Proto {
  std::string name;
  int protocol;
};

std::optional<Proto> parse_proto(std::string_view name) {
  if (name == "tcp")
    return Proto{"tcp", IPPROTO_TCP};
  if (name == "sctp")
    return Proto{"sctp", IPPROTO_SCTP};
  return std::nullopt;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "conntrain: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage() {
  std::fputs(
      "usage: conntrain serve tcp|sctp PORT NAME [ADDR...]\n"
      "       conntrain run tcp|sctp PORT --to ADDR [--to ADDR...] [--hold N]\n"
      "                 [--interval MS] [--rate R] [--duration S] [--stall MS]\n"
      "                 [--status FILE] [--trace-new NAME] [--report FILE]\n",
      stderr);
  std::exit(2);
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void set_nonblock(int fd) {
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
    die("fcntl");
}

struct Addr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  std::string text;
};

std::optional<Addr> parse_addr(const std::string& text, int port) {
  Addr a;
  auto ss = aavs_lab::parse_sockaddr(text.c_str(), port, a.len);
  if (!ss)
    return std::nullopt;
  a.ss = *ss;
  a.text = text;
  return a;
}

std::string addr_text(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
    port = ntohs(v4->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  auto* v6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
  port = ntohs(v6->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

// A socket's own address and port, "" if it has none.
std::string local_text(int fd) {
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) < 0)
    return "";
  return addr_text(local);
}

// The signals that end a run or mark a phase, read from a signalfd.
int signal_fd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0)
    die("signalfd");
  return fd;
}

void epoll_set(int ep, int op, int fd, uint32_t events, uint64_t token) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(ep, op, fd, &ev) < 0)
    die("epoll_ctl");
}

// Requests and echoes are single small writes that wait for each other:
// Nagle would only add delay.
void no_delay(int fd, const Proto& proto) {
  int on = 1;
  if (proto.protocol == IPPROTO_TCP)
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  else
    setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
}

// ---------------------------------------------------------------- server

struct Peer {
  int fd;
  std::string in, out;
};

int serve(const Proto& proto, int port, const std::string& name,
          const std::vector<std::string>& binds) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    die("epoll_create1");
  std::vector<std::string> addrs = binds;
  if (addrs.empty())
    addrs.push_back("::");
  std::vector<int> listeners;
  for (const auto& text : addrs) {
    auto a = parse_addr(text, port);
    if (!a)
      usage();
    int fd = socket(a->ss.ss_family, SOCK_STREAM, proto.protocol);
    if (fd < 0)
      die("socket");
    int on = 1, off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    // The wildcard serves IPv4 and IPv6; a named IPv6 address only itself.
    if (a->ss.ss_family == AF_INET6)
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, text == "::" ? &off : &on, sizeof(int));
    if (bind(fd, reinterpret_cast<sockaddr*>(&a->ss), a->len) < 0)
      die("bind");
    if (listen(fd, 1024) < 0)
      die("listen");
    set_nonblock(fd);
    epoll_set(ep, EPOLL_CTL_ADD, fd, EPOLLIN, static_cast<uint64_t>(fd));
    listeners.push_back(fd);
  }
  int sig = signal_fd();
  epoll_set(ep, EPOLL_CTL_ADD, sig, EPOLLIN, static_cast<uint64_t>(sig));
  std::unordered_map<int, Peer> peers;
  std::vector<epoll_event> events(256);
  char buf[8192];
  for (;;) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0 && errno != EINTR)
      die("epoll_wait");
    for (int i = 0; i < n; i++) {
      int fd = static_cast<int>(events[i].data.u64);
      if (fd == sig) {
        signalfd_siginfo si;
        if (read(sig, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1)
          continue;
        // An abortive close: a graceful one would leave the association
        // (or FIN_WAIT socket) in the kernel until its peer answers.
        linger hard{1, 0};
        for (auto& [pfd, peer] : peers) {
          setsockopt(pfd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
          close(pfd);
        }
        return 0;
      }
      bool listener = false;
      for (int l : listeners)
        listener |= l == fd;
      if (listener) {
        for (;;) {
          int c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0)
            break;
          no_delay(c, proto);
          peers[c] = Peer{c, {}, {}};
          epoll_set(ep, EPOLL_CTL_ADD, c, EPOLLIN, static_cast<uint64_t>(c));
        }
        continue;
      }
      auto it = peers.find(fd);
      if (it == peers.end())
        continue;
      Peer& p = it->second;
      bool closed = false;
      for (;;) {
        ssize_t got = recv(fd, buf, sizeof(buf), 0);
        if (got > 0) {
          p.in.append(buf, static_cast<size_t>(got));
          continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EINTR))
          closed = true;
        if (got < 0 && errno == EINTR)
          continue;
        break;
      }
      for (size_t nl; (nl = p.in.find('\n')) != std::string::npos;) {
        p.out += name + " " + p.in.substr(0, nl + 1);
        p.in.erase(0, nl + 1);
      }
      if (p.in.size() > kMaxLine)
        closed = true;
      while (!closed && !p.out.empty()) {
        ssize_t sent = send(fd, p.out.data(), p.out.size(), MSG_NOSIGNAL);
        if (sent > 0) {
          p.out.erase(0, static_cast<size_t>(sent));
        } else {
          if (sent < 0 && errno != EAGAIN)
            closed = true;
          break;
        }
      }
      if (closed) {
        close(fd);
        peers.erase(it);
      } else {
        epoll_set(ep, EPOLL_CTL_MOD, fd, p.out.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT,
                  static_cast<uint64_t>(fd));
      }
    }
  }
}

// ---------------------------------------------------------------- client

enum class State { Queued, Connecting, Idle, Waiting, Done };
enum class Result { Ok, Reset, Stalled, Wrong, OpenFailed, NewRefused, NewFailed };

const char* result_name(Result r) {
  switch (r) {
    case Result::Ok:
      return "ok";
    case Result::Reset:
      return "reset";
    case Result::Stalled:
      return "stalled";
    case Result::Wrong:
      return "wrong";
    case Result::OpenFailed:
      return "open-failed";
    case Result::NewRefused:
      return "refused";
    case Result::NewFailed:
      return "failed";
  }
  return "?";
}

struct Conn {
  uint64_t token = 0;
  bool held = true;
  int fd = -1;
  size_t target = 0;
  State state = State::Queued;
  int64_t deadline = 0;  // Connecting: give up; Idle: next request; Waiting: stalled
  int64_t sent_at = 0;
  uint64_t seq = 0;
  uint64_t exchanges = 0;
  bool answered = false;  // a held connection's first echo came back
  std::string expect, in, out;
  std::string server, local;
  Result result = Result::Ok;
  int err = 0;
  std::string detail;
};

struct Counters {
  uint64_t broken = 0, new_ok = 0, new_refused = 0, new_failed = 0;
  std::map<std::string, uint64_t> new_by;
};

struct Options {
  Proto proto;
  int port = 0;
  std::vector<Addr> targets;
  int hold = 300;
  int interval_ms = 100;
  double rate = 10;
  int duration_s = 0;
  int stall_ms = 15000;
  std::string status_file;
  std::string trace_new;
  std::string report_file;
};

// A payload that differs per connection and request, so a reply that comes
// from another connection's stream (or another server's) cannot match.
std::string payload(uint64_t token, uint64_t seq) {
  uint64_t x = token * 0x9E3779B97F4A7C15ull ^ (seq + 1) * 0xC2B2AE3D27D4EB4Full;
  std::string p;
  for (int i = 0; i < 3; i++) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(x));
    p += hex;
  }
  return p;
}

class Train {
 public:
  explicit Train(Options o) : opt_(std::move(o)) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0)
      die("epoll_create1");
    sig_ = signal_fd();
    epoll_set(ep_, EPOLL_CTL_ADD, sig_, EPOLLIN, kSignalToken);
  }

  int run() {
    start_ = now_ms();
    for (int i = 0; i < opt_.hold; i++) {
      auto c = std::make_unique<Conn>();
      c->token = static_cast<uint64_t>(i);
      c->target = static_cast<size_t>(i) % opt_.targets.size();
      queue_.push_back(c->token);
      conns_[c->token] = std::move(c);
    }
    next_token_ = static_cast<uint64_t>(opt_.hold);
    next_new_ = start_;
    std::vector<epoll_event> events(512);
    int64_t next_status = start_;
    for (;;) {
      int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), kTickMs);
      if (n < 0 && errno != EINTR)
        die("epoll_wait");
      now_ = now_ms();
      for (int i = 0; i < n; i++) {
        if (events[i].data.u64 == kSignalToken) {
          on_signal();
          continue;
        }
        auto it = conns_.find(events[i].data.u64);
        if (it != conns_.end())
          on_event(*it->second, events[i].events);
      }
      now_ = now_ms();
      if (!stopping_ && opt_.duration_s > 0 && now_ - start_ >= opt_.duration_s * 1000LL)
        begin_stop();
      tick();
      if (!ready_ && opening_done()) {
        ready_ = true;
        std::printf("READY held=%d\n", alive());
        std::fflush(stdout);
      }
      if (now_ >= next_status) {
        write_status();
        next_status = now_ + 1000;
      }
      if (stopping_ && (in_flight() == 0 || now_ >= drain_until_))
        break;
    }
    finish();
    return 0;
  }

 private:
  static constexpr uint64_t kSignalToken = ~0ull;

  void on_signal() {
    signalfd_siginfo si;
    while (read(sig_, &si, sizeof(si)) == sizeof(si)) {
      if (si.ssi_signo == SIGUSR1)
        print_phase();
      else
        begin_stop();
    }
  }

  void begin_stop() {
    if (stopping_)
      return;
    stopping_ = true;
    drain_until_ = now_ + opt_.stall_ms;
  }

  // Requests still owed an answer, and new connections still opening.
  int in_flight() const {
    int n = 0;
    for (const auto& [t, c] : conns_)
      if (c->state == State::Waiting || c->state == State::Connecting)
        n++;
    return n;
  }

  int alive() const {
    int n = 0;
    for (const auto& [t, c] : conns_)
      if (c->held && c->state != State::Done && c->answered)
        n++;
    return n;
  }

  bool opening_done() const {
    if (!queue_.empty())
      return false;
    for (const auto& [t, c] : conns_)
      if (c->held && c->state != State::Done && !c->answered)
        return false;
    return true;
  }

  void open(Conn& c) {
    const Addr& a = opt_.targets[c.target];
    c.fd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, opt_.proto.protocol);
    if (c.fd < 0)
      die("socket");
    no_delay(c.fd, opt_.proto);
    c.state = State::Connecting;
    c.deadline = now_ + (c.held ? kConnectTimeoutMs : kNewTimeoutMs);
    int rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&a.ss), a.len);
    if (rc < 0 && errno != EINPROGRESS) {
      int err = errno;
      if (c.held)
        end(c, Result::OpenFailed, err);
      else
        end(c, err == ECONNREFUSED ? Result::NewRefused : Result::NewFailed, err);
      return;
    }
    epoll_set(ep_, EPOLL_CTL_ADD, c.fd, EPOLLOUT | EPOLLIN, c.token);
  }

  void send_request(Conn& c) {
    c.seq++;
    std::string line = std::to_string(c.token) + " " + std::to_string(c.seq) + " " +
                       payload(c.token, c.seq) + "\n";
    c.expect = line;
    c.out += line;
    c.state = State::Waiting;
    c.sent_at = now_;
    c.deadline = now_ + (c.held ? opt_.stall_ms : kNewTimeoutMs);
    flush(c);
  }

  void flush(Conn& c) {
    while (!c.out.empty()) {
      ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.out.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno != EAGAIN) {
        end(c, Result::Reset, errno);
        return;
      }
      break;
    }
    if (c.state != State::Done)
      epoll_set(ep_, EPOLL_CTL_MOD, c.fd, c.out.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT, c.token);
  }

  void on_event(Conn& c, uint32_t ev) {
    if (c.state == State::Connecting) {
      if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
        return;
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        if (c.held)
          end(c, Result::OpenFailed, err);
        else
          end(c, err == ECONNREFUSED ? Result::NewRefused : Result::NewFailed, err);
        return;
      }
      c.local = local_text(c.fd);
      send_request(c);
      return;
    }
    if (c.state == State::Done)
      return;
    if (ev & EPOLLOUT)
      flush(c);
    if (c.state == State::Done)
      return;
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
      read_replies(c);
  }

  void read_replies(Conn& c) {
    char buf[8192];
    for (;;) {
      ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      // End of stream or an error: the peer (or a middlebox) reset it.
      int err = n == 0 ? 0 : errno;
      if (!c.held && c.state == State::Waiting && err == ECONNREFUSED) {
        end(c, Result::NewRefused, err);
        return;
      }
      process_lines(c);
      if (c.state != State::Done)
        end(c, c.held ? Result::Reset : Result::NewFailed, err, n == 0 ? "eof" : "");
      return;
    }
    process_lines(c);
  }

  void process_lines(Conn& c) {
    for (size_t nl; c.state != State::Done && (nl = c.in.find('\n')) != std::string::npos;) {
      std::string line = c.in.substr(0, nl + 1);
      c.in.erase(0, nl + 1);
      auto space = line.find(' ');
      std::string server = space == std::string::npos ? "" : line.substr(0, space);
      std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
      if (c.state != State::Waiting || rest != c.expect ||
          (!c.server.empty() && server != c.server)) {
        end(c, c.held ? Result::Wrong : Result::NewFailed, 0,
            "got '" + line.substr(0, line.size() - 1) + "'");
        return;
      }
      c.server = server;
      c.exchanges++;
      exchanges_++;
      max_rtt_ = std::max(max_rtt_, now_ - c.sent_at);
      if (!c.held) {
        total_.new_ok++;
        phase_.new_ok++;
        total_.new_by[server]++;
        phase_.new_by[server]++;
        if (server == opt_.trace_new && ++trace_lines_ <= kMaxConnLines) {
          std::printf("NEWTO %s src=%s dst=%s\n", server.c_str(), c.local.c_str(),
                      opt_.targets[c.target].text.c_str());
          std::fflush(stdout);
        }
        end(c, Result::Ok, 0);
        return;
      }
      c.answered = true;
      c.state = State::Idle;
      // Spread the first requests over one interval; then keep the pace.
      c.deadline = c.exchanges == 1 ? now_ + static_cast<int64_t>(c.token * 7919 % opt_.interval_ms)
                                    : c.sent_at + opt_.interval_ms;
    }
    if (c.in.size() > kMaxLine)
      end(c, c.held ? Result::Wrong : Result::NewFailed, 0, "long line");
  }

  void end(Conn& c, Result r, int err, std::string detail = "") {
    // A connection that never opened still has a port: name it.
    if (c.fd >= 0 && c.local.empty())
      c.local = local_text(c.fd);
    if (c.fd >= 0)
      close(c.fd);  // close() also leaves the epoll set
    c.fd = -1;
    c.state = State::Done;
    c.result = r;
    c.err = err;
    c.detail = std::move(detail);
    if (c.held) {
      if (r == Result::Reset || r == Result::Stalled || r == Result::Wrong) {
        total_.broken++;
        phase_.broken++;
      }
      // The first few broken connections say why; the summary counts all.
      if (r != Result::Ok && ++conn_lines_ <= kMaxConnLines) {
        print_conn(stdout, c);
        std::fflush(stdout);
      }
    } else {
      if (r == Result::NewRefused) {
        total_.new_refused++;
        phase_.new_refused++;
      } else if (r == Result::NewFailed) {
        total_.new_failed++;
        phase_.new_failed++;
      }
      if (r != Result::Ok && ++newfail_lines_ <= kMaxConnLines) {
        std::printf("NEWFAIL state=%s src=%s dst=%s err=%s%s%s\n", result_name(r),
                    c.local.empty() ? "-" : c.local.c_str(), opt_.targets[c.target].text.c_str(),
                    c.err ? std::strerror(c.err) : "-", c.detail.empty() ? "" : " ",
                    c.detail.c_str());
        std::fflush(stdout);
      }
      finished_new_.push_back(c.token);
    }
  }

  void print_conn(FILE* f, const Conn& c) const {
    std::fprintf(f, "CONN id=%llu state=%s src=%s dst=%s server=%s exchanges=%llu err=%s%s%s\n",
                 static_cast<unsigned long long>(c.token), result_name(c.result), c.local.c_str(),
                 opt_.targets[c.target].text.c_str(), c.server.empty() ? "-" : c.server.c_str(),
                 static_cast<unsigned long long>(c.exchanges), c.err ? std::strerror(c.err) : "-",
                 c.detail.empty() ? "" : " ", c.detail.c_str());
  }

  void write_report() const {
    if (opt_.report_file.empty())
      return;
    FILE* f = std::fopen(opt_.report_file.c_str(), "w");
    if (!f)
      return;
    for (const auto& [t, c] : conns_)
      if (c->held)
        print_conn(f, *c);
    std::fclose(f);
  }

  void tick() {
    // Held connections open a few at a time: a burst of hundreds of
    // handshakes would only measure the guest's patience.
    int opening = 0;
    for (const auto& [t, c] : conns_)
      if (c->held && c->state == State::Connecting)
        opening++;
    while (!queue_.empty() && opening < kMaxOpening && !stopping_) {
      open(*conns_[queue_.front()]);
      queue_.erase(queue_.begin());
      opening++;
    }
    if (!stopping_ && opt_.rate > 0 && ready_) {
      while (next_new_ <= now_) {
        auto c = std::make_unique<Conn>();
        c->token = next_token_++;
        c->held = false;
        c->target = static_cast<size_t>(c->token) % opt_.targets.size();
        Conn& ref = *c;
        conns_[c->token] = std::move(c);
        open(ref);
        next_new_ += static_cast<int64_t>(1000.0 / opt_.rate);
      }
    } else if (!ready_) {
      next_new_ = now_;
    }
    for (auto& [t, c] : conns_) {
      switch (c->state) {
        case State::Connecting:
          if (now_ >= c->deadline)
            end(*c, c->held ? Result::OpenFailed : Result::NewFailed, ETIMEDOUT);
          break;
        case State::Idle:
          if (!stopping_ && now_ >= c->deadline)
            send_request(*c);
          break;
        case State::Waiting:
          if (now_ >= c->deadline)
            end(*c, c->held ? Result::Stalled : Result::NewFailed, ETIMEDOUT, "no answer");
          break;
        default:
          break;
      }
    }
    for (uint64_t t : finished_new_)
      conns_.erase(t);
    finished_new_.clear();
  }

  std::string tally(const std::map<std::string, uint64_t>& by) const {
    std::string s;
    for (const auto& [name, n] : by)
      s += (s.empty() ? "" : ",") + name + ":" + std::to_string(n);
    return s.empty() ? "-" : s;
  }

  void print_phase() {
    phase_no_++;
    std::printf(
        "PHASE %d held=%d broken=%llu new_ok=%llu new_refused=%llu new_failed=%llu new_by=%s\n",
        phase_no_, alive(), static_cast<unsigned long long>(phase_.broken),
        static_cast<unsigned long long>(phase_.new_ok),
        static_cast<unsigned long long>(phase_.new_refused),
        static_cast<unsigned long long>(phase_.new_failed), tally(phase_.new_by).c_str());
    std::fflush(stdout);
    phase_ = Counters{};
  }

  void write_status() {
    if (opt_.status_file.empty())
      return;
    int slow = 0;
    for (const auto& [t, c] : conns_)
      if (c->held && c->state == State::Waiting && now_ - c->sent_at > kSlowMs)
        slow++;
    std::string tmp = opt_.status_file + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f)
      return;
    std::fprintf(f, "held=%d slow=%d broken=%llu ready=%d\n", alive(), slow,
                 static_cast<unsigned long long>(total_.broken), ready_ ? 1 : 0);
    std::fclose(f);
    std::rename(tmp.c_str(), opt_.status_file.c_str());
  }

  void finish() {
    // What is still waiting at the end of the drain never got its answer.
    for (auto& [t, c] : conns_) {
      if (c->state == State::Waiting)
        end(*c, c->held ? Result::Stalled : Result::NewFailed, ETIMEDOUT, "no answer at stop");
      else if (c->state == State::Connecting)
        end(*c, c->held ? Result::OpenFailed : Result::NewFailed, ETIMEDOUT);
    }
    uint64_t reset = 0, stalled = 0, wrong = 0, open_failed = 0;
    for (const auto& [t, c] : conns_) {
      if (!c->held)
        continue;
      switch (c->result) {
        case Result::Reset:
          reset++;
          break;
        case Result::Stalled:
          stalled++;
          break;
        case Result::Wrong:
          wrong++;
          break;
        case Result::OpenFailed:
          open_failed++;
          break;
        default:
          break;
      }
    }
    int held = 0;
    for (const auto& [t, c] : conns_)
      if (c->held && c->result == Result::Ok && c->answered)
        held++;
    std::printf(
        "SUMMARY proto=%s target=%d held=%d broken=%llu reset=%llu stalled=%llu wrong=%llu "
        "open_failed=%llu new_ok=%llu new_refused=%llu new_failed=%llu new_by=%s exchanges=%llu "
        "max_rtt_ms=%lld\n",
        opt_.proto.name.c_str(), opt_.hold, held,
        static_cast<unsigned long long>(reset + stalled + wrong),
        static_cast<unsigned long long>(reset), static_cast<unsigned long long>(stalled),
        static_cast<unsigned long long>(wrong), static_cast<unsigned long long>(open_failed),
        static_cast<unsigned long long>(total_.new_ok),
        static_cast<unsigned long long>(total_.new_refused),
        static_cast<unsigned long long>(total_.new_failed), tally(total_.new_by).c_str(),
        static_cast<unsigned long long>(exchanges_), static_cast<long long>(max_rtt_));
    std::fflush(stdout);
    write_status();
    write_report();
  }

  Options opt_;
  int ep_ = -1, sig_ = -1;
  std::map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::vector<uint64_t> queue_, finished_new_;
  uint64_t next_token_ = 0, exchanges_ = 0;
  int64_t start_ = 0, now_ = 0, next_new_ = 0, drain_until_ = 0, max_rtt_ = 0;
  bool ready_ = false, stopping_ = false;
  int phase_no_ = 0, conn_lines_ = 0, trace_lines_ = 0, newfail_lines_ = 0;
  Counters total_, phase_;
};

int run(int argc, char** argv) {
  if (argc < 4)
    usage();
  Options o;
  auto proto = parse_proto(argv[2]);
  if (!proto)
    usage();
  o.proto = *proto;
  o.port = std::atoi(argv[3]);
  for (int i = 4; i < argc; i++) {
    std::string_view a = argv[i];
    if (i + 1 >= argc)
      usage();
    const char* v = argv[++i];
    if (a == "--to") {
      auto addr = parse_addr(v, o.port);
      if (!addr)
        usage();
      o.targets.push_back(*addr);
    } else if (a == "--hold") {
      o.hold = std::atoi(v);
    } else if (a == "--interval") {
      o.interval_ms = std::max(1, std::atoi(v));
    } else if (a == "--rate") {
      o.rate = std::atof(v);
    } else if (a == "--duration") {
      o.duration_s = std::atoi(v);
    } else if (a == "--stall") {
      o.stall_ms = std::max(100, std::atoi(v));
    } else if (a == "--status") {
      o.status_file = v;
    } else if (a == "--trace-new") {
      o.trace_new = v;
    } else if (a == "--report") {
      o.report_file = v;
    } else {
      usage();
    }
  }
  if (o.targets.empty() || o.port <= 0 || o.hold < 0)
    usage();
  return Train(std::move(o)).run();
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
    std::vector<std::string> binds(argv + 5, argv + argc);
    signal(SIGPIPE, SIG_IGN);
    return serve(*proto, std::atoi(argv[3]), argv[4], binds);
  }
  if (verb == "run")
    return run(argc, argv);
  usage();
}
