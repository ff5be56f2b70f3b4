// Fixed texts: --help, --version and the "Try ... --help" hint.
#pragma once

#include <string>

namespace aavs::ipvsadm {

std::string version_line();
std::string usage_text(const std::string& program);
std::string try_help_text(const std::string& program);

}  // namespace aavs::ipvsadm
