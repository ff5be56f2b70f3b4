// Fuzzers must not wait on name servers: host names other than "localhost" do not resolve.
// Linked into the fuzz executables only; their definitions take precedence over libc's.
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): glibc's names are reserved
extern "C" int getaddrinfo(const char* node, const char* /*service*/, const addrinfo* /*hints*/,
                           addrinfo** res) {
  if (node == nullptr || std::strcmp(node, "localhost") != 0) {
    return EAI_NONAME;
  }
  auto* ai = static_cast<addrinfo*>(std::calloc(1, sizeof(addrinfo) + sizeof(sockaddr_in)));
  if (ai == nullptr) {
    return EAI_MEMORY;
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(ai + 1);
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ai->ai_family = AF_INET;
  ai->ai_addr = reinterpret_cast<sockaddr*>(sin);
  ai->ai_addrlen = sizeof(sockaddr_in);
  *res = ai;
  return 0;
}

// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): as above
extern "C" void freeaddrinfo(addrinfo* res) {
  std::free(res);
}
