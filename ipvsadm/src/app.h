// The tool minus process setup: parse, execute (restore included), report. main() owns the
// IPVS connection and the mapping of a failed start-up to 1.31's message.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "lib/ipvs_api.h"

namespace aavs::ipvsadm {

// Returns ipvsadm's exit status. args[0] is the program name.
int run_tool(const std::vector<std::string>& args, ipvs::IpvsApi& api, const ipvs::Info& info,
             std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace aavs::ipvsadm
