#include "lib/client.h"

#include <linux/ip_vs.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "lib/attr_codec.h"

namespace aavs::ipvs {

namespace {

[[noreturn]] void fail(int err, const char* what) {
  throw std::system_error(err, std::generic_category(), what);
}

// State shared with the libnl C callbacks for one request.
struct Exchange {
  const std::function<void(nlmsghdr*)>* on_reply = nullptr;
  bool done = false;
  int error = 0;  // positive errno
  std::exception_ptr thrown;
};

int on_valid(nl_msg* msg, void* arg) {
  auto* ex = static_cast<Exchange*>(arg);
  try {
    if (*ex->on_reply) {
      (*ex->on_reply)(nlmsg_hdr(msg));
    }
  } catch (...) {
    ex->thrown = std::current_exception();
    ex->done = true;
    return NL_STOP;
  }
  return NL_OK;
}

int on_finish(nl_msg* /*msg*/, void* arg) {
  static_cast<Exchange*>(arg)->done = true;
  return NL_STOP;
}

int on_error(sockaddr_nl* /*nla*/, nlmsgerr* err, void* arg) {
  auto* ex = static_cast<Exchange*>(arg);
  ex->error = err->error < 0 ? -err->error : err->error;
  ex->done = true;
  return NL_STOP;
}

}  // namespace

namespace {

// Why IPVS is unusable when the family is missing: 1.31 then tries the old sockopt interface and
// reports its errno (EPERM without privileges, ENOPROTOOPT without ip_vs).
int sockopt_errno() {
  const int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) {
    return errno;
  }
  ip_vs_getinfo info{};
  socklen_t len = sizeof info;
  int err = ENOPROTOOPT;
  if (getsockopt(fd, IPPROTO_IP, IP_VS_SO_GET_INFO, &info, &len) < 0) {
    err = errno;
  }
  close(fd);
  return err;  // a sockopt-only IPVS is not supported: still "Protocol not available"
}

}  // namespace

std::unique_ptr<Client> Client::connect() {
  SocketPtr sock = make_socket();
  if (genl_connect(sock.get()) < 0) {
    fail(sockopt_errno(), "genl_connect");
  }
  const int family = genl_ctrl_resolve(sock.get(), kFamilyName);
  if (family < 0) {
    fail(sockopt_errno(), "genl_ctrl_resolve");
  }
  return std::unique_ptr<Client>(new Client(std::move(sock), family));
}

Client::Client(SocketPtr sock, int family) : sock_(std::move(sock)), family_(family) {}

MessagePtr Client::request(int cmd, bool dump) const {
  MessagePtr msg = make_message();
  if (genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, dump ? NLM_F_DUMP : 0,
                  static_cast<std::uint8_t>(cmd), kGenlVersion) == nullptr) {
    fail(ENOMEM, "genlmsg_put");
  }
  return msg;
}

void Client::transact(nl_msg* msg, const ReplyHandler& on_reply) {
  // The callbacks live on the socket (not in a private nl_cb) and are re-pointed at this
  // exchange on every request; that is also what lets the host-side test shim stand in for
  // the kernel the same way for the stock ipvsadm and for us.
  Exchange ex;
  ex.on_reply = &on_reply;
  nl_sock* sk = sock_.get();
  if (nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ex) < 0 ||
      nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ex) < 0 ||
      nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &ex) < 0 ||
      nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, &ex) < 0) {
    fail(ENOMEM, "nl_socket_modify_cb");
  }
  if (nl_send_auto(sk, msg) < 0) {
    fail(EINVAL, "nl_send_auto");
  }
  while (!ex.done) {
    if (nl_recvmsgs_default(sk) < 0 && !ex.done) {
      fail(EINVAL, "nl_recvmsgs");
    }
  }
  if (ex.thrown) {
    std::rethrow_exception(ex.thrown);
  }
  if (ex.error != 0) {
    fail(ex.error, "ipvs");
  }
}

Info Client::info() {
  auto msg = request(IPVS_CMD_GET_INFO, false);
  Info info;
  bool seen = false;
  transact(msg.get(), [&](nlmsghdr* hdr) {
    info = decode_info(parse_top(hdr));
    seen = true;
  });
  if (!seen) {
    fail(EINVAL, "GET_INFO without reply");
  }
  return info;
}

std::vector<Service> Client::services() {
  auto msg = request(IPVS_CMD_GET_SERVICE, true);
  std::vector<Service> out;
  transact(msg.get(), [&](nlmsghdr* hdr) {
    out.push_back(decode_service(parse_top(hdr)[IPVS_CMD_ATTR_SERVICE]));
  });
  return out;
}

Service Client::service(const Service& key) {
  auto msg = request(IPVS_CMD_GET_SERVICE, false);
  put_service(msg.get(), key, ServiceNest::kFull);
  std::optional<Service> found;
  transact(msg.get(),
           [&](nlmsghdr* hdr) { found = decode_service(parse_top(hdr)[IPVS_CMD_ATTR_SERVICE]); });
  if (!found) {
    fail(ESRCH, "GET_SERVICE");
  }
  return *found;
}

std::vector<Destination> Client::destinations(const Service& svc) {
  auto msg = request(IPVS_CMD_GET_DEST, true);
  put_service(msg.get(), svc, ServiceNest::kIdentity);
  std::vector<Destination> out;
  transact(msg.get(), [&](nlmsghdr* hdr) {
    out.push_back(decode_destination(parse_top(hdr)[IPVS_CMD_ATTR_DEST], svc.af));
  });
  return out;
}

Timeouts Client::timeouts() {
  auto msg = request(IPVS_CMD_GET_CONFIG, false);
  Timeouts t;
  transact(msg.get(), [&](nlmsghdr* hdr) { t = decode_timeouts(parse_top(hdr)); });
  return t;
}

std::vector<Daemon> Client::daemons() {
  auto msg = request(IPVS_CMD_GET_DAEMON, true);
  std::vector<Daemon> out;
  transact(msg.get(), [&](nlmsghdr* hdr) {
    out.push_back(decode_daemon(parse_top(hdr)[IPVS_CMD_ATTR_DAEMON]));
  });
  return out;
}

void Client::add_service(const Service& svc) {
  auto msg = request(IPVS_CMD_NEW_SERVICE, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  transact(msg.get(), {});
}

void Client::update_service(const Service& svc) {
  auto msg = request(IPVS_CMD_SET_SERVICE, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  transact(msg.get(), {});
}

void Client::delete_service(const Service& svc) {
  auto msg = request(IPVS_CMD_DEL_SERVICE, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  transact(msg.get(), {});
}

void Client::zero_service(const Service& svc) {
  auto msg = request(IPVS_CMD_ZERO, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  transact(msg.get(), {});
}

void Client::zero_all() {
  auto msg = request(IPVS_CMD_ZERO, false);
  transact(msg.get(), {});
}

void Client::flush() {
  auto msg = request(IPVS_CMD_FLUSH, false);
  transact(msg.get(), {});
}

void Client::add_destination(const Service& svc, const Destination& dest) {
  auto msg = request(IPVS_CMD_NEW_DEST, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  put_destination(msg.get(), dest);
  transact(msg.get(), {});
}

void Client::update_destination(const Service& svc, const Destination& dest) {
  auto msg = request(IPVS_CMD_SET_DEST, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  put_destination(msg.get(), dest);
  transact(msg.get(), {});
}

void Client::delete_destination(const Service& svc, const Destination& dest) {
  auto msg = request(IPVS_CMD_DEL_DEST, false);
  put_service(msg.get(), svc, ServiceNest::kFull);
  put_destination(msg.get(), dest);
  transact(msg.get(), {});
}

void Client::set_timeouts(const Timeouts& timeouts) {
  auto msg = request(IPVS_CMD_SET_CONFIG, false);
  put_timeouts(msg.get(), timeouts);
  transact(msg.get(), {});
}

void Client::start_daemon(const Daemon& daemon) {
  auto msg = request(IPVS_CMD_NEW_DAEMON, false);
  put_daemon(msg.get(), daemon, true);
  transact(msg.get(), {});
}

void Client::stop_daemon(const Daemon& daemon) {
  auto msg = request(IPVS_CMD_DEL_DAEMON, false);
  put_daemon(msg.get(), daemon, false);
  transact(msg.get(), {});
}

}  // namespace aavs::ipvs
