// Move-only owners of libnl objects, and a guard that closes (or cancels) an attribute nest.
#pragma once

#include <netlink/msg.h>
#include <netlink/socket.h>

#include <memory>

namespace aavs::ipvs {

struct SocketDeleter {
  void operator()(nl_sock* sock) const { nl_socket_free(sock); }
};
struct MessageDeleter {
  void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};

using SocketPtr = std::unique_ptr<nl_sock, SocketDeleter>;
using MessagePtr = std::unique_ptr<nl_msg, MessageDeleter>;

// Allocates; throws std::system_error(ENOMEM) on failure.
SocketPtr make_socket();
MessagePtr make_message();

// Opens a nest on construction. close() finishes it; if never closed, the nest is cancelled
// so an exception half-way leaves no partial attribute behind.
class NestGuard {
 public:
  NestGuard(nl_msg* msg, int type);
  NestGuard(const NestGuard&) = delete;
  NestGuard& operator=(const NestGuard&) = delete;
  NestGuard(NestGuard&&) = delete;
  NestGuard& operator=(NestGuard&&) = delete;
  ~NestGuard();

  void close();

 private:
  nl_msg* msg_;
  nlattr* nest_;
};

// Throws std::system_error(EMSGSIZE-like errno) when a libnl put failed.
void check_put(int rc);

}  // namespace aavs::ipvs
