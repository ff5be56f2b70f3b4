#include "src/listing.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>

#include <cstdlib>
#include <cstring>

#include "src/name_lookup.h"
#include "src/printf.h"
#include "src/sched_flags.h"

namespace aavs::ipvsadm {

namespace {

constexpr std::size_t kServiceNameMax = 33;
constexpr std::size_t kDestNameMax = 28;

const char* forward_text(std::uint32_t fwd) {
  switch (fwd & IP_VS_CONN_F_FWD_MASK) {
    case IP_VS_CONN_F_MASQ:
      return "Masq";
    case IP_VS_CONN_F_LOCALNODE:
      return "Local";
    case IP_VS_CONN_F_TUNNEL:
      return "Tunnel";
    case IP_VS_CONN_F_DROUTE:
      return "Route";
    default:
      return "(null)";  // what glibc prints for 1.31's missing table entry
  }
}

const char* save_forward_option(std::uint32_t fwd) {
  switch (fwd & IP_VS_CONN_F_FWD_MASK) {
    case IP_VS_CONN_F_MASQ:
      return "-m";
    case IP_VS_CONN_F_TUNNEL:
      return "-i";
    default:
      return "-g";
  }
}

const char* csum_short(std::uint16_t flags) {
  if ((flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) != 0) {
    return "r+c";
  }
  if ((flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM) != 0) {
    return "+c";
  }
  return "-c";
}

const char* csum_option(std::uint16_t flags) {
  if ((flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) != 0) {
    return "--tun-remcsum";
  }
  if ((flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM) != 0) {
    return "--tun-csum";
  }
  return "--tun-nocsum";
}

std::string tunnel_info(const ipvs::Destination& d) {
  if ((d.fwd_method & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_TUNNEL) {
    return "n/a";
  }
  switch (d.tun_type) {
    case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
      return strprintf("gue:%d:%s", d.tun_port, csum_short(d.tun_flags));
    case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
      return strprintf("gre:%s", csum_short(d.tun_flags));
    default:
      return "ipip";
  }
}

std::string cut(std::string s, std::size_t max) {
  if (s.size() > max) {
    s.resize(max);
  }
  return s;
}

std::string service_name(const ipvs::Service& svc, bool numeric) {
  if (svc.fwmark != 0) {
    return strprintf("FWM  %d%s", static_cast<int>(svc.fwmark), svc.af == AF_INET6 ? " IPv6" : "");
  }
  std::string name = strprintf("%-4s %s", protocol_text(svc.protocol),
                               addrport(svc.addr, svc.port, svc.protocol, numeric).c_str());
  return svc.af == AF_INET6 ? name : cut(name, kServiceNameMax);
}

std::string dest_name(const ipvs::Service& svc, const ipvs::Destination& d, bool numeric) {
  std::string name = addrport(d.addr, d.port, svc.protocol, numeric);
  return d.af == AF_INET6 ? name : cut(name, kDestNameMax);
}

std::string ipv4_text(std::uint32_t network_order) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &network_order, buf, sizeof buf);
  return buf;
}

// The service's attributes after its scheduler: flags, persistence, mask, pe, ops.
std::string service_details(const ipvs::Service& svc) {
  std::string out = " " + svc.scheduler;
  if ((svc.flags & kSchedFlagMask) != 0) {
    out += " (" + sched_flags_text(svc.scheduler, svc.flags) + ")";
  }
  if ((svc.flags & IP_VS_SVC_F_PERSISTENT) != 0) {
    out += strprintf(" persistent %u", svc.timeout);
    if (svc.af == AF_INET6) {
      if (svc.netmask != 128) {
        out += strprintf(" mask %i", static_cast<int>(svc.netmask));
      }
    } else if (svc.netmask != 0xffffffff) {
      out += " mask " + ipv4_text(svc.netmask);
    }
    if (!svc.pe_name.empty()) {
      out += " pe " + svc.pe_name;
    }
  }
  if ((svc.flags & IP_VS_SVC_F_ONEPACKET) != 0) {
    out += " ops";
  }
  return out;
}

// 1.31 reads a destination's 64-bit counters through a 32-bit accessor: only bytes survive.
ipvs::Stats dest_stats(const ipvs::Destination& d) {
  ipvs::Stats s = d.best_stats();
  for (std::uint64_t* field :
       {&s.conns, &s.inpkts, &s.outpkts, &s.cps, &s.inpps, &s.outpps, &s.inbps, &s.outbps}) {
    *field &= 0xffffffffULL;
  }
  return s;
}

std::string counters(const ipvs::Stats& s, bool exact) {
  return largenum(s.conns, exact) + largenum(s.inpkts, exact) + largenum(s.outpkts, exact) +
         largenum(s.inbytes, exact) + largenum(s.outbytes, exact);
}

std::string rates(const ipvs::Stats& s, bool exact) {
  return largenum(s.cps, exact) + largenum(s.inpps, exact) + largenum(s.outpps, exact) +
         largenum(s.inbps, exact) + largenum(s.outbps, exact);
}

std::string save_service_ref(const ipvs::Service& svc, bool numeric) {
  if (svc.fwmark != 0) {
    return strprintf("-f %d%s", static_cast<int>(svc.fwmark), svc.af == AF_INET6 ? " -6" : "");
  }
  const char* opt = svc.protocol == IPPROTO_TCP   ? "-t"
                    : svc.protocol == IPPROTO_UDP ? "-u"
                                                  : "--sctp-service";
  return std::string(opt) + " " + addrport(svc.addr, svc.port, svc.protocol, numeric);
}

int compare_int(std::uint32_t a, std::uint32_t b) {
  return static_cast<int>(a - b);
}

int compare_address(const ipvs::Address& a, const ipvs::Address& b) {
  const std::size_t words = a.is_v6() ? 4 : 1;
  for (std::size_t i = 0; i < words; ++i) {
    std::uint32_t wa = 0;
    std::uint32_t wb = 0;
    std::memcpy(&wa, a.bytes.data() + 4 * i, 4);
    std::memcpy(&wb, b.bytes.data() + 4 * i, 4);
    if (const int diff = compare_int(ntohl(wa), ntohl(wb))) {
      return diff;
    }
  }
  return 0;
}

int compare_services(const void* l, const void* r) {
  const auto* a = *static_cast<const ipvs::Service* const*>(l);
  const auto* b = *static_cast<const ipvs::Service* const*>(r);
  if (const int d = compare_int(a->fwmark, b->fwmark)) {
    return d;
  }
  if (const int d = static_cast<int>(a->af) - static_cast<int>(b->af)) {
    return d;
  }
  if (const int d = static_cast<int>(a->protocol) - static_cast<int>(b->protocol)) {
    return d;
  }
  if (const int d = compare_address(a->addr, b->addr)) {
    return d;
  }
  return static_cast<int>(a->port) - static_cast<int>(b->port);
}

int compare_dests(const void* l, const void* r) {
  const auto* a = *static_cast<const ipvs::Destination* const*>(l);
  const auto* b = *static_cast<const ipvs::Destination* const*>(r);
  if (const int d = compare_address(a->addr, b->addr)) {
    return d;
  }
  return static_cast<int>(a->port) - static_cast<int>(b->port);
}

// qsort needs trivially copyable elements: sort pointers (the comparators take T**), then
// permute. glibc's qsort is used on purpose: 1.31's comparators are not a strict weak order.
template <typename T>
void qsort_like(std::vector<T>& items, int (*cmp)(const void*, const void*)) {
  if (items.size() < 2) {
    return;  // also keeps a null data() away from qsort
  }
  std::vector<const T*> ptrs;
  ptrs.reserve(items.size());
  for (const auto& item : items) {
    ptrs.push_back(&item);
  }
  std::qsort(ptrs.data(), ptrs.size(), sizeof(const T*), cmp);
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const T* p : ptrs) {
    sorted.push_back(*p);
  }
  items = std::move(sorted);
}

}  // namespace

std::string largenum(std::uint64_t value, bool exact) {
  if (exact) {
    const std::string digits = std::to_string(value);
    const int width = digits.size() <= 8 ? 9 : static_cast<int>(digits.size()) + 1;
    return strprintf("%*s", width, digits.c_str());
  }
  const unsigned long long v = value;
  if (v < 100000000ULL) {
    return strprintf("%9llu", v);
  }
  if (v < 1000000000ULL) {
    return strprintf("%8lluK", v / 1000ULL);
  }
  if (v < 100000000000ULL) {
    return strprintf("%8lluM", v / 1000000ULL);
  }
  if (v < 100000000000000ULL) {
    return strprintf("%8lluG", v / 1000000000ULL);
  }
  return strprintf("%8lluT", v / 1000000000000ULL);
}

std::string header_text(const ipvs::Info& info) {
  return strprintf("IP Virtual Server version %d.%d.%d (size=%d)\n",
                   static_cast<int>((info.version >> 16) & 0xff),
                   static_cast<int>((info.version >> 8) & 0xff),
                   static_cast<int>(info.version & 0xff), static_cast<int>(info.conn_tab_size));
}

std::string title_text(ListFormat format) {
  switch (format) {
    case ListFormat::kStats:
      return strprintf("%-33s %8s %8s %8s %8s %8s\n", "Prot LocalAddress:Port", "Conns", "InPkts",
                       "OutPkts", "InBytes", "OutBytes") +
             "  -> RemoteAddress:Port\n";
    case ListFormat::kRate:
      return strprintf("%-33s %8s %8s %8s %8s %8s\n", "Prot LocalAddress:Port", "CPS", "InPPS",
                       "OutPPS", "InBPS", "OutBPS") +
             "  -> RemoteAddress:Port\n";
    case ListFormat::kThresholds:
      return strprintf("%-33s %-10s %-10s %-10s %-10s\n", "Prot LocalAddress:Port", "Uthreshold",
                       "Lthreshold", "ActiveConn", "InActConn") +
             "  -> RemoteAddress:Port\n";
    case ListFormat::kPersistentConn:
      return strprintf("%-33s %-9s %-11s %-10s %-10s\n", "Prot LocalAddress:Port", "Weight",
                       "PersistConn", "ActiveConn", "InActConn") +
             "  -> RemoteAddress:Port\n";
    case ListFormat::kTunInfo:
      return "Prot LocalAddress:Port Scheduler Flags\n"
             "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn "
             "InActConn\n";
    case ListFormat::kDefault:
      break;
  }
  return "Prot LocalAddress:Port Scheduler Flags\n"
         "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
}

std::string service_text(const ipvs::Service& svc, const std::vector<ipvs::Destination>& dests,
                         const ListStyle& style) {
  const std::string name = service_name(svc, style.numeric);
  std::string out;
  switch (style.format) {
    case ListFormat::kStats:
      out = strprintf("%-33s", name.c_str()) + counters(svc.best_stats(), style.exact) + "\n";
      break;
    case ListFormat::kRate:
      out = strprintf("%-33s", name.c_str()) + rates(svc.best_stats(), style.exact) + "\n";
      break;
    default:
      out = name + service_details(svc) + "\n";
      break;
  }
  for (const auto& d : dests) {
    const std::string dn = dest_name(svc, d, style.numeric);
    const char* n = dn.c_str();
    switch (style.format) {
      case ListFormat::kStats:
        out += strprintf("  -> %-28s", n) + counters(dest_stats(d), style.exact) + "\n";
        break;
      case ListFormat::kRate: {
        const ipvs::Stats s = dest_stats(d);
        out += strprintf("  -> %-28s %8llu %8llu %8llu", n, static_cast<unsigned long long>(s.cps),
                         static_cast<unsigned long long>(s.inpps),
                         static_cast<unsigned long long>(s.outpps)) +
               largenum(s.inbps, style.exact) + largenum(s.outbps, style.exact) + "\n";
        break;
      }
      case ListFormat::kThresholds:
        out += strprintf("  -> %-28s %-10u %-10u %-10u %-10u\n", n, d.u_threshold, d.l_threshold,
                         d.active_conns, d.inact_conns);
        break;
      case ListFormat::kPersistentConn:
        out += strprintf("  -> %-28s %-9u %-11u %-10u %-10u\n", n, static_cast<unsigned>(d.weight),
                         d.persist_conns, d.active_conns, d.inact_conns);
        break;
      case ListFormat::kTunInfo:
        out += strprintf("  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", n, forward_text(d.fwd_method),
                         tunnel_info(d).c_str(), d.weight, d.active_conns, d.inact_conns);
        break;
      case ListFormat::kDefault:
        out += strprintf("  -> %-28s %-7s %-6d %-10u %-10u\n", n, forward_text(d.fwd_method),
                         d.weight, d.active_conns, d.inact_conns);
        break;
    }
  }
  return out;
}

std::string save_text(const ipvs::Service& svc, const std::vector<ipvs::Destination>& dests,
                      bool numeric) {
  const std::string ref = save_service_ref(svc, numeric);
  std::string out = "-A " + ref + " -s " + svc.scheduler;
  if ((svc.flags & IP_VS_SVC_F_PERSISTENT) != 0) {
    out += strprintf(" -p %u", svc.timeout);
    if (svc.af == AF_INET6) {
      if (svc.netmask != 128) {
        out += strprintf(" -M %i", static_cast<int>(svc.netmask));
      }
    } else if (svc.netmask != 0xffffffff) {
      out += " -M " + ipv4_text(svc.netmask);
    }
  }
  if (!svc.pe_name.empty()) {
    out += " --pe " + svc.pe_name;
  }
  if ((svc.flags & IP_VS_SVC_F_ONEPACKET) != 0) {
    out += " -o";
  }
  if ((svc.flags & kSchedFlagMask) != 0) {
    out += " -b " + sched_flags_text(svc.scheduler, svc.flags);
  }
  out += "\n";
  for (const auto& d : dests) {
    out += "-a " + ref + " -r " + addrport(d.addr, d.port, svc.protocol, numeric) + " " +
           save_forward_option(d.fwd_method) + strprintf(" -w %d", d.weight);
    if ((d.fwd_method & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_TUNNEL) {
      switch (d.tun_type) {
        case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
          out +=
              strprintf(" --tun-type gue --tun-port %d %s", d.tun_port, csum_option(d.tun_flags));
          break;
        case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
          out += std::string(" --tun-type gre ") + csum_option(d.tun_flags);
          break;
        default:
          out += " --tun-type ipip";
          break;
      }
    }
    out += "\n";
  }
  return out;
}

std::string timeouts_text(const ipvs::Timeouts& t) {
  return strprintf("Timeout (tcp tcpfin udp): %d %d %d\n", static_cast<int>(t.tcp),
                   static_cast<int>(t.tcp_fin), static_cast<int>(t.udp));
}

std::string daemons_text(const std::vector<ipvs::Daemon>& daemons) {
  std::string out;
  for (const auto& d : daemons) {
    const char* state = d.state == IP_VS_STATE_MASTER   ? "master"
                        : d.state == IP_VS_STATE_BACKUP ? "backup"
                                                        : nullptr;
    if (state == nullptr) {
      continue;
    }
    out += strprintf("%s sync daemon (mcast=%s, syncid=%d", state, d.mcast_ifn.c_str(),
                     static_cast<int>(d.syncid));
    if (d.sync_maxlen != 0) {
      out += strprintf(", maxlen=%u", static_cast<unsigned>(d.sync_maxlen));
    }
    if (d.mcast_group) {
      out += ", group=" + d.mcast_group->to_string();
    }
    if (d.mcast_port != 0) {
      out += strprintf(", port=%u", static_cast<unsigned>(d.mcast_port));
    }
    if (d.mcast_ttl != 0) {
      out += strprintf(", ttl=%u", static_cast<unsigned>(d.mcast_ttl));
    }
    out += ")\n";
  }
  return out;
}

void sort_services(std::vector<ipvs::Service>& services) {
  qsort_like(services, &compare_services);
}

void sort_destinations(std::vector<ipvs::Destination>& dests) {
  qsort_like(dests, &compare_dests);
}

}  // namespace aavs::ipvsadm
