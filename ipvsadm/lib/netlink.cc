#include "lib/netlink.h"

#include <netlink/attr.h>

#include <cerrno>
#include <system_error>

namespace aavs::ipvs {

SocketPtr make_socket() {
  SocketPtr sock(nl_socket_alloc());
  if (!sock) {
    throw std::system_error(ENOMEM, std::generic_category(), "nl_socket_alloc");
  }
  return sock;
}

MessagePtr make_message() {
  MessagePtr msg(nlmsg_alloc());
  if (!msg) {
    throw std::system_error(ENOMEM, std::generic_category(), "nlmsg_alloc");
  }
  return msg;
}

NestGuard::NestGuard(nl_msg* msg, int type) : msg_(msg), nest_(nla_nest_start(msg, type)) {
  if (nest_ == nullptr) {
    throw std::system_error(EMSGSIZE, std::generic_category(), "nla_nest_start");
  }
}

NestGuard::~NestGuard() {
  if (nest_ != nullptr) {
    nla_nest_cancel(msg_, nest_);
  }
}

void NestGuard::close() {
  if (nest_ != nullptr) {
    nla_nest_end(msg_, nest_);
    nest_ = nullptr;
  }
}

void check_put(int rc) {
  if (rc < 0) {
    throw std::system_error(EMSGSIZE, std::generic_category(), "nla_put");
  }
}

}  // namespace aavs::ipvs
