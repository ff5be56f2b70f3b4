// printf-style formatting into std::string: the listing formats are specified as C formats and
// must match them byte for byte.
#pragma once

#include <string>

namespace aavs::ipvsadm {

std::string strprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace aavs::ipvsadm
