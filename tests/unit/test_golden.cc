// Bit-identity with ip_vs: a second, deliberately plain model of ip_vs_sh
// and ip_vs_mh written from the algorithm description
// (../shared/ipvs-compat.md B.4-B.6), not from the aavs sources: a real
// linked list of dests with head insertion, byte-wise address folding, its
// own SipHash-1-3.  Random services and clients must map identically under
// every flag combination.  A few vectors observed on stock ip_vs in the lab
// (sched_diff) pin both models to the real kernel.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <array>
#include <bit>
#include <cstdint>
#include <list>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "sched_test_util.h"

namespace {

namespace ref {

struct Dest {
  std::array<uint8_t, 16> addr{};  // network order; IPv4 in bytes 0..3
  uint16_t port = 0;
  int weight = 0;
  int last_weight = 0;
  bool overloaded = false;
  int id = 0;  // position in the caller's array
};

// ipvsadm -a puts the new dest at the head of svc->destinations.
struct Service {
  bool v6 = false;
  std::list<Dest> dests;
  void add(Dest d) { dests.push_front(d); }
};

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// ntohl of the address, or of the XOR of the four IPv6 words.
uint32_t fold(bool v6, const std::array<uint8_t, 16>& a) {
  if (!v6)
    return be32(&a[0]);
  return be32(&a[0]) ^ be32(&a[4]) ^ be32(&a[8]) ^ be32(&a[12]);
}

bool unavailable(const Dest& d) {
  return d.weight <= 0 || d.overloaded;
}

// --- sh ---------------------------------------------------------------
constexpr unsigned kShSize = 256;

unsigned sh_key(uint32_t f, uint16_t port, unsigned offset) {
  uint32_t h = static_cast<uint32_t>((uint64_t{port} + f) * 0x61C88647ull) >> 24;
  return (offset + h) % kShSize;
}

// Walk the list cyclically; each dest fills `weight` buckets (at least 1).
std::vector<const Dest*> sh_table(const Service& s) {
  std::vector<const Dest*> t(kShSize, nullptr);
  if (s.dests.empty())
    return t;
  auto it = s.dests.begin();
  int count = 0;
  for (unsigned b = 0; b < kShSize; b++) {
    t[b] = &*it;
    count++;
    if (count >= it->weight) {
      count = 0;
      if (++it == s.dests.end())
        it = s.dests.begin();
    }
  }
  return t;
}

// Both schedulers: the flow's bucket slot(0), and with fallback, when that
// dest is unavailable, the first available one at slot((ihash + off) % size);
// an empty bucket ends the search.
template <typename Slot>
const Dest* pick(const std::vector<const Dest*>& t, unsigned size, Slot slot, bool fallback) {
  unsigned ihash = slot(0);
  const Dest* d = t[ihash];
  if (!fallback)
    return (d && !unavailable(*d)) ? d : nullptr;
  if (!d)
    return nullptr;
  if (!unavailable(*d))
    return d;
  for (unsigned off = 0; off < size; off++) {
    const Dest* x = t[slot((off + ihash) % size)];
    if (!x)
      return nullptr;
    if (!unavailable(*x))
      return x;
  }
  return nullptr;
}

const Dest* sh_schedule(const std::vector<const Dest*>& t, uint32_t f, uint16_t port,
                        bool fallback) {
  return pick(
      t, kShSize, [&](unsigned off) { return sh_key(f, port, off); }, fallback);
}

// --- mh ---------------------------------------------------------------
constexpr unsigned kMhSize = 4093;

uint32_t siphash13_u32(uint32_t value, uint64_t k0, uint64_t k1) {
  uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
  uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
  auto round = [&] {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  };
  // Four message bytes (little-endian load on x86), length 4 in the top byte.
  uint64_t b = (uint64_t{4} << 56) | value;
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xff;
  round();
  round();
  round();
  return static_cast<uint32_t>(v0 ^ v1 ^ v2 ^ v3);
}

uint32_t mh_key(uint32_t f, uint16_t port, int keyno, unsigned offset) {
  const uint64_t k = keyno == 1 ? 2654435761ull : 2654446892ull;
  return siphash13_u32(offset + port + f, k, k);
}

std::vector<const Dest*> mh_table(const Service& s) {
  std::vector<const Dest*> t(kMhSize, nullptr);
  int g = 0, maxw = 0;
  for (const auto& d : s.dests) {
    if (d.last_weight > 0)
      g = std::gcd(g, d.last_weight);
    maxw = std::max(maxw, d.last_weight);
  }
  if (g < 1)
    return t;
  int shift = std::max(0, static_cast<int>(std::bit_width(static_cast<unsigned>(maxw / g))) - 6);

  struct Perm {
    const Dest* d;
    unsigned next, skip;
    int turns;
  };
  std::vector<Perm> p;
  for (const auto& d : s.dests) {
    uint32_t f = fold(s.v6, d.addr);
    int turns = (d.last_weight / g) >> shift;
    if (turns == 0 && d.last_weight != 0)
      turns = 1;
    p.push_back({&d, mh_key(f, d.port, 1, 0) % kMhSize, mh_key(f, d.port, 2, 0) % (kMhSize - 1) + 1,
                 turns});
  }
  unsigned filled = 0;
  while (true) {
    for (auto& x : p) {
      for (int k = 0; k < x.turns; k++) {
        while (t[x.next])
          x.next = (x.next + x.skip) % kMhSize;
        t[x.next] = x.d;
        if (++filled == kMhSize)
          return t;
      }
    }
  }
}

const Dest* mh_schedule(const std::vector<const Dest*>& t, uint32_t f, uint16_t port,
                        bool fallback) {
  return pick(
      t, kMhSize, [&](unsigned off) { return mh_key(f, port, 1, off) % kMhSize; }, fallback);
}

}  // namespace ref

// --- aavs, driven the way kernel/sched_{sh,mh}.c drive it -------------------

struct AavsView {
  std::vector<aavs_sched_member> m;  // list order
  std::vector<int> id;               // member -> ref::Dest::id
  std::vector<bool> usable;
  aavs_sh_table sh{};
  aavs_mh_table mh{};
};

bool usable_cb(const void* ctx, unsigned int idx) {
  return (*static_cast<const std::vector<bool>*>(ctx))[idx];
}

AavsView aavs_view(const ref::Service& s) {
  AavsView v;
  for (const auto& d : s.dests) {
    aavs_sched_member x{};
    std::memcpy(x.addr, d.addr.data(), 16);
    x.v6 = s.v6;
    x.fold = aavs_sched_fold(s.v6, x.addr);
    x.port = d.port;
    x.weight = d.weight;
    x.last_weight = d.last_weight;
    v.m.push_back(x);
    v.id.push_back(d.id);
    v.usable.push_back(!ref::unavailable(d));
  }
  unsigned n = static_cast<unsigned>(v.m.size());
  std::vector<unsigned char> ws(aavs_mh_ws_size(n) + 1);
  EXPECT_EQ(aavs_sh_build(&v.sh, v.m.data(), n), 0);
  EXPECT_EQ(aavs_mh_build(&v.mh, v.m.data(), n, false, ws.data()), 0);
  return v;
}

int aavs_pick(const AavsView& v, bool mh, uint32_t f, uint16_t port, bool fallback) {
  int i;
  if (mh)
    i = fallback ? aavs_mh_get_fallback(&v.mh, f, port, usable_cb, &v.usable)
                 : aavs_mh_get(&v.mh, f, port, usable_cb, &v.usable);
  else
    i = fallback ? aavs_sh_get_fallback(&v.sh, f, port, usable_cb, &v.usable)
                 : aavs_sh_get(&v.sh, f, port, usable_cb, &v.usable);
  return i < 0 ? -1 : v.id[i];
}

ref::Service random_service(std::mt19937& rng, bool v6) {
  ref::Service s;
  s.v6 = v6;
  int n = static_cast<int>(rng() % 41);
  for (int i = 0; i < n; i++) {
    ref::Dest d;
    for (int b = 0; b < (v6 ? 16 : 4); b++)
      d.addr[b] = static_cast<uint8_t>(rng());
    d.port = static_cast<uint16_t>(rng() % 3 == 0 ? 80 : rng());
    d.last_weight = static_cast<int>(rng() % 11);
    d.weight = rng() % 5 == 0 ? 0 : d.last_weight;  // some paused
    d.overloaded = rng() % 10 == 0;
    d.id = i;
    s.add(d);
  }
  return s;
}

}  // namespace

TEST(Golden, ShAndMhMatchTheReferenceModel) {
  std::mt19937 rng(20240601);
  size_t compared = 0, answered = 0;
  for (int round = 0; round < 120; round++) {
    bool v6 = round % 2;
    ref::Service s = random_service(rng, v6);
    AavsView v = aavs_view(s);
    const auto sh_t = ref::sh_table(s), mh_t = ref::mh_table(s);
    for (int c = 0; c < 300; c++) {
      std::array<uint8_t, 16> client{};
      for (int b = 0; b < (v6 ? 16 : 4); b++)
        client[b] = static_cast<uint8_t>(rng());
      uint32_t f = ref::fold(v6, client);
      uint16_t sport = static_cast<uint16_t>(rng());
      for (int flags = 0; flags < 4; flags++) {
        bool fallback = flags & 1;
        uint16_t port = (flags & 2) ? sport : 0;
        for (bool mh : {false, true}) {
          const ref::Dest* want = mh ? ref::mh_schedule(mh_t, f, port, fallback)
                                     : ref::sh_schedule(sh_t, f, port, fallback);
          int got = aavs_pick(v, mh, f, port, fallback);
          ASSERT_EQ(got, want ? want->id : -1)
              << (mh ? "mh" : "sh") << " round " << round << " flags " << flags;
          compared++;
          answered += want != nullptr;
        }
      }
    }
  }
  std::printf("compared %zu decisions (%zu with a dest) against the reference model\n", compared,
              answered);
}

TEST(Golden, FoldMatchesByteWiseModel) {
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; i++) {
    std::array<uint8_t, 16> a{};
    for (auto& b : a)
      b = static_cast<uint8_t>(rng());
    __be32 w[4];
    std::memcpy(w, a.data(), 16);
    EXPECT_EQ(aavs_sched_fold(true, w), ref::fold(true, a));
    EXPECT_EQ(aavs_sched_fold(false, w), ref::fold(false, a));
  }
}

namespace {

// The lab's sched_diff services: dests 192.0.2.11..15 (or 2001:db8:a::11..
// 15), port P, weights 1..5 added rs1 first, then rs3 set to weight 0.
ref::Service lab_service(bool v6, uint16_t port) {
  ref::Service s;
  s.v6 = v6;
  for (int i = 1; i <= 5; i++) {
    ref::Dest d;
    if (v6) {
      const uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      std::memcpy(d.addr.data(), a, 16);
      d.addr[15] = static_cast<uint8_t>(0x10 + i);
    } else {
      d.addr = {192, 0, 2, static_cast<uint8_t>(10 + i)};
    }
    d.port = port;
    d.weight = d.last_weight = i;
    d.id = i;  // rsN
    if (i == 3)
      d.weight = 0;
    s.add(d);
  }
  return s;
}

struct LabVector {
  const char* client;
  uint16_t sport;
  int rs;  // 0: no answer (no destination)
};

// Expected server for one lab vector, from the reference model and from
// aavs's tables; both must equal what stock ip_vs did in the lab.
void check_lab(bool v6, bool mh, bool fallback, bool port, const LabVector& v) {
  ref::Service s = lab_service(v6, 53);
  std::array<uint8_t, 16> c{};
  ASSERT_EQ(inet_pton(v6 ? AF_INET6 : AF_INET, v.client, c.data()), 1);
  uint32_t f = ref::fold(v6, c);
  uint16_t p = port ? v.sport : 0;
  const ref::Dest* want = mh ? ref::mh_schedule(ref::mh_table(s), f, p, fallback)
                             : ref::sh_schedule(ref::sh_table(s), f, p, fallback);
  EXPECT_EQ(want ? want->id : 0, v.rs) << v.client << " " << v.sport << " (model)";
  AavsView a = aavs_view(s);
  int got = aavs_pick(a, mh, f, p, fallback);
  EXPECT_EQ(got < 0 ? 0 : got, v.rs) << v.client << " " << v.sport << " (aavs)";
}

}  // namespace

// Observed on stock ip_vs 6.1 (tests/lab/cases/sched_diff.sh, "golden" lines).
TEST(GoldenLab, ShFallbackPortIpv4) {
  const LabVector v[] = {{"198.51.100.0", 20000, 5},  {"198.51.100.0", 20001, 2},
                         {"198.51.100.0", 20002, 4},  {"198.51.100.187", 20002, 1},
                         {"198.51.100.1", 20001, 4},  {"198.51.100.2", 20002, 4},
                         {"198.51.100.231", 20003, 4}};
  for (const auto& x : v)
    check_lab(false, false, true, true, x);
}

TEST(GoldenLab, ShNoFlagsIpv6) {
  const LabVector v[] = {{"2001:db8:c::100", 20000, 4},
                         {"2001:db8:c::101", 20001, 2},
                         {"2001:db8:c::102", 20002, 0},  // hashed to paused rs3
                         {"2001:db8:c::1bb", 20002, 0},
                         {"2001:db8:c::1e7", 20003, 4}};
  for (const auto& x : v)
    check_lab(true, false, false, false, x);
}

TEST(GoldenLab, MhPortIpv6) {
  const LabVector v[] = {{"2001:db8:c::100", 20000, 2},
                         {"2001:db8:c::101", 20001, 4},
                         {"2001:db8:c::102", 20002, 5},
                         {"2001:db8:c::1bb", 20002, 4},
                         {"2001:db8:c::1e7", 20003, 4}};
  for (const auto& x : v)
    check_lab(true, true, false, true, x);
}
