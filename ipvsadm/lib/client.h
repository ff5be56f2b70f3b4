// IpvsApi over the kernel's "IPVS" generic-netlink family.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "lib/ipvs_api.h"
#include "lib/netlink.h"

namespace aavs::ipvs {

class Client final : public IpvsApi {
 public:
  // Connects and resolves the family; throws std::system_error (ENOPROTOOPT when the family
  // is not registered).
  static std::unique_ptr<Client> connect();

  Info info() override;
  std::vector<Service> services() override;
  Service service(const Service& key) override;
  std::vector<Destination> destinations(const Service& svc) override;
  Timeouts timeouts() override;
  std::vector<Daemon> daemons() override;

  void add_service(const Service& svc) override;
  void update_service(const Service& svc) override;
  void delete_service(const Service& svc) override;
  void zero_service(const Service& svc) override;
  void zero_all() override;
  void flush() override;
  void add_destination(const Service& svc, const Destination& dest) override;
  void update_destination(const Service& svc, const Destination& dest) override;
  void delete_destination(const Service& svc, const Destination& dest) override;
  void set_timeouts(const Timeouts& timeouts) override;
  void start_daemon(const Daemon& daemon) override;
  void stop_daemon(const Daemon& daemon) override;

 private:
  using ReplyHandler = std::function<void(nlmsghdr*)>;

  Client(SocketPtr sock, int family);
  MessagePtr request(int cmd, bool dump) const;
  // Sends msg and reads until ACK, DONE or an error; each reply message goes to on_reply.
  void transact(nl_msg* msg, const ReplyHandler& on_reply);

  SocketPtr sock_;
  int family_;
};

}  // namespace aavs::ipvs
