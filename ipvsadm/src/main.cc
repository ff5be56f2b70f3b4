// ipvsadm: connect to IPVS (loading the module like 1.31 if needed), then run the tool.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <system_error>

#include "lib/client.h"
#include "src/app.h"
#include "src/messages.h"

namespace {

// 1.31 runs exactly this when IPVS is missing; with aavs installed, packaging/modprobe.d maps
// the name ip_vs to aavs (docs/modprobe.md).
bool load_ip_vs_module() {
  const pid_t pid = fork();
  if (pid < 0) {
    return false;
  }
  if (pid == 0) {
    char prog[] = "/sbin/modprobe";
    char dashes[] = "--";
    char name[] = "ip_vs";
    char* const argv[] = {prog, dashes, name, nullptr};
    execv(prog, argv);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return false;
    }
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct Connection {
  std::unique_ptr<aavs::ipvs::Client> client;
  aavs::ipvs::Info info;
};

Connection connect_once() {
  Connection c;
  c.client = aavs::ipvs::Client::connect();
  c.info = c.client->info();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Connection conn;
  try {
    try {
      conn = connect_once();
    } catch (const std::system_error&) {
      if (!load_ip_vs_module()) {
        throw;
      }
      conn = connect_once();
    }
  } catch (const std::system_error& e) {
    std::fprintf(stderr,
                 "Can't initialize ipvs: %s\n"
                 "Are you sure that IP Virtual Server is built in the kernel or as module?\n",
                 aavs::ipvsadm::kernel_error_text(aavs::ipvsadm::Operation::kInit, e.code().value())
                     .c_str());
    return 2;
  }
  std::vector<std::string> args(argv, argv + argc);
  const int status =
      aavs::ipvsadm::run_tool(args, *conn.client, conn.info, std::cin, std::cout, std::cerr);
  std::cout.flush();
  return status;
}
