// pktcap: the IP packets of one protocol that arrive on an interface, as
// hex, one line each, so that two runs of the same traffic can be compared
// byte for byte (the lab has no tcpdump).
//
//   pktcap IFACE PROTO COUNT TIMEOUT_MS
//
// PROTO is the IP protocol number of the outermost header (17 for UDP, 47
// for GRE, 4 for IPIP, 41 for IPv6-in-IP), in an IPv4 packet or as an IPv6
// packet's next header.  Prints "# listening" once the socket is bound,
// then each matching packet received on IFACE (the network header on, no
// link layer) until COUNT are printed or TIMEOUT_MS pass without one.
// Exit 0 if COUNT were seen, 1 if it timed out first.

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "pktcap: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

// The protocol of the outermost header after IP, or -1.
int outer_protocol(const uint8_t* p, ssize_t n) {
  if (n >= 20 && (p[0] >> 4) == 4)
    return p[9];
  if (n >= 40 && (p[0] >> 4) == 6)
    return p[6];
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: pktcap IFACE PROTO COUNT TIMEOUT_MS\n");
    return 2;
  }
  const unsigned ifindex = if_nametoindex(argv[1]);
  if (ifindex == 0)
    die(argv[1]);
  const int proto = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  const int timeout_ms = std::atoi(argv[4]);

  const int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
  if (fd < 0)
    die("socket");
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(ifindex);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) < 0)
    die("bind");
  std::printf("# listening\n");
  std::fflush(stdout);

  int seen = 0;
  static uint8_t buf[65536];
  while (seen < count) {
    pollfd pfd{fd, POLLIN, 0};
    const int r = poll(&pfd, 1, timeout_ms);
    if (r < 0)
      die("poll");
    if (r == 0)
      return 1;
    sockaddr_ll from{};
    socklen_t fromlen = sizeof(from);
    const ssize_t n =
        recvfrom(fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &fromlen);
    if (n < 0)
      die("recvfrom");
    if (from.sll_pkttype == PACKET_OUTGOING || outer_protocol(buf, n) != proto)
      continue;
    for (ssize_t i = 0; i < n; ++i)
      std::printf("%02x", buf[i]);
    std::printf("\n");
    std::fflush(stdout);
    ++seen;
  }
  return 0;
}
