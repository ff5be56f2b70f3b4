#include "src/app.h"

#include <iterator>

#include "src/cli_parser.h"
#include "src/executor.h"
#include "src/restore.h"

namespace aavs::ipvsadm {

namespace {

int report(const Exit& exit, std::ostream& out, std::ostream& err) {
  out << exit.out;
  err << exit.err;
  return exit.status;
}

int restore(const std::string& program, ipvs::IpvsApi& api, const ipvs::Info& info,
            std::istream& in, std::ostream& out, std::ostream& err) {
  const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = parse_restore(input, program);
  if (auto* bad = std::get_if<Exit>(&parsed)) {
    return report(*bad, out, err);
  }
  // Kernel errors do not stop a restore (as in 1.31): the status is the last line's.
  int status = 0;
  for (const auto& step : std::get<std::vector<RestoreStep>>(parsed)) {
    if (const auto* exit = std::get_if<Exit>(&step.parsed)) {
      return report(*exit, out, err);
    }
    try {
      status = execute(std::get<Command>(step.parsed), api, info, out, err);
    } catch (const OperationError& e) {
      err << e.message();
      status = e.status();
    }
  }
  return status;
}

}  // namespace

int run_tool(const std::vector<std::string>& args, ipvs::IpvsApi& api, const ipvs::Info& info,
             std::istream& in, std::ostream& out, std::ostream& err) {
  std::vector<std::string> effective = args;
  if (effective.size() == 1) {
    effective.emplace_back("-L");  // no arguments lists the table
  }
  ParseResult parsed = parse_command_line(effective);
  if (const auto* exit = std::get_if<Exit>(&parsed)) {
    return report(*exit, out, err);
  }
  const Command& cmd = std::get<Command>(parsed);
  try {
    if (cmd.kind == CommandKind::kRestore) {
      return restore(effective[0], api, info, in, out, err);
    }
    return execute(cmd, api, info, out, err);
  } catch (const OperationError& e) {
    err << e.message();
    return e.status();
  }
}

}  // namespace aavs::ipvsadm
