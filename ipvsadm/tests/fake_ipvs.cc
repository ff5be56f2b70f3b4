#include "tests/fake_ipvs.h"

#include <linux/ip_vs.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace aavs::ipvs::testing {

namespace {

[[noreturn]] void fail(int err) {
  throw std::system_error(err, std::generic_category(), "fake");
}

bool same_service(const Service& a, const Service& b) {
  if (a.fwmark != 0 || b.fwmark != 0) {
    return a.fwmark == b.fwmark && a.af == b.af;
  }
  return a.af == b.af && a.protocol == b.protocol && a.addr.bytes == b.addr.bytes &&
         a.port == b.port;
}

bool same_dest(const Destination& a, const Destination& b) {
  return a.af == b.af && a.addr.bytes == b.addr.bytes && a.port == b.port;
}

}  // namespace

FakeIpvs::Entry* FakeIpvs::find(const Service& key) {
  for (auto& e : entries_) {
    if (same_service(e.svc, key)) {
      return &e;
    }
  }
  return nullptr;
}

std::vector<Service> FakeIpvs::services() {
  std::vector<Service> out;
  for (const auto& e : entries_) {
    out.push_back(e.svc);
  }
  return out;
}

Service FakeIpvs::service(const Service& key) {
  if (Entry* e = find(key)) {
    return e->svc;
  }
  fail(ESRCH);
}

std::vector<Destination> FakeIpvs::destinations(const Service& svc) {
  if (Entry* e = find(svc)) {
    return e->dests;
  }
  return {};
}

void FakeIpvs::add_service(const Service& svc) {
  if (find(svc) != nullptr) {
    fail(EEXIST);
  }
  Entry e{svc, {}};
  if (e.svc.fwmark != 0) {
    e.svc.protocol = 0;  // the kernel reports no protocol for fwmark services
  }
  entries_.push_back(e);
  ++changes_;
}

void FakeIpvs::update_service(const Service& svc) {
  Entry* e = find(svc);
  if (e == nullptr) {
    fail(ESRCH);
  }
  e->svc.scheduler = svc.scheduler;
  e->svc.flags = svc.flags;
  e->svc.timeout = svc.timeout;
  e->svc.netmask = svc.netmask;
  e->svc.pe_name = svc.pe_name;
  ++changes_;
}

void FakeIpvs::delete_service(const Service& svc) {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const Entry& e) { return same_service(e.svc, svc); });
  if (it == entries_.end()) {
    fail(ESRCH);
  }
  entries_.erase(it);
  ++changes_;
}

void FakeIpvs::zero_service(const Service& svc) {
  if (find(svc) == nullptr) {
    fail(ESRCH);
  }
}

void FakeIpvs::add_destination(const Service& svc, const Destination& dest) {
  Entry* e = find(svc);
  if (e == nullptr) {
    fail(ESRCH);
  }
  if (dest.l_threshold > dest.u_threshold) {
    fail(ERANGE);
  }
  for (const auto& d : e->dests) {
    if (same_dest(d, dest)) {
      fail(EEXIST);
    }
  }
  e->dests.insert(e->dests.begin(), dest);  // the kernel adds at the head
  ++changes_;
}

void FakeIpvs::update_destination(const Service& svc, const Destination& dest) {
  Entry* e = find(svc);
  if (e == nullptr) {
    fail(ESRCH);
  }
  for (auto& d : e->dests) {
    if (same_dest(d, dest)) {
      d = dest;
      ++changes_;
      return;
    }
  }
  fail(ENOENT);
}

void FakeIpvs::delete_destination(const Service& svc, const Destination& dest) {
  Entry* e = find(svc);
  if (e == nullptr) {
    fail(ESRCH);
  }
  const auto it = std::find_if(e->dests.begin(), e->dests.end(),
                               [&](const Destination& d) { return same_dest(d, dest); });
  if (it == e->dests.end()) {
    fail(ENOENT);
  }
  e->dests.erase(it);
  ++changes_;
}

void FakeIpvs::set_timeouts(const Timeouts& t) {
  if (t.tcp != 0) {
    timeouts_.tcp = t.tcp;
  }
  if (t.tcp_fin != 0) {
    timeouts_.tcp_fin = t.tcp_fin;
  }
  if (t.udp != 0) {
    timeouts_.udp = t.udp;
  }
  ++changes_;
}

void FakeIpvs::start_daemon(const Daemon& daemon) {
  for (const auto& d : daemons_) {
    if (d.state == daemon.state) {
      fail(EEXIST);
    }
  }
  daemons_.push_back(daemon);
  ++changes_;
}

void FakeIpvs::stop_daemon(const Daemon& daemon) {
  const auto it = std::find_if(daemons_.begin(), daemons_.end(),
                               [&](const Daemon& d) { return d.state == daemon.state; });
  if (it == daemons_.end()) {
    fail(ESRCH);
  }
  daemons_.erase(it);
  ++changes_;
}

}  // namespace aavs::ipvs::testing
