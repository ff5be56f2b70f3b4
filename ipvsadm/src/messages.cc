#include "src/messages.h"

#include <cerrno>
#include <cstring>

namespace aavs::ipvsadm {

namespace {

struct SpecificText {
  Operation op;
  int err;
  const char* text;
};

constexpr SpecificText kSpecific[] = {
    {Operation::kAddService, EEXIST, "Service already exists"},
    {Operation::kAddService, ENOENT, "Scheduler or persistence engine not found"},
    {Operation::kUpdateService, ESRCH, "No such service"},
    {Operation::kUpdateService, ENOENT, "Scheduler or persistence engine not found"},
    {Operation::kDeleteService, ESRCH, "No such service"},
    {Operation::kZeroService, ESRCH, "No such service"},
    {Operation::kAddDest, ESRCH, "Service not defined"},
    {Operation::kAddDest, EEXIST, "Destination already exists"},
    {Operation::kUpdateDest, ESRCH, "Service not defined"},
    {Operation::kUpdateDest, ENOENT, "No such destination"},
    {Operation::kDeleteDest, ESRCH, "Service not defined"},
    {Operation::kDeleteDest, ENOENT, "No such destination"},
    {Operation::kStartDaemon, EEXIST, "Daemon has already run"},
    {Operation::kStopDaemon, ESRCH, "No daemon is running"},
    {Operation::kGetServices, ESRCH, "No such service"},
    {Operation::kGetService, ESRCH, "No such service"},
    {Operation::kGetDests, ESRCH, "No such service"},
};

const char* generic_text(int err) {
  switch (err) {
    case EPERM:
      return "Permission denied (you must be root)";
    case EINVAL:
      return "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    case ENOPROTOOPT:
      return "Protocol not available";
    case ENOMEM:
      return "Memory allocation problem";
    case EOPNOTSUPP:
      return "Operation not supported with IPv6";
    case EAFNOSUPPORT:
      return "Operation not supported with specified address family";
    case EMSGSIZE:
      return "Module is wrong version";
    default:
      return nullptr;
  }
}

}  // namespace

std::string kernel_error_text(Operation op, int err) {
  for (const auto& entry : kSpecific) {
    if (entry.op == op && entry.err == err) {
      return entry.text;
    }
  }
  if (const char* text = generic_text(err)) {
    return text;
  }
  return std::strerror(err);
}

}  // namespace aavs::ipvsadm
