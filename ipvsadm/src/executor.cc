#include "src/executor.h"

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "src/conn_listing.h"
#include "src/listing.h"
#include "src/table_digest.h"

namespace aavs::ipvsadm {

namespace {

constexpr int kChangeFailed = 255;
constexpr int kListFailed = 1;

// Runs f; a std::system_error from the library becomes an OperationError for `op`.
template <typename F>
auto guarded(Operation op, int status, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const OperationError&) {
    throw;
  } catch (const std::system_error& e) {
    throw OperationError(e, op, status);
  }
}

ListStyle list_style(const OptionSet& o) {
  ListStyle style;
  style.numeric = o.has(Opt::kNumeric);
  style.exact = o.has(Opt::kExact);
  if (o.has(Opt::kStats)) {
    style.format = ListFormat::kStats;
  } else if (o.has(Opt::kRate)) {
    style.format = ListFormat::kRate;
  } else if (o.has(Opt::kThresholds)) {
    style.format = ListFormat::kThresholds;
  } else if (o.has(Opt::kPersistentConn)) {
    style.format = ListFormat::kPersistentConn;
  } else if (o.has(Opt::kTunInfo)) {
    style.format = ListFormat::kTunInfo;
  }
  return style;
}

std::vector<ipvs::Destination> dests_of(ipvs::IpvsApi& api, const ipvs::Service& svc, bool sort) {
  auto dests = guarded(Operation::kGetDests, kListFailed, [&] { return api.destinations(svc); });
  if (sort) {
    sort_destinations(dests);
  }
  return dests;
}

int list_connections(const Command& cmd, std::ostream& out, std::ostream& err) {
  std::ifstream file(kConnProcPath);
  if (!file) {
    err << "cannot open file " << kConnProcPath << "\n";
    return kListFailed;
  }
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ConnListingOptions options;
  options.numeric = cmd.options.has(Opt::kNumeric);
  options.persistent_conn = cmd.options.has(Opt::kPersistentConn);
  auto listing = conn_listing_text(text, options);
  if (!listing) {
    err << "unexpected input from " << kConnProcPath << "\n";
    return kListFailed;
  }
  out << *listing;
  return 0;
}

int list(const Command& cmd, ipvs::IpvsApi& api, const ipvs::Info& info, std::ostream& out,
         std::ostream& err) {
  const OptionSet& o = cmd.options;
  if (o.has(Opt::kConnection)) {
    return list_connections(cmd, out, err);
  }
  if (o.has(Opt::kTimeout)) {
    out << timeouts_text(guarded(Operation::kOther, kListFailed, [&] { return api.timeouts(); }));
    return 0;
  }
  if (o.has(Opt::kDaemon)) {
    out << daemons_text(guarded(Operation::kOther, kListFailed, [&] { return api.daemons(); }));
    return 0;
  }
  const ListStyle style = list_style(o);
  const bool sort = !o.has(Opt::kNoSort);
  if (o.has(Opt::kService)) {
    const ipvs::Service svc =
        guarded(Operation::kGetService, kListFailed, [&] { return api.service(cmd.service); });
    const auto dests = dests_of(api, svc, sort);
    out << title_text(style.format) << service_text(svc, dests, style);
    return 0;
  }
  out << header_text(info) << title_text(style.format);
  auto services = guarded(Operation::kGetServices, kListFailed, [&] { return api.services(); });
  if (sort) {
    sort_services(services);
  }
  for (const auto& svc : services) {
    const auto dests = dests_of(api, svc, sort);
    out << service_text(svc, dests, style);
  }
  return 0;
}

int save(const Command& cmd, ipvs::IpvsApi& api, std::ostream& out) {
  auto services = guarded(Operation::kGetServices, kListFailed, [&] { return api.services(); });
  sort_services(services);
  const bool numeric = cmd.options.has(Opt::kNumeric);
  for (const auto& svc : services) {
    out << save_text(svc, dests_of(api, svc, true), numeric);
  }
  return 0;
}

// --digest, --prometheus: the services in -L's order (--nosort: the kernel's), each with its
// destinations in the kernel's list order, which the tables are built from.
int digest(const Command& cmd, ipvs::IpvsApi& api, DigestOutput output, std::ostream& out,
           std::ostream& err) {
  std::vector<ServiceDests> services;
  if (cmd.options.has(Opt::kService)) {
    ipvs::Service svc =
        guarded(Operation::kGetService, kListFailed, [&] { return api.service(cmd.service); });
    auto dests = dests_of(api, svc, false);
    services.push_back({std::move(svc), std::move(dests)});
  } else {
    auto all = guarded(Operation::kGetServices, kListFailed, [&] { return api.services(); });
    if (!cmd.options.has(Opt::kNoSort)) {
      sort_services(all);
    }
    for (auto& svc : all) {
      auto dests = dests_of(api, svc, false);
      services.push_back({std::move(svc), std::move(dests)});
    }
  }
  // Read after the dump: a table the kernel rebuilt meanwhile shows as a mismatch, not as a
  // digest older than the dump.
  std::optional<std::string> proc_text;
  if (std::ifstream file(kAavsServicesPath); file) {
    proc_text.emplace((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }
  return digest_report(services, proc_text, output, out, err);
}

}  // namespace

int execute(const Command& cmd, ipvs::IpvsApi& api, const ipvs::Info& info, std::ostream& out,
            std::ostream& err) {
  const ipvs::Service& svc = cmd.service;
  const ipvs::Destination& dest = cmd.dest;
  switch (cmd.kind) {
    case CommandKind::kAddService:
      guarded(Operation::kAddService, kChangeFailed, [&] { api.add_service(svc); });
      return 0;
    case CommandKind::kEditService:
      guarded(Operation::kUpdateService, kChangeFailed, [&] { api.update_service(svc); });
      return 0;
    case CommandKind::kDeleteService:
      guarded(Operation::kDeleteService, kChangeFailed, [&] { api.delete_service(svc); });
      return 0;
    case CommandKind::kFlush:
      guarded(Operation::kOther, kChangeFailed, [&] { api.flush(); });
      return 0;
    case CommandKind::kZero:
      if (cmd.options.has(Opt::kService)) {
        guarded(Operation::kZeroService, kChangeFailed, [&] { api.zero_service(svc); });
      } else {
        guarded(Operation::kZeroService, kChangeFailed, [&] { api.zero_all(); });
      }
      return 0;
    case CommandKind::kAddServer:
      guarded(Operation::kAddDest, kChangeFailed, [&] { api.add_destination(svc, dest); });
      return 0;
    case CommandKind::kEditServer:
      guarded(Operation::kUpdateDest, kChangeFailed, [&] { api.update_destination(svc, dest); });
      return 0;
    case CommandKind::kDeleteServer:
      guarded(Operation::kDeleteDest, kChangeFailed, [&] { api.delete_destination(svc, dest); });
      return 0;
    case CommandKind::kSetTimeouts:
      guarded(Operation::kOther, kChangeFailed, [&] { api.set_timeouts(cmd.timeouts); });
      return 0;
    case CommandKind::kStartDaemon:
      guarded(Operation::kStartDaemon, kChangeFailed, [&] { api.start_daemon(cmd.daemon); });
      return 0;
    case CommandKind::kStopDaemon:
      guarded(Operation::kStopDaemon, kChangeFailed, [&] { api.stop_daemon(cmd.daemon); });
      return 0;
    case CommandKind::kList:
      return list(cmd, api, info, out, err);
    case CommandKind::kSave:
      return save(cmd, api, out);
    case CommandKind::kDigest:
      return digest(cmd, api, DigestOutput::kDigest, out, err);
    case CommandKind::kPrometheus:
      return digest(cmd, api, DigestOutput::kPrometheus, out, err);
    case CommandKind::kRestore:
      break;  // handled by the caller, which owns stdin
  }
  return 0;
}

}  // namespace aavs::ipvsadm
