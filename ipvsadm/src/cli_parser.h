// The ipvsadm 1.31 command line: popt with the same option table, then the same checks in the
// same order, so every accepted line, every message and every exit status match.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "src/command.h"

namespace aavs::ipvsadm {

using ParseResult = std::variant<Command, Exit>;

// args[0] is the program name used in help texts. No system state is touched except name
// lookups (hosts, services) for symbolic addresses and ports.
ParseResult parse_command_line(const std::vector<std::string>& args);

}  // namespace aavs::ipvsadm
