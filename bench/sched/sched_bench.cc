// ns per scheduling decision of sh and mh, on the same table code aavs.ko
// runs, with 0 %, 50 % and 90 % of the servers paused (weight 0).  The
// fallback paths probe until they find a usable server: the probes column
// shows that this stays O(1) on average (about 1 / fraction available),
// whatever the number of servers.  Prints numbers and ratios; asserts
// nothing about time.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

extern "C" {
#include "sched_hash.h"
#include "sched_mh_table.h"
#include "sched_sh_table.h"
}

namespace {

struct Ctx {
  std::vector<int> weight;
  mutable uint64_t probes = 0;
};

bool usable(const void* ctx, unsigned int idx) {
  return static_cast<const Ctx*>(ctx)->weight[idx] > 0;
}

bool usable_counted(const void* ctx, unsigned int idx) {
  const auto* c = static_cast<const Ctx*>(ctx);
  c->probes++;
  return c->weight[idx] > 0;
}

enum class Kind { Sh, ShFallback, ShStable, Mh, MhFallback, MhStable };
const char* name(Kind k) {
  switch (k) {
    case Kind::Sh:
      return "sh";
    case Kind::ShFallback:
      return "sh+fallback";
    case Kind::ShStable:
      return "sh-stable+fallback";
    case Kind::Mh:
      return "mh";
    case Kind::MhFallback:
      return "mh+fallback";
    case Kind::MhStable:
      return "mh-stable+fallback";
  }
  return "?";
}

struct Flow {
  uint32_t fold;
  uint16_t port;
};

struct Bench {
  aavs_sh_table sh{}, sh_stable{};
  aavs_mh_table mh{}, mh_stable{};
  Ctx ctx;

  Bench(unsigned n, double paused) {
    std::vector<aavs_sched_member> m(n);
    for (unsigned i = 0; i < n; i++) {
      m[i].addr[0] = htonl(0xC0000200u + 11 + i);
      m[i].fold = aavs_sched_fold(false, m[i].addr);
      m[i].port = 80;
      m[i].last_weight = 1;
      // Pause every k-th server so paused ones are spread over the list.
      m[i].weight = (static_cast<double>((i * 7919u) % n) < paused * n) ? 0 : 1;
      ctx.weight.push_back(m[i].weight);
    }
    std::vector<unsigned char> ws(aavs_mh_ws_size(n) + aavs_sh_ws_size(n) + 1);
    aavs_sh_build(&sh, m.data(), n);
    aavs_sh_build_stable(&sh_stable, m.data(), n, ws.data());
    aavs_mh_build(&mh, m.data(), n, false, ws.data());
    aavs_mh_build(&mh_stable, m.data(), n, true, ws.data());
  }

  template <bool (*U)(const void*, unsigned int)>
  int decide(Kind k, const Flow& f) const {
    switch (k) {
      case Kind::Sh:
        return aavs_sh_get(&sh, f.fold, f.port, U, &ctx);
      case Kind::ShFallback:
        return aavs_sh_get_fallback(&sh, f.fold, f.port, U, &ctx);
      case Kind::ShStable:
        return aavs_sh_get_fallback(&sh_stable, f.fold, f.port, U, &ctx);
      case Kind::Mh:
        return aavs_mh_get(&mh, f.fold, f.port, U, &ctx);
      case Kind::MhFallback:
        return aavs_mh_get_fallback(&mh, f.fold, f.port, U, &ctx);
      case Kind::MhStable:
        return aavs_mh_get_fallback(&mh_stable, f.fold, f.port, U, &ctx);
    }
    return -1;
  }
};

}  // namespace

int main() {
  constexpr unsigned kServers = 32;
  constexpr size_t kFlows = 1 << 20;
  std::mt19937 rng(1);
  std::vector<Flow> flows(kFlows);
  for (auto& f : flows)
    f = {static_cast<uint32_t>(rng()), static_cast<uint16_t>(rng())};

  const Kind kinds[] = {Kind::Sh, Kind::ShFallback, Kind::ShStable,
                        Kind::Mh, Kind::MhFallback, Kind::MhStable};
  const double pauses[] = {0.0, 0.5, 0.9};
  double base = 0;
  std::printf("%u servers (weight 1), %zu random clients with port, best of 5 passes\n\n", kServers,
              kFlows);
  std::printf("%-20s %7s %10s %8s %9s %12s\n", "scheduler", "paused", "ns/decision", "vs sh",
              "probes", "no-dest %");
  for (Kind k : kinds) {
    for (double p : pauses) {
      Bench b(kServers, p);
      double best = 1e30;
      long sink = 0;
      for (int pass = 0; pass < 5; pass++) {
        auto t0 = std::chrono::steady_clock::now();
        for (const auto& f : flows)
          sink += b.decide<usable>(k, f);
        auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / kFlows);
      }
      size_t none = 0;
      for (const auto& f : flows)
        none += b.decide<usable_counted>(k, f) < 0;
      if (base == 0)
        base = best;
      std::printf("%-20s %6.0f%% %10.1f %7.2fx %9.2f %11.1f%%%s\n", name(k), 100 * p, best,
                  best / base, static_cast<double>(b.ctx.probes) / kFlows, 100.0 * none / kFlows,
                  sink == 42 ? " " : "");
    }
  }

  // Average probes with 90 % paused does not grow with the server count.
  std::printf("\nprobes per decision with 90%% paused, by number of servers\n%-20s", "scheduler");
  const unsigned sizes[] = {10, 40, 160, 640};
  for (unsigned n : sizes)
    std::printf(" %8u", n);
  std::printf("\n");
  for (Kind k : {Kind::ShFallback, Kind::ShStable, Kind::MhFallback, Kind::MhStable}) {
    std::printf("%-20s", name(k));
    for (unsigned n : sizes) {
      Bench b(n, 0.9);
      for (size_t i = 0; i < kFlows / 16; i++)
        b.decide<usable_counted>(k, flows[i]);
      std::printf(" %8.2f", static_cast<double>(b.ctx.probes) / (kFlows / 16));
    }
    std::printf("\n");
  }
  return 0;
}
