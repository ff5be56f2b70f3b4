// Helpers shared by the scheduler-table tests: member construction, an
// availability predicate over a plain vector, random flows, and a small
// "director" wrapper that builds a table the way the kernel scheduler will.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "sched_hash.h"
#include "sched_mh_table.h"
#include "sched_sh_table.h"
}

namespace aavs_test {

inline aavs_sched_member v4_member(uint32_t host_addr, uint16_t port, int weight,
                                   int last_weight = -1) {
  aavs_sched_member m{};
  m.addr[0] = htonl(host_addr);
  m.fold = aavs_sched_fold(false, m.addr);
  m.port = port;
  m.v6 = false;
  m.weight = weight;
  m.last_weight = last_weight < 0 ? weight : last_weight;
  return m;
}

inline aavs_sched_member v6_member(const uint32_t host_words[4], uint16_t port, int weight) {
  aavs_sched_member m{};
  for (int i = 0; i < 4; i++)
    m.addr[i] = htonl(host_words[i]);
  m.fold = aavs_sched_fold(true, m.addr);
  m.port = port;
  m.v6 = true;
  m.weight = weight;
  m.last_weight = weight;
  return m;
}

// Real servers 198.51.100.(1+i):80, weight w.
inline std::vector<aavs_sched_member> servers(int n, int w = 1, int first = 0) {
  std::vector<aavs_sched_member> v;
  for (int i = 0; i < n; i++)
    v.push_back(v4_member(0xC6336401u + first + i, 80, w));
  return v;
}

// ip_vs's is_unavailable(): weight <= 0 (no overload modelled here).
inline bool usable_by_weight(const void* ctx, unsigned int idx) {
  const auto* v = static_cast<const std::vector<aavs_sched_member>*>(ctx);
  return (*v)[idx].weight > 0;
}

struct Flow {
  uint32_t fold;  // host order
  uint16_t port;  // host order, 0 without the port flag
};

inline std::vector<Flow> random_flows(size_t n, bool with_port, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<Flow> f(n);
  for (auto& x : f) {
    x.fold = rng();
    x.port = with_port ? static_cast<uint16_t>(1024 + rng() % 64512) : 0;
  }
  return f;
}

inline std::string ident(const aavs_sched_member& m) {
  return std::string(reinterpret_cast<const char*>(m.addr), sizeof(m.addr)) +
         std::to_string(m.port) + (m.v6 ? "6" : "4");
}

enum class Kind { SH, SH_STABLE, MH, MH_STABLE };

inline const char* kind_name(Kind k) {
  switch (k) {
    case Kind::SH:
      return "sh";
    case Kind::SH_STABLE:
      return "sh+flag-3";
    case Kind::MH:
      return "mh";
    case Kind::MH_STABLE:
      return "mh+flag-3";
  }
  return "?";
}

// One director's view of one service: the dest list and its table.
struct Director {
  Kind kind;
  std::vector<aavs_sched_member> dests;  // list order (head first)
  aavs_sh_table sh{};
  aavs_mh_table mh{};
  std::vector<unsigned char> ws;

  Director(Kind k, std::vector<aavs_sched_member> d) : kind(k), dests(std::move(d)) { rebuild(); }

  int rebuild() {
    unsigned n = static_cast<unsigned>(dests.size());
    ws.assign(std::max<size_t>(1, std::max(aavs_sh_ws_size(n), aavs_mh_ws_size(n))), 0);
    switch (kind) {
      case Kind::SH:
        return aavs_sh_build(&sh, dests.data(), n);
      case Kind::SH_STABLE:
        return aavs_sh_build_stable(&sh, dests.data(), n, ws.data());
      case Kind::MH:
        return aavs_mh_build(&mh, dests.data(), n, false, ws.data());
      case Kind::MH_STABLE:
        return aavs_mh_build(&mh, dests.data(), n, true, ws.data());
    }
    return -1;
  }

  bool is_sh() const { return kind == Kind::SH || kind == Kind::SH_STABLE; }

  int hashed(const Flow& f) const {
    return is_sh() ? aavs_sh_hashed(&sh, f.fold, f.port) : aavs_mh_hashed(&mh, f.fold, f.port);
  }
  int get(const Flow& f) const {
    return is_sh() ? aavs_sh_get(&sh, f.fold, f.port, usable_by_weight, &dests)
                   : aavs_mh_get(&mh, f.fold, f.port, usable_by_weight, &dests);
  }
  int fallback(const Flow& f) const {
    return is_sh() ? aavs_sh_get_fallback(&sh, f.fold, f.port, usable_by_weight, &dests)
                   : aavs_mh_get_fallback(&mh, f.fold, f.port, usable_by_weight, &dests);
  }
  // Identity of the server a connection-opening packet goes to ("" = none).
  std::string pick(const Flow& f, bool with_fallback) const {
    int i = with_fallback ? fallback(f) : get(f);
    return i < 0 ? std::string() : ident(dests[i]);
  }
  std::string pick_hashed(const Flow& f) const {
    int i = hashed(f);
    return i < 0 ? std::string() : ident(dests[i]);
  }
};

}  // namespace aavs_test
