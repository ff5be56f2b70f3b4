// An in-memory IpvsApi with the kernel's answers for the common cases (EEXIST, ESRCH, ENOENT,
// new destinations first), so the tool can be run end to end without a kernel.
#pragma once

#include <vector>

#include "lib/ipvs_api.h"

namespace aavs::ipvs::testing {

class FakeIpvs final : public IpvsApi {
 public:
  struct Entry {
    Service svc;
    std::vector<Destination> dests;
  };

  Info info() override { return {0x010201, 4096}; }
  std::vector<Service> services() override;
  Service service(const Service& key) override;
  std::vector<Destination> destinations(const Service& svc) override;
  Timeouts timeouts() override { return timeouts_; }
  std::vector<Daemon> daemons() override { return daemons_; }

  void add_service(const Service& svc) override;
  void update_service(const Service& svc) override;
  void delete_service(const Service& svc) override;
  void zero_service(const Service& svc) override;
  void zero_all() override {}
  void flush() override { entries_.clear(); }
  void add_destination(const Service& svc, const Destination& dest) override;
  void update_destination(const Service& svc, const Destination& dest) override;
  void delete_destination(const Service& svc, const Destination& dest) override;
  void set_timeouts(const Timeouts& t) override;
  void start_daemon(const Daemon& daemon) override;
  void stop_daemon(const Daemon& daemon) override;

  std::vector<Entry>& entries() { return entries_; }
  int changes() const { return changes_; }

 private:
  Entry* find(const Service& key);
  std::vector<Entry> entries_;
  Timeouts timeouts_{900, 120, 300};
  std::vector<Daemon> daemons_;
  int changes_ = 0;
};

}  // namespace aavs::ipvs::testing
