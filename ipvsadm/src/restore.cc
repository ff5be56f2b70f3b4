#include "src/restore.h"

#include "src/help_text.h"

namespace aavs::ipvsadm {

std::vector<RestoreLine> restore_lines(std::string_view input, const std::string& program) {
  std::vector<RestoreLine> lines;
  int number = 0;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t end = input.find('\n', pos);
    if (end == std::string_view::npos) {
      end = input.size();
    }
    const std::string_view text = input.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    RestoreLine line{number, {program}};
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t start = text.find_first_not_of(" \t\r", i);
      if (start == std::string_view::npos) {
        break;
      }
      std::size_t stop = text.find_first_of(" \t\r", start);
      if (stop == std::string_view::npos) {
        stop = text.size();
      }
      std::string word(text.substr(start, stop - start));
      if (word != "ipvsadm") {
        line.args.push_back(std::move(word));
      }
      i = stop;
    }
    if (line.args.size() > 1) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

std::variant<std::vector<RestoreStep>, Exit> parse_restore(std::string_view input,
                                                           const std::string& program) {
  std::vector<RestoreStep> steps;
  for (auto& line : restore_lines(input, program)) {
    ParseResult parsed = parse_command_line(line.args);
    Exit bad;
    if (auto* exit = std::get_if<Exit>(&parsed)) {
      if (exit->status != 0) {
        bad = *exit;
      }
    } else if (std::get<Command>(parsed).kind == CommandKind::kRestore) {
      bad = Exit{255, {}, try_help_text(program)};  // no -R inside -R
    }
    if (!bad.err.empty()) {
      bad.err = "line " + std::to_string(line.number) + ": " + bad.err;
      return bad;
    }
    steps.push_back(RestoreStep{line.number, std::move(parsed)});
  }
  return steps;
}

}  // namespace aavs::ipvsadm
