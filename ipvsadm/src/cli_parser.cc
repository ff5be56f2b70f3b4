#include "src/cli_parser.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <popt.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "src/help_text.h"
#include "src/host_parse.h"
#include "src/option_rules.h"
#include "src/printf.h"
#include "src/sched_flags.h"

namespace aavs::ipvsadm {

namespace {

constexpr long kMaxTimeout = 2678400;  // 31 days, 1.31's limit for -p and --set
constexpr std::uint32_t kDefaultPersistence = 360;

// popt return values for options without a short letter.
enum Tag : int {
  kTagSet = 256,
  kTagStartDaemon,
  kTagStopDaemon,
  kTagSctpService,
  kTagMcastInterface,
  kTagSyncId,
  kTagTimeout,
  kTagDaemon,
  kTagStats,
  kTagRate,
  kTagThresholds,
  kTagPersistentConn,
  kTagNoSort,
  kTagSort,
  kTagPe,
  kTagMcastGroup,
  kTagMcastPort,
  kTagMcastTtl,
  kTagSyncMaxlen,
  kTagTunInfo,
  kTagTunType,
  kTagTunPort,
  kTagTunNoCsum,
  kTagTunCsum,
  kTagTunRemCsum,
  kTagDigest,
  kTagPrometheus,
};

// Thrown by the option handlers; turned into an Exit by parse_command_line.
struct ParseFailure {
  Exit exit;
};

[[noreturn]] void fail(std::string message) {
  throw ParseFailure{Exit{2, {}, std::move(message) + "\n"}};
}

struct ContextDeleter {
  void operator()(poptContext ctx) const { poptFreeContext(ctx); }
};
using Context = std::unique_ptr<std::remove_pointer_t<poptContext>, ContextDeleter>;

class Parser {
 public:
  explicit Parser(const std::vector<std::string>& args) : args_(args) {
    for (const auto& a : args_) {
      argv_.push_back(a.c_str());
    }
    argv_.push_back(nullptr);
    program_ = args_.empty() ? std::string("ipvsadm") : args_[0];
  }

  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  ~Parser() { release_arg(); }

  ParseResult run();

 private:
  // popt hands every string argument over as a strdup'ed copy: ours to free.
  void release_arg() {
    std::free(optarg_);
    optarg_ = nullptr;
  }
  const char* arg() const { return optarg_ != nullptr ? optarg_ : ""; }
  void set_option(Opt opt);
  void set_command(int c);
  void handle_option(int c);
  void parse_service(Opt which, std::uint16_t protocol);
  void finish();
  Exit try_help() const { return Exit{255, {}, try_help_text(program_)}; }

  const std::vector<std::string>& args_;
  std::vector<const char*> argv_;
  std::string program_;
  Context ctx_;
  char* optarg_ = nullptr;
  Command cmd_;
};

ParseResult Parser::run() {
  // The table mirrors 1.31's: popt's bundling, "--opt=value", optional -p argument and its error
  // texts then come for free and identical.
  const poptOption table[] = {
      {"add-service", 'A', POPT_ARG_NONE, nullptr, 'A', nullptr, nullptr},
      {"edit-service", 'E', POPT_ARG_NONE, nullptr, 'E', nullptr, nullptr},
      {"delete-service", 'D', POPT_ARG_NONE, nullptr, 'D', nullptr, nullptr},
      {"clear", 'C', POPT_ARG_NONE, nullptr, 'C', nullptr, nullptr},
      {"list", 'L', POPT_ARG_NONE, nullptr, 'L', nullptr, nullptr},
      {nullptr, 'l', POPT_ARG_NONE, nullptr, 'l', nullptr, nullptr},
      {"zero", 'Z', POPT_ARG_NONE, nullptr, 'Z', nullptr, nullptr},
      {"add-server", 'a', POPT_ARG_NONE, nullptr, 'a', nullptr, nullptr},
      {"edit-server", 'e', POPT_ARG_NONE, nullptr, 'e', nullptr, nullptr},
      {"delete-server", 'd', POPT_ARG_NONE, nullptr, 'd', nullptr, nullptr},
      {"set", '\0', POPT_ARG_NONE, nullptr, kTagSet, nullptr, nullptr},
      {"restore", 'R', POPT_ARG_NONE, nullptr, 'R', nullptr, nullptr},
      {"save", 'S', POPT_ARG_NONE, nullptr, 'S', nullptr, nullptr},
      {"start-daemon", '\0', POPT_ARG_STRING, &optarg_, kTagStartDaemon, nullptr, nullptr},
      {"stop-daemon", '\0', POPT_ARG_STRING, &optarg_, kTagStopDaemon, nullptr, nullptr},
      {"help", 'h', POPT_ARG_NONE, nullptr, 'h', nullptr, nullptr},
      {"version", 'v', POPT_ARG_NONE, nullptr, 'v', nullptr, nullptr},
      {"tcp-service", 't', POPT_ARG_STRING, &optarg_, 't', nullptr, nullptr},
      {"udp-service", 'u', POPT_ARG_STRING, &optarg_, 'u', nullptr, nullptr},
      {"sctp-service", '\0', POPT_ARG_STRING, &optarg_, kTagSctpService, nullptr, nullptr},
      {"fwmark-service", 'f', POPT_ARG_STRING, &optarg_, 'f', nullptr, nullptr},
      {"scheduler", 's', POPT_ARG_STRING, &optarg_, 's', nullptr, nullptr},
      {"persistent", 'p', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &optarg_, 'p', nullptr, nullptr},
      {"netmask", 'M', POPT_ARG_STRING, &optarg_, 'M', nullptr, nullptr},
      {"real-server", 'r', POPT_ARG_STRING, &optarg_, 'r', nullptr, nullptr},
      {"masquerading", 'm', POPT_ARG_NONE, nullptr, 'm', nullptr, nullptr},
      {"ipip", 'i', POPT_ARG_NONE, nullptr, 'i', nullptr, nullptr},
      {"gatewaying", 'g', POPT_ARG_NONE, nullptr, 'g', nullptr, nullptr},
      {"weight", 'w', POPT_ARG_STRING, &optarg_, 'w', nullptr, nullptr},
      {"u-threshold", 'x', POPT_ARG_STRING, &optarg_, 'x', nullptr, nullptr},
      {"l-threshold", 'y', POPT_ARG_STRING, &optarg_, 'y', nullptr, nullptr},
      {"numeric", 'n', POPT_ARG_NONE, nullptr, 'n', nullptr, nullptr},
      {"connection", 'c', POPT_ARG_NONE, nullptr, 'c', nullptr, nullptr},
      {"mcast-interface", '\0', POPT_ARG_STRING, &optarg_, kTagMcastInterface, nullptr, nullptr},
      {"syncid", '\0', POPT_ARG_STRING, &optarg_, kTagSyncId, nullptr, nullptr},
      {"timeout", '\0', POPT_ARG_NONE, nullptr, kTagTimeout, nullptr, nullptr},
      {"daemon", '\0', POPT_ARG_NONE, nullptr, kTagDaemon, nullptr, nullptr},
      {"stats", '\0', POPT_ARG_NONE, nullptr, kTagStats, nullptr, nullptr},
      {"rate", '\0', POPT_ARG_NONE, nullptr, kTagRate, nullptr, nullptr},
      {"thresholds", '\0', POPT_ARG_NONE, nullptr, kTagThresholds, nullptr, nullptr},
      {"persistent-conn", '\0', POPT_ARG_NONE, nullptr, kTagPersistentConn, nullptr, nullptr},
      {"nosort", '\0', POPT_ARG_NONE, nullptr, kTagNoSort, nullptr, nullptr},
      {"sort", '\0', POPT_ARG_NONE, nullptr, kTagSort, nullptr, nullptr},
      {"exact", 'X', POPT_ARG_NONE, nullptr, 'X', nullptr, nullptr},
      {"ipv6", '6', POPT_ARG_NONE, nullptr, '6', nullptr, nullptr},
      {"ops", 'o', POPT_ARG_NONE, nullptr, 'o', nullptr, nullptr},
      {"pe", '\0', POPT_ARG_STRING, &optarg_, kTagPe, nullptr, nullptr},
      {"sched-flags", 'b', POPT_ARG_STRING, &optarg_, 'b', nullptr, nullptr},
      {"mcast-group", '\0', POPT_ARG_STRING, &optarg_, kTagMcastGroup, nullptr, nullptr},
      {"mcast-port", '\0', POPT_ARG_STRING, &optarg_, kTagMcastPort, nullptr, nullptr},
      {"mcast-ttl", '\0', POPT_ARG_STRING, &optarg_, kTagMcastTtl, nullptr, nullptr},
      {"sync-maxlen", '\0', POPT_ARG_STRING, &optarg_, kTagSyncMaxlen, nullptr, nullptr},
      {"tun-info", '\0', POPT_ARG_NONE, nullptr, kTagTunInfo, nullptr, nullptr},
      {"tun-type", '\0', POPT_ARG_STRING, &optarg_, kTagTunType, nullptr, nullptr},
      {"tun-port", '\0', POPT_ARG_STRING, &optarg_, kTagTunPort, nullptr, nullptr},
      {"tun-nocsum", '\0', POPT_ARG_NONE, nullptr, kTagTunNoCsum, nullptr, nullptr},
      {"tun-csum", '\0', POPT_ARG_NONE, nullptr, kTagTunCsum, nullptr, nullptr},
      {"tun-remcsum", '\0', POPT_ARG_NONE, nullptr, kTagTunRemCsum, nullptr, nullptr},
      // aavs's own commands (not in 1.31).
      {"digest", '\0', POPT_ARG_NONE, nullptr, kTagDigest, nullptr, nullptr},
      {"prometheus", '\0', POPT_ARG_NONE, nullptr, kTagPrometheus, nullptr, nullptr},
      POPT_TABLEEND};

  // Defaults before any option (a later -t of IPv6 resets the netmask to 128).
  cmd_.service.netmask = 0xffffffff;
  cmd_.dest.weight = 1;
  cmd_.dest.fwd_method = IP_VS_CONN_F_DROUTE;
  cmd_.daemon.mcast_ifn = "eth0";

  ctx_.reset(
      poptGetContext(program_.c_str(), static_cast<int>(args_.size()), argv_.data(), table, 0));
  try {
    // The command must come first.
    const int first = poptGetNextOpt(ctx_.get());
    if (first < 0) {
      return try_help();
    }
    set_command(first);
    release_arg();
    if (first == 'h') {
      return Exit{0, usage_text(program_), {}};
    }
    if (first == 'v') {
      return Exit{0, version_line(), {}};
    }
    int c = 0;
    while ((c = poptGetNextOpt(ctx_.get())) >= 0) {
      handle_option(c);
      release_arg();
    }
    if (c < -1) {
      return Exit{255,
                  {},
                  strprintf("%s: %s\n", poptBadOption(ctx_.get(), POPT_BADOPTION_NOALIAS),
                            poptStrerror(c))};
    }
    finish();
  } catch (const ParseFailure& failure) {
    return failure.exit;
  }
  return cmd_;
}

void Parser::set_command(int c) {
  switch (c) {
    case 'A':
      cmd_.kind = CommandKind::kAddService;
      break;
    case 'E':
      cmd_.kind = CommandKind::kEditService;
      break;
    case 'D':
      cmd_.kind = CommandKind::kDeleteService;
      break;
    case 'C':
      cmd_.kind = CommandKind::kFlush;
      break;
    case 'L':
    case 'l':
      cmd_.kind = CommandKind::kList;
      break;
    case 'Z':
      cmd_.kind = CommandKind::kZero;
      break;
    case 'a':
      cmd_.kind = CommandKind::kAddServer;
      break;
    case 'e':
      cmd_.kind = CommandKind::kEditServer;
      break;
    case 'd':
      cmd_.kind = CommandKind::kDeleteServer;
      break;
    case kTagSet:
      cmd_.kind = CommandKind::kSetTimeouts;
      break;
    case 'R':
      cmd_.kind = CommandKind::kRestore;
      break;
    case 'S':
      cmd_.kind = CommandKind::kSave;
      break;
    case kTagDigest:
      cmd_.kind = CommandKind::kDigest;
      break;
    case kTagPrometheus:
      cmd_.kind = CommandKind::kPrometheus;
      break;
    case kTagStartDaemon:
    case kTagStopDaemon: {
      const std::string state = arg();
      if (state == "master") {
        cmd_.daemon.state = IP_VS_STATE_MASTER;
      } else if (state == "backup") {
        cmd_.daemon.state = IP_VS_STATE_BACKUP;
      } else if (c == kTagStartDaemon) {
        fail("illegal start-daemon parameter specified");
      } else {
        fail("illegal start_daemon specified");  // sic, as 1.31 spells it
      }
      cmd_.kind = c == kTagStartDaemon ? CommandKind::kStartDaemon : CommandKind::kStopDaemon;
      if (c == kTagStopDaemon) {
        cmd_.daemon.mcast_ifn.clear();  // 1.31 sends an empty interface name to stop
      }
      break;
    }
    case 'h':
    case 'v':
      break;
    default:
      throw ParseFailure{try_help()};
  }
}

void Parser::set_option(Opt opt) {
  if (cmd_.options.has(opt)) {
    fail(strprintf("multiple '%s' options specified", option_name(opt)));
  }
  cmd_.options.add(opt);
}

void Parser::parse_service(Opt which, std::uint16_t protocol) {
  const bool real = which == Opt::kRealServer;
  auto parsed = parse_host_port(arg(), protocol);
  if (!parsed) {
    fail(real ? "illegal real server address[:port] specified"
              : "illegal virtual server address[:port] specified");
  }
  if (real) {
    cmd_.dest.addr = parsed->addr;
    cmd_.dest.af = parsed->addr.family;
    cmd_.dest.port = parsed->port;
    return;
  }
  cmd_.service.protocol = protocol;
  cmd_.service.addr = parsed->addr;
  cmd_.service.af = parsed->addr.family;
  cmd_.service.port = parsed->port;
  if (parsed->addr.is_v6()) {
    cmd_.service.netmask = 128;
  }
}

std::uint32_t number_or_fail(const char* text, long min, long max, const std::string& message) {
  auto n = parse_number(text, min, max);
  if (!n) {
    fail(message);
  }
  return static_cast<std::uint32_t>(*n);
}

void Parser::handle_option(int c) {
  ipvs::Service& svc = cmd_.service;
  ipvs::Destination& dest = cmd_.dest;
  switch (c) {
    case 't':
    case 'u':
    case kTagSctpService:
      set_option(Opt::kService);
      parse_service(Opt::kService, c == 't' ? IPPROTO_TCP : c == 'u' ? IPPROTO_UDP : IPPROTO_SCTP);
      break;
    case 'f': {
      set_option(Opt::kService);
      // strtol into a long, then 1..UINT32_MAX: "-1" and "4294967296" are refused.
      svc.fwmark = number_or_fail(arg(), 1, 0xffffffffL,
                                  strprintf("invalid fwmark value `%s' specified", arg()));
      svc.af = AF_INET;
      svc.addr = ipvs::Address{};
      svc.protocol = IPPROTO_TCP;
      break;
    }
    case '6':
      if (svc.fwmark == 0) {
        fail("-6 used before -f\n");
      }
      svc.af = AF_INET6;
      svc.addr.family = AF_INET6;
      svc.netmask = 128;
      break;
    case 's':
      set_option(Opt::kScheduler);
      svc.scheduler = std::string(arg()).substr(0, IP_VS_SCHEDNAME_MAXLEN - 1);
      break;
    case 'p':
      set_option(Opt::kPersistent);
      svc.flags |= IP_VS_SVC_F_PERSISTENT;
      if (optarg_ != nullptr) {
        svc.timeout = number_or_fail(arg(), 1, kMaxTimeout,
                                     strprintf("invalid timeout value `%s' specified", arg()));
      } else {
        svc.timeout = kDefaultPersistence;
      }
      break;
    case 'M':
      set_option(Opt::kNetmask);
      if (svc.af == AF_INET6) {
        svc.netmask = number_or_fail(arg(), 1, 128, "illegal ipv6 netmask specified");
      } else {
        auto mask = parse_ipv4_netmask(arg());
        if (!mask) {
          fail("illegal virtual server persistent mask specified");
        }
        svc.netmask = *mask;
      }
      break;
    case 'r':
      set_option(Opt::kRealServer);
      parse_service(Opt::kRealServer, svc.protocol);
      break;
    case 'i':
    case 'g':
    case 'm':
      set_option(Opt::kForward);
      dest.fwd_method = c == 'i'   ? IP_VS_CONN_F_TUNNEL
                        : c == 'g' ? IP_VS_CONN_F_DROUTE
                                   : IP_VS_CONN_F_MASQ;
      break;
    case 'w':
      set_option(Opt::kWeight);
      dest.weight = static_cast<std::int32_t>(
          number_or_fail(arg(), 0, 2147483647L, "illegal weight specified"));
      break;
    case 'x':
      set_option(Opt::kUThreshold);
      dest.u_threshold = number_or_fail(arg(), 0, 2147483647L, "illegal u_threshold specified");
      break;
    case 'y':
      set_option(Opt::kLThreshold);
      dest.l_threshold = number_or_fail(arg(), 0, 2147483647L, "illegal l_threshold specified");
      break;
    case 'n':
      set_option(Opt::kNumeric);
      break;
    case 'c':
      set_option(Opt::kConnection);
      break;
    case kTagMcastInterface:
      set_option(Opt::kMcastInterface);
      cmd_.daemon.mcast_ifn = std::string(arg()).substr(0, IP_VS_IFNAME_MAXLEN - 1);
      break;
    case kTagSyncId:
      set_option(Opt::kSyncId);
      cmd_.daemon.syncid = number_or_fail(arg(), 0, 255, "illegal syncid specified");
      break;
    case kTagTimeout:
      set_option(Opt::kTimeout);
      break;
    case kTagDaemon:
      set_option(Opt::kDaemon);
      break;
    case kTagStats:
      set_option(Opt::kStats);
      break;
    case kTagRate:
      set_option(Opt::kRate);
      break;
    case kTagThresholds:
      set_option(Opt::kThresholds);
      break;
    case kTagPersistentConn:
      set_option(Opt::kPersistentConn);
      break;
    case kTagNoSort:
      set_option(Opt::kNoSort);
      break;
    case kTagSort:
      break;  // accepted and ignored, as in 1.31
    case 'X':
      set_option(Opt::kExact);
      break;
    case 'o':
      set_option(Opt::kOps);
      svc.flags |= IP_VS_SVC_F_ONEPACKET;
      break;
    case kTagPe:
      set_option(Opt::kPe);
      svc.pe_name = std::string(arg()).substr(0, IP_VS_PENAME_MAXLEN);
      break;
    case 'b':
      set_option(Opt::kSchedFlags);
      cmd_.sched_flags = arg();
      break;
    case kTagMcastGroup: {
      set_option(Opt::kMcastGroup);
      auto group = parse_mcast_group(arg());
      if (!group) {
        const bool v6 = std::strchr(arg(), ':') != nullptr;
        fail(strprintf("invalid IPv%c mcast-group `%s'", v6 ? '6' : '4', arg()));
      }
      cmd_.daemon.mcast_group = *group;
      break;
    }
    case kTagMcastPort:
      set_option(Opt::kMcastPort);
      cmd_.daemon.mcast_port = static_cast<std::uint16_t>(
          number_or_fail(arg(), 1, 65535, "illegal mcast-port specified"));
      break;
    case kTagMcastTtl:
      set_option(Opt::kMcastTtl);
      cmd_.daemon.mcast_ttl =
          static_cast<std::uint8_t>(number_or_fail(arg(), 1, 255, "illegal mcast-ttl specified"));
      break;
    case kTagSyncMaxlen:
      set_option(Opt::kSyncMaxlen);
      cmd_.daemon.sync_maxlen = static_cast<std::uint16_t>(
          number_or_fail(arg(), 1, 65535 - 28, "illegal sync-maxlen specified"));
      break;
    case kTagTunInfo:
      set_option(Opt::kTunInfo);
      break;
    case kTagTunType: {
      set_option(Opt::kTunType);
      const std::string type = arg();
      if (type == "ipip") {
        dest.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
      } else if (type == "gue") {
        dest.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
      } else if (type == "gre") {
        dest.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
      } else {
        fail("illegal tunnel type specified");
      }
      break;
    }
    case kTagTunPort:
      set_option(Opt::kTunPort);
      dest.tun_port = static_cast<std::uint16_t>(
          number_or_fail(arg(), 1, 65535, "illegal tunnel port specified"));
      break;
    case kTagTunNoCsum:
      set_option(Opt::kTunNoCsum);
      dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM;
      break;
    case kTagTunCsum:
      set_option(Opt::kTunCsum);
      dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
      break;
    case kTagTunRemCsum:
      set_option(Opt::kTunRemCsum);
      dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
      break;
    default:
      // A second command, -h or -v after the command.
      fail(strprintf("invalid option `%s'", poptBadOption(ctx_.get(), POPT_BADOPTION_NOALIAS)));
  }
}

void Parser::finish() {
  ipvs::Service& svc = cmd_.service;
  ipvs::Destination& dest = cmd_.dest;

  if (cmd_.kind == CommandKind::kSetTimeouts) {
    // All three must be there before any is judged.
    const char* texts[3] = {};
    for (auto& text : texts) {
      text = poptGetArg(ctx_.get());
      if (text == nullptr) {
        fail("--set option requires 3 timeout values");
      }
    }
    std::uint32_t values[3] = {};
    for (int i = 0; i < 3; ++i) {
      values[i] = number_or_fail(texts[i], 0, kMaxTimeout,
                                 strprintf("invalid timeout value `%s' specified", texts[i]));
    }
    cmd_.timeouts = {values[0], values[1], values[2]};
  }
  if (const char* extra = poptGetArg(ctx_.get())) {
    fail(strprintf("unexpected argument %s", extra));
  }

  const bool service_cmd =
      cmd_.kind == CommandKind::kAddService || cmd_.kind == CommandKind::kEditService;
  if (service_cmd && !cmd_.options.has(Opt::kScheduler)) {
    svc.scheduler = "wlc";
  }
  if (cmd_.options.has(Opt::kSchedFlags)) {
    const std::string sched = cmd_.options.has(Opt::kScheduler) ? svc.scheduler : "wlc";
    auto parsed = parse_sched_flags(sched, cmd_.sched_flags);
    if (const auto* err = std::get_if<SchedFlagsError>(&parsed)) {
      fail(err->message);
    }
    svc.flags = (svc.flags & ~kSchedFlagMask) | std::get<std::uint32_t>(parsed);
  }

  if (auto violation = check_command_options(cmd_.kind, cmd_.options)) {
    fail(*violation);
  }
  if (cmd_.kind == CommandKind::kList) {
    const OptionSet& o = cmd_.options;
    const bool special = o.has(Opt::kConnection) || o.has(Opt::kTimeout) || o.has(Opt::kDaemon);
    const bool formats = o.has(Opt::kStats) || o.has(Opt::kRate) || o.has(Opt::kThresholds);
    if ((special && formats) ||
        ((o.has(Opt::kTimeout) || o.has(Opt::kDaemon)) && o.has(Opt::kPersistentConn))) {
      fail("options conflicts in the list command");
    }
  }

  if (service_cmd) {
    if (svc.fwmark == 0 && svc.port == 0 && (svc.flags & IP_VS_SVC_F_PERSISTENT) == 0) {
      fail("Zero port specified for non-persistent service");
    }
    if ((svc.flags & IP_VS_SVC_F_ONEPACKET) != 0 && svc.fwmark == 0 &&
        svc.protocol != IPPROTO_UDP) {
      fail("One-Packet Scheduling is only for UDP virtual services");
    }
  }

  const bool server_cmd = cmd_.kind == CommandKind::kAddServer ||
                          cmd_.kind == CommandKind::kEditServer ||
                          cmd_.kind == CommandKind::kDeleteServer;
  if (server_cmd) {
    if (dest.port == 0) {
      dest.port = svc.port;
    }
  }
  if (cmd_.kind == CommandKind::kAddServer || cmd_.kind == CommandKind::kEditServer) {
    if ((dest.fwd_method == IP_VS_CONN_F_TUNNEL || dest.fwd_method == IP_VS_CONN_F_DROUTE) &&
        svc.fwmark == 0) {
      dest.port = svc.port;
    }
    if (dest.af != svc.af && dest.fwd_method != IP_VS_CONN_F_TUNNEL) {
      fail("Different address family is allowed only for tunneling servers");
    }
    const bool any_tun = cmd_.options.has(Opt::kTunType) || cmd_.options.has(Opt::kTunPort) ||
                         cmd_.options.has(Opt::kTunNoCsum) || cmd_.options.has(Opt::kTunCsum) ||
                         cmd_.options.has(Opt::kTunRemCsum);
    if (any_tun && dest.fwd_method != IP_VS_CONN_F_TUNNEL) {
      fail("Tunnel options conflict with forward method");
    }
    if (dest.fwd_method == IP_VS_CONN_F_TUNNEL) {
      if (auto violation = check_tunnel_options(dest.tun_type, cmd_.options)) {
        fail(*violation);
      }
    }
  }
}

}  // namespace

ParseResult parse_command_line(const std::vector<std::string>& args) {
  Parser parser(args);
  return parser.run();
}

}  // namespace aavs::ipvsadm
