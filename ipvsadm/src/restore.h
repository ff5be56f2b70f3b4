// -R: rules from stdin. Unlike 1.31, which applies lines until the first bad one, the whole
// input is parsed first and nothing is applied when any line is bad.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "src/cli_parser.h"

namespace aavs::ipvsadm {

struct RestoreLine {
  int number = 0;                 // 1-based line number in the input
  std::vector<std::string> args;  // args[0] is the program name
};

// Splits on blanks (space, tab, CR, LF) and drops every "ipvsadm" word, as 1.31 does; blank
// lines vanish. No quoting and no comments (a '#' line is a bad line, as in 1.31).
std::vector<RestoreLine> restore_lines(std::string_view input, const std::string& program);

struct RestoreStep {
  int number = 0;
  ParseResult parsed;  // a Command, or an Exit with status 0 (-h / -v inside the file)
};

// Every line parsed, or the first bad line's Exit: its 1.31 message prefixed with
// "line N: ", and 1.31's exit status for that message.
std::variant<std::vector<RestoreStep>, Exit> parse_restore(std::string_view input,
                                                           const std::string& program);

}  // namespace aavs::ipvsadm
