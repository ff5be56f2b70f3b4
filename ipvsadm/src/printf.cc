#include "src/printf.h"

#include <cstdarg>
#include <cstdio>

namespace aavs::ipvsadm {

std::string strprintf(const char* fmt, ...) {
  // Listing lines are short: one pass into a stack buffer, a second only for longer text.
  char small[512];
  va_list args;
  va_start(args, fmt);
  // clang-analyzer 14 misreads x86-64's array-typed va_list after va_start (false positive).
  // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  const int len = std::vsnprintf(small, sizeof small, fmt, args);
  va_end(args);
  if (len < 0) {
    return {};
  }
  if (static_cast<std::size_t>(len) < sizeof small) {
    return {small, static_cast<std::size_t>(len)};
  }
  std::string out(static_cast<std::size_t>(len) + 1, '\0');
  va_start(args, fmt);
  // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  std::vsnprintf(out.data(), out.size(), fmt, args);
  va_end(args);
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace aavs::ipvsadm
