// A fully parsed and validated ipvsadm command line.
#pragma once

#include <cstdint>
#include <string>

#include "lib/types.h"

namespace aavs::ipvsadm {

// Order matters: it is the row order of the legality matrix (option_rules.cc).
enum class CommandKind {
  kAddService,
  kEditService,
  kDeleteService,
  kFlush,
  kList,
  kAddServer,
  kEditServer,
  kDeleteServer,
  kSetTimeouts,
  kStartDaemon,
  kStopDaemon,
  kRestore,
  kSave,
  kZero,
  kDigest,      // aavs: --digest
  kPrometheus,  // aavs: --prometheus
};

// Order matters: it is the order in which 1.31 checks options (and the bit numbers).
enum class Opt {
  kNumeric,
  kConnection,
  kService,
  kScheduler,
  kPersistent,
  kNetmask,
  kRealServer,
  kForward,
  kWeight,
  kUThreshold,
  kLThreshold,
  kMcastInterface,
  kTimeout,
  kDaemon,
  kStats,
  kRate,
  kThresholds,
  kPersistentConn,
  kNoSort,
  kSyncId,
  kExact,
  kOps,
  kPe,
  kSchedFlags,
  kMcastGroup,
  kMcastPort,
  kMcastTtl,
  kSyncMaxlen,
  kTunInfo,
  kTunType,
  kTunPort,
  kTunNoCsum,
  kTunCsum,
  kTunRemCsum,
  kCount,
};

class OptionSet {
 public:
  bool has(Opt o) const { return (bits_ & bit(o)) != 0; }
  void add(Opt o) { bits_ |= bit(o); }

 private:
  static std::uint64_t bit(Opt o) { return std::uint64_t{1} << static_cast<unsigned>(o); }
  std::uint64_t bits_ = 0;
};

struct Command {
  CommandKind kind = CommandKind::kList;
  OptionSet options;
  ipvs::Service service;
  ipvs::Destination dest;
  ipvs::Timeouts timeouts;
  ipvs::Daemon daemon;
  std::string sched_flags;  // the raw -b list, parsed once every option is known
};

// How a run ends without a command to execute: help, version or an error, with the exact
// text for stdout/stderr and ipvsadm's exit status.
struct Exit {
  int status = 0;
  std::string out;
  std::string err;
};

const char* command_name(CommandKind kind);
const char* option_name(Opt opt);

}  // namespace aavs::ipvsadm
