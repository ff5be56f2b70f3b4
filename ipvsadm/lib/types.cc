#include "lib/types.h"

namespace aavs::ipvs {

namespace {
constexpr Stats kNoStats{};
}

const Stats& Service::best_stats() const {
  if (stats64) {
    return *stats64;
  }
  return stats ? *stats : kNoStats;
}

const Stats& Destination::best_stats() const {
  if (stats64) {
    return *stats64;
  }
  return stats ? *stats : kNoStats;
}

}  // namespace aavs::ipvs
