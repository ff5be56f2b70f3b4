// libFuzzer target: the -R input parser (tokenizer plus every line's command-line parse).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "src/restore.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) {
    return 0;
  }
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto result = aavs::ipvsadm::parse_restore(input, "ipvsadm");
  if (const auto* bad = std::get_if<aavs::ipvsadm::Exit>(&result)) {
    // A bad line is always reported with its number.
    if (bad->err.rfind("line ", 0) != 0) {
      __builtin_trap();
    }
  }
  return 0;
}
