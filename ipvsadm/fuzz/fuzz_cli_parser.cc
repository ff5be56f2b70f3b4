// libFuzzer target: the command-line parser. Input = arguments separated by NUL bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "src/cli_parser.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"ipvsadm"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(current);
  if (args.size() > 64) {
    return 0;
  }
  auto result = aavs::ipvsadm::parse_command_line(args);
  if (const auto* exit = std::get_if<aavs::ipvsadm::Exit>(&result)) {
    // Every refusal carries 1.31's status and a message; help/version carry output.
    if (exit->status != 0 && exit->status != 2 && exit->status != 255) {
      __builtin_trap();
    }
    if (exit->status != 0 && exit->err.empty()) {
      __builtin_trap();
    }
  }
  return 0;
}
