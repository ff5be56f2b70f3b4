// ipvsadm 1.31's command/option legality matrix and tunnel-option matrix.
#pragma once

#include <optional>
#include <string>

#include "src/command.h"

namespace aavs::ipvsadm {

// The first violation's message, or nothing when the combination is legal.
std::optional<std::string> check_command_options(CommandKind kind, const OptionSet& options);

// Tunnel options against the tunnel type (only meaningful for tunnelling servers).
std::optional<std::string> check_tunnel_options(std::uint8_t tun_type, const OptionSet& options);

}  // namespace aavs::ipvsadm
