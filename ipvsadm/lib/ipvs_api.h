// The operations ipvsadm needs from IPVS. Client implements it over generic netlink; tests use
// an in-memory fake. Every failure is a std::system_error whose code is the kernel's errno.
#pragma once

#include <vector>

#include "lib/types.h"

namespace aavs::ipvs {

class IpvsApi {
 public:
  IpvsApi() = default;
  IpvsApi(const IpvsApi&) = delete;
  IpvsApi& operator=(const IpvsApi&) = delete;
  IpvsApi(IpvsApi&&) = delete;
  IpvsApi& operator=(IpvsApi&&) = delete;
  virtual ~IpvsApi() = default;

  virtual Info info() = 0;
  virtual std::vector<Service> services() = 0;
  virtual Service service(const Service& key) = 0;
  virtual std::vector<Destination> destinations(const Service& svc) = 0;
  virtual Timeouts timeouts() = 0;
  virtual std::vector<Daemon> daemons() = 0;

  virtual void add_service(const Service& svc) = 0;
  virtual void update_service(const Service& svc) = 0;
  virtual void delete_service(const Service& svc) = 0;
  virtual void zero_service(const Service& svc) = 0;
  virtual void zero_all() = 0;
  virtual void flush() = 0;
  virtual void add_destination(const Service& svc, const Destination& dest) = 0;
  virtual void update_destination(const Service& svc, const Destination& dest) = 0;
  virtual void delete_destination(const Service& svc, const Destination& dest) = 0;
  virtual void set_timeouts(const Timeouts& timeouts) = 0;
  virtual void start_daemon(const Daemon& daemon) = 0;
  virtual void stop_daemon(const Daemon& daemon) = 0;
};

}  // namespace aavs::ipvs
