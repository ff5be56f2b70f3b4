// The text ipvsadm 1.31 prints for a failed kernel operation (its ipvs_strerror table).
#pragma once

#include <string>

namespace aavs::ipvsadm {

// Which library call failed; some errno values read differently per operation.
enum class Operation {
  kInit,
  kAddService,
  kUpdateService,
  kDeleteService,
  kZeroService,
  kAddDest,
  kUpdateDest,
  kDeleteDest,
  kStartDaemon,
  kStopDaemon,
  kGetServices,
  kGetService,
  kGetDests,
  kOther,
};

std::string kernel_error_text(Operation op, int err);

}  // namespace aavs::ipvsadm
