// Carries out one parsed command against IPVS and prints what 1.31 prints.
#pragma once

#include <ostream>
#include <system_error>

#include "lib/ipvs_api.h"
#include "src/command.h"
#include "src/messages.h"

namespace aavs::ipvsadm {

// A kernel (or reply decoding) failure of one operation: the errno, which of 1.31's messages
// applies, and the exit status 1.31 uses for it (255 for changes, 1 for listings).
class OperationError : public std::system_error {
 public:
  OperationError(const std::system_error& cause, Operation op, int status)
      : std::system_error(cause.code(), cause.what()), op_(op), status_(status) {}

  Operation operation() const { return op_; }
  int status() const { return status_; }
  // The line 1.31 prints for it, with its newline.
  std::string message() const { return kernel_error_text(op_, code().value()) + "\n"; }

 private:
  Operation op_;
  int status_;
};

// Returns the exit status for the successful paths; throws OperationError for kernel failures.
// Listing text goes to out; `-L -c` problems with /proc go to err.
int execute(const Command& cmd, ipvs::IpvsApi& api, const ipvs::Info& info, std::ostream& out,
            std::ostream& err);

}  // namespace aavs::ipvsadm
