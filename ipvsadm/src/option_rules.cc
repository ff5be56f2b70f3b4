#include "src/option_rules.h"

#include <array>
#include <string_view>

#include "src/printf.h"

namespace aavs::ipvsadm {

namespace {

constexpr std::size_t kOptCount = static_cast<std::size_t>(Opt::kCount);

// One row per CommandKind, in column groups of Opt: '+' mandatory, 'x' illegal, '1' at most
// one of the '1' options, ' ' optional.
struct Row {
  char numeric, connection, service, sched_persist_mask, real_server, fwd_weight_thr, mcast_if,
      timeout_daemon, list_formats, nosort, syncid, ops_pe_flags, mcast_opts, tun_info, tun_opts;
};

constexpr Row kRows[] = {
    // n    c    svc  spm  r    fwd  mif  t/d  fmt  ns   sid  ops  mc   ti   tun
    {'x', 'x', '+', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x'},  // add-service
    {'x', 'x', '+', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x'},  // edit-service
    {'x', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // delete-service
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // flush
    {' ', '1', '1', 'x', 'x', 'x', 'x', '1', ' ', ' ', ' ', 'x', 'x', ' ', 'x'},  // list
    {'x', 'x', '+', 'x', '+', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' '},  // add-server
    {'x', 'x', '+', 'x', '+', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' '},  // edit-server
    {'x', 'x', '+', 'x', '+', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // delete-server
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // set
    {'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x', ' ', 'x', ' ', 'x', 'x'},  // start-daemon
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x', 'x'},  // stop-daemon
    {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // restore
    {' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // save
    {'x', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'},  // zero
    {' ', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x', 'x', 'x'},  // digest
    {' ', 'x', ' ', 'x', 'x', 'x', 'x', 'x', 'x', ' ', 'x', 'x', 'x', 'x', 'x'},  // prometheus
};

char rule(CommandKind kind, Opt opt) {
  const Row& r = kRows[static_cast<std::size_t>(kind)];
  switch (opt) {
    case Opt::kNumeric:
      return r.numeric;
    case Opt::kConnection:
      return r.connection;
    case Opt::kService:
      return r.service;
    case Opt::kScheduler:
    case Opt::kPersistent:
    case Opt::kNetmask:
      return r.sched_persist_mask;
    case Opt::kRealServer:
      return r.real_server;
    case Opt::kForward:
    case Opt::kWeight:
    case Opt::kUThreshold:
    case Opt::kLThreshold:
      return r.fwd_weight_thr;
    case Opt::kMcastInterface:
      return r.mcast_if;
    case Opt::kTimeout:
    case Opt::kDaemon:
      return r.timeout_daemon;
    case Opt::kStats:
    case Opt::kRate:
    case Opt::kThresholds:
    case Opt::kPersistentConn:
    case Opt::kExact:
      return r.list_formats;
    case Opt::kNoSort:
      return r.nosort;
    case Opt::kSyncId:
      return r.syncid;
    case Opt::kOps:
    case Opt::kPe:
    case Opt::kSchedFlags:
      return r.ops_pe_flags;
    case Opt::kMcastGroup:
    case Opt::kMcastPort:
    case Opt::kMcastTtl:
    case Opt::kSyncMaxlen:
      return r.mcast_opts;
    case Opt::kTunInfo:
      return r.tun_info;
    case Opt::kTunType:
    case Opt::kTunPort:
    case Opt::kTunNoCsum:
    case Opt::kTunCsum:
    case Opt::kTunRemCsum:
      return r.tun_opts;
    case Opt::kCount:
      break;
  }
  return 'x';
}

constexpr const char* kCommandNames[] = {
    "add-service", "edit-service", "delete-service", "flush",
    "list",        "add-server",   "edit-server",    "delete-server",
    "set",         "start-daemon", "stop-daemon",    "restore",
    "save",        "zero",         "digest",         "prometheus",
};

constexpr const char* kOptionNames[] = {
    "numeric",
    "connection",
    "service-address",
    "scheduler",
    "persistent",
    "netmask",
    "real-server",
    "forwarding-method",
    "weight",
    "u-threshold",
    "l-threshold",
    "mcast-interface",
    "timeout",
    "daemon",
    "stats",
    "rate",
    "thresholds",
    "persistent-conn",
    "nosort",
    "syncid",
    "exact",
    "ops",
    "pe",
    "sched-flags",
    "mcast-group",
    "mcast-port",
    "mcast-ttl",
    "sync-maxlen",
    "tun-info",
    "tun-type",
    "tun-port",
    "tun-nocsum",
    "tun-csum",
    "tun-remcsum",
};
static_assert(std::size(kOptionNames) == kOptCount);

// Tunnel matrix columns: tun-port, tun-nocsum, tun-csum, tun-remcsum; rows ipip, gue, gre.
constexpr Opt kTunnelColumns[] = {Opt::kTunPort, Opt::kTunNoCsum, Opt::kTunCsum, Opt::kTunRemCsum};
constexpr std::string_view kTunnelRows[] = {"xxxx", "+111", "x11x"};
constexpr const char* kTunnelNames[] = {"ipip", "gue", "gre"};

}  // namespace

const char* command_name(CommandKind kind) {
  return kCommandNames[static_cast<std::size_t>(kind)];
}

const char* option_name(Opt opt) {
  return kOptionNames[static_cast<std::size_t>(opt)];
}

std::optional<std::string> check_command_options(CommandKind kind, const OptionSet& options) {
  std::optional<Opt> first_exclusive;
  for (std::size_t i = 0; i < kOptCount; ++i) {
    const auto opt = static_cast<Opt>(i);
    const char r = rule(kind, opt);
    if (!options.has(opt)) {
      if (r == '+') {
        return strprintf("You need to supply the '%s' option for the '%s' command",
                         option_name(opt), command_name(kind));
      }
      continue;
    }
    if (r == 'x') {
      return strprintf("Illegal '%s' option with the '%s' command", option_name(opt),
                       command_name(kind));
    }
    if (r == '1') {
      if (first_exclusive) {
        return strprintf("The option '%s' conflicts with the '%s' option in the '%s' command",
                         option_name(opt), option_name(*first_exclusive), command_name(kind));
      }
      first_exclusive = opt;
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_tunnel_options(std::uint8_t tun_type, const OptionSet& options) {
  if (tun_type >= std::size(kTunnelRows)) {
    return std::nullopt;
  }
  const std::string_view row = kTunnelRows[tun_type];
  const char* type_name = kTunnelNames[tun_type];
  std::optional<Opt> first_exclusive;
  for (std::size_t i = 0; i < std::size(kTunnelColumns); ++i) {
    const Opt opt = kTunnelColumns[i];
    const char r = row[i];
    if (!options.has(opt)) {
      if (r == '+') {
        return strprintf("You need to supply the '%s' option for the '%s' tunnel type",
                         option_name(opt), type_name);
      }
      continue;
    }
    if (r == 'x') {
      return strprintf("Illegal '%s' option with the '%s' tunnel type", option_name(opt),
                       type_name);
    }
    if (r == '1') {
      if (first_exclusive) {
        return strprintf("The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
                         option_name(opt), option_name(*first_exclusive), type_name);
      }
      first_exclusive = opt;
    }
  }
  return std::nullopt;
}

}  // namespace aavs::ipvsadm
