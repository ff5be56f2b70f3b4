// schedlat: does a command give up its CPU to a waiting real-time task?
//
//   schedlat --cpu N -- COMMAND [ARG...]
//
// Runs COMMAND pinned to CPU N (normal policy) while schedlat itself, pinned
// there too at SCHED_FIFO priority 50, wakes every millisecond until the
// command exits.  Prints "preempted P max_late_ms L": how many times the
// command was switched out involuntarily (its rusage), and the longest
// schedlat woke late.  A kernel path that never reschedules (on a
// voluntary-preemption kernel) is preempted only on its way back to user
// space, a few times in all; one that offers the CPU is preempted about
// once per millisecond it runs.  Exits with the command's status.

#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "schedlat: %s\nusage: schedlat --cpu N -- COMMAND [ARG...]\n", why);
  std::exit(2);
}

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) < 0) {
    std::perror("schedlat: sched_setaffinity");
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || std::string(argv[1]) != "--cpu" || std::string(argv[3]) != "--")
    usage("wrong arguments");
  int cpu = std::atoi(argv[2]);

  pin(cpu);
  pid_t child = fork();
  if (child < 0) {
    std::perror("schedlat: fork");
    return 1;
  }
  if (child == 0) {
    execvp(argv[4], argv + 4);
    std::perror("schedlat: exec");
    _exit(127);
  }
  sched_param sp{};
  sp.sched_priority = 50;
  if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0) {
    std::perror("schedlat: sched_setscheduler");
    return 1;
  }

  const int64_t period = 1000000;
  int64_t next = now_ns() + period;
  int64_t worst = 0;
  int status = 0;
  rusage ru{};
  for (;;) {
    timespec ts{static_cast<time_t>(next / 1000000000), static_cast<long>(next % 1000000000)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    int64_t late = now_ns() - next;
    if (late > worst)
      worst = late;
    if (wait4(child, &status, WNOHANG, &ru) == child)
      break;
    next += period;
    // After a long stall, wait a whole period again instead of catching up.
    if (next < now_ns())
      next = now_ns() + period;
  }
  std::printf("preempted %ld max_late_ms %.1f\n", ru.ru_nivcsw, static_cast<double>(worst) / 1e6);
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 1;
}
