// How many long-lived flows break when a director or a real server changes,
// on the kernel's own sh/mh table code, in a simulated active-active
// cluster: D directors behind one ECMP router, S real servers, no
// connection sync.
//
// The model (why each rule is what it is):
//  * A flow was opened (SYN) on the director ECMP gave it, which scheduled
//    it with its table while every server was up, and keeps a conn entry
//    for it: on that director the flow stays on its server through any
//    change, except when the server is deleted.
//  * A flow that ECMP moves to another director arrives there mid-stream,
//    without a conn entry; sloppy_tcp creates one from the table.  With
//    sh-/mh-fallback aavs keeps a mid-stream packet on its *hashed* server
//    while that server is in the service, even at weight 0
//    (aavs_hsched_keep); without fallback a hashed server at weight 0 means
//    no destination.  The flow survives iff that server is its server.
//  * A flow is broken when the server that ends up with its packets is not
//    the one holding its connection (or no server gets them).
//  * ECMP is Linux's IPv4 hash-threshold (fib_select_multipath): next hop k
//    of the live ones owns the hash range up to round((k+1) * 2^31 / n) - 1,
//    so removing one director recomputes every range and moves flows
//    between the surviving directors too, not just the removed one's.
//  * The flow key is the client address and port (sh-port/mh-port), so the
//    flows spread over servers like independent clients.
//  * Servers are added one by one; ipvsadm puts each new dest at the head
//    of the list, so "same order" directors list the newest first.  In the
//    "orders differ" event each director has its own random list order (as
//    after health-check flaps seen in another order).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "sched_hash.h"
#include "sched_mh_table.h"
#include "sched_sh_table.h"
}

namespace {

enum class Kind { Sh, ShStable, Mh, MhStable };
const Kind kKinds[] = {Kind::Sh, Kind::ShStable, Kind::Mh, Kind::MhStable};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Sh:
      return "sh";
    case Kind::ShStable:
      return "sh-stable";
    case Kind::Mh:
      return "mh";
    case Kind::MhStable:
      return "mh-stable";
  }
  return "?";
}

// What a director does with a mid-stream packet it has no conn entry for.
enum class Mode { Plain, Fallback, IpvsFallback };
constexpr int kModes = 3;

struct Flow {
  uint32_t fold;  // client address, host order
  uint16_t port;  // client port (sh-port / mh-port)
  uint32_t ecmp;  // the router's 31-bit multipath hash: unrelated to ip_vs's
};

// Server i of the cluster (creation order), 198.51.100.(1+i):80.
aavs_sched_member server(unsigned i, int w) {
  aavs_sched_member m{};
  m.addr[0] = htonl(0xC6336401u + i);
  m.fold = aavs_sched_fold(false, m.addr);
  m.port = 80;
  m.weight = w;
  m.last_weight = w;
  return m;
}

// One director's table for one service; id[] maps a member index back to
// the server's creation number, which is what "the same server" means.
struct Table {
  Kind kind;
  std::vector<aavs_sched_member> m;
  std::vector<int> id;
  aavs_sh_table sh{};
  aavs_mh_table mh{};

  Table(Kind k, std::vector<aavs_sched_member> mem, std::vector<int> ids)
      : kind(k), m(std::move(mem)), id(std::move(ids)) {
    unsigned n = static_cast<unsigned>(m.size());
    std::vector<unsigned char> ws(
        std::max<size_t>(1, std::max(aavs_sh_ws_size(n), aavs_mh_ws_size(n))));
    int rc = 0;
    switch (k) {
      case Kind::Sh:
        rc = aavs_sh_build(&sh, m.data(), n);
        break;
      case Kind::ShStable:
        rc = aavs_sh_build_stable(&sh, m.data(), n, ws.data());
        break;
      case Kind::Mh:
      case Kind::MhStable:
        rc = aavs_mh_build(&mh, m.data(), n, k == Kind::MhStable, ws.data());
        break;
    }
    if (rc) {
      std::fprintf(stderr, "table build failed (%d)\n", rc);
      std::exit(1);
    }
  }

  int hashed(const Flow& f) const {
    if (kind == Kind::Sh || kind == Kind::ShStable)
      return aavs_sh_hashed(&sh, f.fold, f.port);
    return aavs_mh_hashed(&mh, f.fold, f.port);
  }

  static bool usable(const void* ctx, unsigned int idx) {
    return static_cast<const Table*>(ctx)->m[idx].weight > 0;
  }

  // Server (creation number) a mid-stream packet without a conn entry
  // reaches, or -1.  aavs with fallback: the hashed one while it is in the
  // service, even at weight 0; without: the hashed one if usable.  Stock
  // ip_vs with fallback treats it like a new flow and falls back.
  int midstream(const Flow& f, Mode mode) const {
    int i;
    if (mode == Mode::IpvsFallback)
      i = (kind == Kind::Sh || kind == Kind::ShStable)
              ? aavs_sh_get_fallback(&sh, f.fold, f.port, usable, this)
              : aavs_mh_get_fallback(&mh, f.fold, f.port, usable, this);
    else
      i = hashed(f);
    if (i < 0 || (mode == Mode::Plain && m[i].weight <= 0))
      return -1;
    return id[i];
  }
};

// fib_select_multipath with equal weights over the live next hops.
std::vector<uint32_t> ecmp_bounds(unsigned live) {
  std::vector<uint32_t> b(live);
  for (unsigned k = 0; k < live; k++)
    b[k] = static_cast<uint32_t>(((static_cast<uint64_t>(k + 1) << 31) + live / 2) / live) - 1;
  return b;
}

unsigned ecmp_pick(const std::vector<uint32_t>& bounds, uint32_t h) {
  unsigned k = 0;
  while (h > bounds[k])
    k++;
  return k;
}

enum class Srv { None, Pause, Del, Add };

struct Event {
  const char* name;
  bool dir_removed;
  bool orders_differ;
  Srv srv;
};

const Event kEvents[] = {
    {"director removed", true, false, Srv::None},
    {"director removed, orders differ", true, true, Srv::None},
    {"server paused (w 0)", false, false, Srv::Pause},
    {"server deleted", false, false, Srv::Del},
    {"server added", false, false, Srv::Add},
    {"server paused + director removed", true, false, Srv::Pause},
    {"server deleted + director removed", true, false, Srv::Del},
    {"server added + director removed", true, false, Srv::Add},
};
constexpr int kNumEvents = sizeof(kEvents) / sizeof(kEvents[0]);

// Dest list of one director: servers 0..S-1 (+ S if added), list order.
struct Config {
  std::vector<aavs_sched_member> m;
  std::vector<int> id;
};

Config config(unsigned S, int w, const std::vector<int>& order, Srv srv, unsigned victim) {
  Config c;
  if (srv == Srv::Add) {  // the newest dest goes to the list head
    c.m.push_back(server(S, w));
    c.id.push_back(static_cast<int>(S));
  }
  for (int i : order) {
    if (srv == Srv::Del && static_cast<unsigned>(i) == victim)
      continue;
    aavs_sched_member m = server(static_cast<unsigned>(i), w);
    if (srv == Srv::Pause && static_cast<unsigned>(i) == victim)
      m.weight = 0;  // last_weight stays: a pause, not a delete
    c.m.push_back(m);
    c.id.push_back(i);
  }
  return c;
}

struct Result {
  uint64_t broken[kNumEvents][4][kModes];  // event, kind, mode
};

void usage() {
  std::fprintf(stderr,
               "usage: survival [-n flows] [-w weight] [-a]\n"
               "  -n  long-lived flows (default 1000000)\n"
               "  -w  weight of every server (default 1; plain sh re-tiles on a pause when > 1)\n"
               "  -a  print absolute numbers of broken flows too\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n_flows = 1000000;
  int weight = 1;
  bool absolute = false;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "-n") && i + 1 < argc)
      n_flows = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "-w") && i + 1 < argc)
      weight = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "-a"))
      absolute = true;
    else
      usage();
  }
  if (n_flows == 0 || weight < 1)
    usage();

  const unsigned Ds[] = {2, 3, 4, 8, 16, 64};
  const unsigned Ss[] = {2, 3, 5, 8, 16, 64};
  constexpr int nD = sizeof(Ds) / sizeof(Ds[0]), nS = sizeof(Ss) / sizeof(Ss[0]);

  auto t0 = std::chrono::steady_clock::now();
  std::mt19937 rng(17);
  std::vector<Flow> flows(n_flows);
  for (auto& f : flows) {
    f.fold = static_cast<uint32_t>(rng());
    f.port = static_cast<uint16_t>(1024 + rng() % 64512);
    f.ecmp = static_cast<uint32_t>(rng()) >> 1;
  }

  std::vector<std::vector<Result>> res(nD, std::vector<Result>(nS));
  std::vector<double> ecmp_moved(nD);
  std::vector<int> dir0(n_flows), dir1(n_flows), srv0(n_flows);

  for (int di = 0; di < nD; di++) {
    const unsigned D = Ds[di];
    // The director removed: the middle next hop (the last one for D = 2).
    const unsigned gone = D / 2;
    auto before = ecmp_bounds(D), after = ecmp_bounds(D - 1);
    size_t moved = 0;
    for (size_t f = 0; f < n_flows; f++) {
      dir0[f] = static_cast<int>(ecmp_pick(before, flows[f].ecmp));
      unsigned k = ecmp_pick(after, flows[f].ecmp);
      dir1[f] = static_cast<int>(k >= gone ? k + 1 : k);  // position -> director
      moved += dir0[f] != dir1[f];
    }
    ecmp_moved[di] = static_cast<double>(moved) / n_flows;

    for (int si = 0; si < nS; si++) {
      const unsigned S = Ss[si];
      const unsigned victim = S / 2;  // the server paused or deleted
      Result& r = res[di][si];
      std::memset(&r, 0, sizeof(r));

      // List orders: every director newest first, or each its own.
      std::vector<int> newest_first(S);
      for (unsigned i = 0; i < S; i++)
        newest_first[i] = static_cast<int>(S - 1 - i);
      std::vector<std::vector<int>> own(D, newest_first);
      for (unsigned d = 0; d < D; d++) {
        std::mt19937 orng(1000 * D + d);
        std::shuffle(own[d].begin(), own[d].end(), orng);
      }

      for (int ki = 0; ki < 4; ki++) {
        const Kind kind = kKinds[ki];
        // Before any change every server is up, so fallback does not
        // matter for where the flows were opened.
        Config c0 = config(S, weight, newest_first, Srv::None, victim);
        Table t0(kind, c0.m, c0.id);
        for (size_t f = 0; f < n_flows; f++)
          srv0[f] = t0.midstream(flows[f], Mode::Plain);

        std::vector<Table> own0;  // "orders differ": open on own tables
        for (unsigned d = 0; d < D; d++) {
          Config c = config(S, weight, own[d], Srv::None, victim);
          own0.emplace_back(kind, c.m, c.id);
        }

        for (int e = 0; e < kNumEvents; e++) {
          const Event& ev = kEvents[e];
          std::vector<Table> tabs;
          if (ev.orders_differ) {
            for (unsigned d = 0; d < D; d++) {
              Config c = config(S, weight, own[d], ev.srv, victim);
              tabs.emplace_back(kind, c.m, c.id);
            }
          } else {
            Config c = config(S, weight, newest_first, ev.srv, victim);
            tabs.emplace_back(kind, c.m, c.id);
          }
          const int deleted = ev.srv == Srv::Del ? static_cast<int>(victim) : -1;
          for (int mode = 0; mode < kModes; mode++) {
            uint64_t broken = 0;
            for (size_t f = 0; f < n_flows; f++) {
              int s0 = ev.orders_differ ? own0[dir0[f]].midstream(flows[f], Mode::Plain) : srv0[f];
              if (s0 == deleted) {
                broken++;
                continue;
              }
              if (!ev.dir_removed || dir0[f] == dir1[f])
                continue;  // its conn entry keeps it on its server
              const Table& t = ev.orders_differ ? tabs[dir1[f]] : tabs[0];
              broken += t.midstream(flows[f], static_cast<Mode>(mode)) != s0;
            }
            r.broken[e][ki][mode] = broken;
          }
        }
      }
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf(
      "Flows broken by one event, %% of %zu long-lived flows (client address + port\n"
      "hashed), every server weight %d.  Linux hash-threshold ECMP; the director\n"
      "removed is the middle next hop, the server paused/deleted the middle one, a\n"
      "server is added at the list head.  \"+fb\": sh-/mh-fallback as aavs does it\n"
      "(a mid-stream packet stays on its hashed server, even at weight 0); \"ipvs-fb\":\n"
      "the same flag on stock ip_vs (the packet falls back like a new flow), shown\n"
      "where it differs.  \"±fb\": the same with and without fallback.\n\n",
      n_flows, weight);
  std::printf("ECMP: flows that change director when one of D is removed\n");
  for (int di = 0; di < nD; di++)
    std::printf("  D=%-3u %6.2f %%\n", Ds[di], 100 * ecmp_moved[di]);

  auto header = [&](const char* title) {
    std::printf("\n%-48s", title);
    for (int si = 0; si < nS; si++) {
      char h[16];
      std::snprintf(h, sizeof(h), "S=%u", Ss[si]);
      std::printf(" %8s", h);
    }
    std::printf("\n");
  };
  auto row = [&](int di, int e, int ki, int mode, const char* suffix) {
    std::string name = std::string(kEvents[e].name) + ": " + kind_name(kKinds[ki]) + suffix;
    std::printf("%-48s", name.c_str());
    for (int si = 0; si < nS; si++) {
      uint64_t b = res[di][si].broken[e][ki][mode];
      std::printf(" %7.2f%%", 100.0 * b / n_flows);
    }
    if (absolute) {
      std::printf("  (");
      for (int si = 0; si < nS; si++)
        std::printf("%s%llu", si ? " " : "",
                    static_cast<unsigned long long>(res[di][si].broken[e][ki][mode]));
      std::printf(")");
    }
    std::printf("\n");
  };
  auto same = [&](int di, int e, int ki, int a, int b) {
    for (int si = 0; si < nS; si++)
      if (res[di][si].broken[e][ki][a] != res[di][si].broken[e][ki][b])
        return false;
    return true;
  };
  auto block = [&](int di, bool dir_removed) {
    for (int e = 0; e < kNumEvents; e++) {
      if (kEvents[e].dir_removed != dir_removed)
        continue;
      for (int ki = 0; ki < 4; ki++) {
        if (same(di, e, ki, 0, 1)) {
          row(di, e, ki, 0, " ±fb");
        } else {
          row(di, e, ki, 0, "");
          row(di, e, ki, 1, "+fb");
        }
        bool stock = kKinds[ki] == Kind::Sh || kKinds[ki] == Kind::Mh;
        if (stock && !same(di, e, ki, 1, 2))
          row(di, e, ki, 2, " ipvs-fb");
      }
    }
  };
  // Without a director change no flow moves, so D does not matter.
  header("no director change (any D)");
  block(0, false);
  for (int di = 0; di < nD; di++) {
    char t[32];
    std::snprintf(t, sizeof(t), "D=%u, one director removed", Ds[di]);
    header(t);
    block(di, true);
  }
  std::printf("\n%.1f s\n", secs);
  return 0;
}
