#include "src/table_digest.h"

#include <linux/ip_vs.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <system_error>

#include "src/kernel_tables.h"
#include "src/sched_flags.h"

namespace aavs::ipvsadm {

namespace {

constexpr const char* kHeaderStart = "Prot Service Scheduler Flags ";
constexpr const char* kAavsProgram = "aavs-ipvsadm";

// Space-separated words (the kernel writes single spaces; runs are tolerated).
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t start = line.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) {
      break;
    }
    std::size_t end = line.find(' ', start);
    if (end == std::string_view::npos) {
      end = line.size();
    }
    words.push_back(line.substr(start, end - start));
    pos = end;
  }
  return words;
}

template <typename T>
std::optional<T> decimal(std::string_view text) {
  T value{};
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc{} || ptr != last) {
    return std::nullopt;
  }
  return value;
}

// kernel/proc.c's aavs_proto_name(), both ways.
std::string proto_name(std::uint16_t protocol) {
  switch (protocol) {
    case IPPROTO_IP:
      return "IP";
    case IPPROTO_TCP:
      return "TCP";
    case IPPROTO_UDP:
      return "UDP";
    case IPPROTO_SCTP:
      return "SCTP";
    case IPPROTO_ICMP:
      return "ICMP";
    case IPPROTO_ICMPV6:
      return "ICMPv6";
    default:
      return "IP_" + std::to_string(protocol);
  }
}

std::optional<std::uint16_t> proto_number(std::string_view name) {
  constexpr std::uint16_t kKnown[] = {IPPROTO_IP,   IPPROTO_TCP,  IPPROTO_UDP,
                                      IPPROTO_SCTP, IPPROTO_ICMP, IPPROTO_ICMPV6};
  for (const std::uint16_t p : kKnown) {
    if (name == proto_name(p)) {
      return p;
    }
  }
  if (name.starts_with("IP_")) {
    return decimal<std::uint16_t>(name.substr(3));
  }
  return std::nullopt;
}

// "1.2.3.4:80" or "[2001:db8::1]:80"
bool parse_addr_port(std::string_view text, AavsServiceLine& line) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  auto port = decimal<std::uint16_t>(text.substr(colon + 1));
  std::string_view host = text.substr(0, colon);
  int family = AF_INET;
  if (host.starts_with('[') && host.ends_with(']')) {
    family = AF_INET6;
    host = host.substr(1, host.size() - 2);
  }
  auto addr = ipvs::Address::parse(family, host);
  if (!port || !addr) {
    return false;
  }
  line.af = static_cast<std::uint16_t>(family);
  line.addr = *addr;
  line.port = *port;
  return true;
}

bool is_hex_digest(std::string_view text) {
  return text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The kernel's %pI6c: the longest run of two or more zero words compressed (the first of
// equal runs), lower-case hex, and the last 32 bits dotted for v4-mapped and ISATAP addresses.
std::string kernel_ipv6_text(const ipvs::Address& addr) {
  const auto& b = addr.bytes;
  const bool v4mapped = std::all_of(b.begin(), b.begin() + 10, [](auto x) { return x == 0; }) &&
                        b[10] == 0xff && b[11] == 0xff;
  const bool isatap = (b[8] | 0x02) == 0x02 && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe;
  const bool dotted = v4mapped || isatap;
  const int range = dotted ? 6 : 8;
  auto word = [&b](int i) {
    const auto at = 2 * static_cast<std::size_t>(i);
    return static_cast<unsigned>((b[at] << 8) | b[at + 1]);
  };
  int longest = 0;
  int colonpos = -1;
  for (int i = 0; i < range; ++i) {
    int run = 0;
    while (i + run < range && word(i + run) == 0) {
      ++run;
    }
    if (run > longest) {
      longest = run;
      colonpos = i;
    }
  }
  if (longest <= 1) {
    colonpos = -1;
  }
  std::string out;
  bool needcolon = false;
  for (int i = 0; i < range; ++i) {
    if (i == colonpos) {
      if (needcolon || i == 0) {
        out += ':';
      }
      out += ':';
      needcolon = false;
      i += longest - 1;
      continue;
    }
    if (needcolon) {
      out += ':';
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", word(i));
    out += buf;
    needcolon = true;
  }
  if (dotted) {
    if (needcolon) {
      out += ':';
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    out += buf;
  }
  return out;
}

constexpr std::uint32_t kSched3 = IP_VS_SVC_F_SCHED3;

std::string label_pair(const char* name, std::string_view value) {
  return std::string(name) + "=\"" + prometheus_label_value(value) + "\"";
}

struct CounterFamily {
  const char* name;
  const char* help;
};

// In the order of kAavsCounterKeys.
constexpr std::array<CounterFamily, kAavsCounterCount> kCounterFamilies = {{
    {"aavs_service_sloppy_pickups_total",
     "Connections made from a mid-stream packet (sloppy mode)."},
    {"aavs_service_probation_confirmed_total",
     "Connections made mid-stream whose flow came back, ending their probation."},
    {"aavs_service_probation_expired_total",
     "Connections made mid-stream that ended while still on probation."},
    {"aavs_service_fallbacks_total",
     "New flows whose hashed server was unusable and that another server took."},
    {"aavs_service_midstream_kept_total",
     "Mid-stream packets kept on their hashed server although it was unusable."},
    {"aavs_service_nodest_refused_total", "New flows refused because no server was usable."},
    {"aavs_service_conn_max_drops_total", "New flows dropped by the conn_max limit."},
}};

DigestRow kernel_row(const AavsServiceLine& line) {
  return DigestRow{line.service, line.scheduler, line.flags, line.table, "kernel", line.counters};
}

DigestRow computed_row(const ServiceDests& sd, TableModel model) {
  const ipvs::Service& svc = sd.svc;
  DigestRow row;
  row.service = digest_service_text(svc);
  row.scheduler = svc.scheduler.empty() ? "none" : svc.scheduler;
  row.flags = digest_flags_text(row.scheduler, svc.flags);
  if (!has_table(svc.scheduler)) {
    row.table = "n/a";
  } else if (auto digest = computed_digest(svc, sd.dests, model)) {
    row.table = digest_hex(*digest);
  } else {
    row.table = "unknown";
  }
  row.source = "computed";
  return row;
}

}  // namespace

std::optional<AavsServiceLine> parse_aavs_service_line(std::string_view text) {
  const auto words = words_of(text);
  AavsServiceLine line;
  std::size_t next = 0;
  if (words.size() >= 2 && words[0] == "FWM") {
    auto mark = decimal<std::uint32_t>(words[1]);
    if (!mark || *mark == 0) {
      return std::nullopt;
    }
    line.fwmark = *mark;
    line.af = AF_INET;
    next = 2;
    if (words.size() > 2 && words[2] == "IPv6") {
      line.af = AF_INET6;
      line.addr.family = AF_INET6;
      next = 3;
    }
  } else if (words.size() >= 2) {
    auto proto = proto_number(words[0]);
    if (!proto || !parse_addr_port(words[1], line)) {
      return std::nullopt;
    }
    line.protocol = *proto;
    next = 2;
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < next; ++i) {
    line.service += i == 0 ? "" : " ";
    line.service += words[i];
  }
  if (words.size() < next + 2) {
    return std::nullopt;
  }
  line.scheduler = words[next];
  line.flags = words[next + 1];
  bool have_table = false;
  std::array<bool, kAavsCounterCount> have{};
  for (std::size_t i = next + 2; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const std::size_t eq = word.find('=');
    if (eq == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view key = word.substr(0, eq);
    const std::string_view value = word.substr(eq + 1);
    if (key == "table") {
      if (value != "n/a" && !is_hex_digest(value)) {
        return std::nullopt;
      }
      line.table = value;
      have_table = true;
      continue;
    }
    // Keys a later module may add are skipped.
    const auto* it = std::find(kAavsCounterKeys.begin(), kAavsCounterKeys.end(), key);
    if (it == kAavsCounterKeys.end()) {
      continue;
    }
    auto n = decimal<std::uint64_t>(value);
    if (!n) {
      return std::nullopt;
    }
    const auto at = static_cast<std::size_t>(it - kAavsCounterKeys.begin());
    line.counters.at(at) = *n;
    have.at(at) = true;
  }
  if (!have_table || !std::all_of(have.begin(), have.end(), [](bool b) { return b; })) {
    return std::nullopt;
  }
  return line;
}

std::optional<std::vector<AavsServiceLine>> parse_aavs_services(std::string_view text) {
  std::vector<AavsServiceLine> lines;
  bool header = true;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      return std::nullopt;  // the kernel ends every line
    }
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (header) {
      if (!line.starts_with(kHeaderStart)) {
        return std::nullopt;
      }
      header = false;
      continue;
    }
    auto parsed = parse_aavs_service_line(line);
    if (!parsed) {
      return std::nullopt;
    }
    lines.push_back(std::move(*parsed));
  }
  if (header) {
    return std::nullopt;
  }
  return lines;
}

bool same_service(const AavsServiceLine& line, const ipvs::Service& svc) {
  if (line.fwmark != 0 || svc.fwmark != 0) {
    return line.fwmark == svc.fwmark && line.af == svc.af;
  }
  return line.af == svc.af && line.protocol == svc.protocol && line.addr.bytes == svc.addr.bytes &&
         line.port == svc.port;
}

std::string digest_service_text(const ipvs::Service& svc) {
  if (svc.fwmark != 0) {
    return "FWM " + std::to_string(svc.fwmark) + (svc.af == AF_INET6 ? " IPv6" : "");
  }
  std::string out = proto_name(svc.protocol) + " ";
  if (svc.af == AF_INET6) {
    out += "[" + kernel_ipv6_text(svc.addr) + "]";
  } else {
    ipvs::Address v4 = svc.addr;
    v4.family = AF_INET;
    out += v4.to_string();
  }
  return out + ":" + std::to_string(svc.port);
}

std::string digest_flags_text(const std::string& scheduler, std::uint32_t flags) {
  std::string names = sched_flags_text(scheduler, flags);
  return names.empty() ? "-" : names;
}

bool has_table(const std::string& scheduler) {
  return scheduler == "sh" || scheduler == "mh" || scheduler == "dh";
}

std::optional<std::uint64_t> computed_digest(const ipvs::Service& svc,
                                             const std::vector<ipvs::Destination>& dests,
                                             TableModel model) {
  if (!has_table(svc.scheduler)) {
    return std::nullopt;
  }
  const bool mh = svc.scheduler == "mh";
  const bool dh = svc.scheduler == "dh";
  std::uint32_t flags = svc.flags & kSchedFlagMask;
  // Stock sh/mh ignore flag 3; dh ignores every flag on both.
  if (model == TableModel::kStock && !dh) {
    flags &= ~kSched3;
  }
  const bool stable = !dh && (flags & kSched3) != 0;
  const bool all_weighted =
      std::all_of(dests.begin(), dests.end(), [](const auto& d) { return d.weight > 0; });
  // Only these tables read last_weight, which equals the weight while it is above 0.
  if ((mh || stable) && !all_weighted) {
    return std::nullopt;
  }
  std::vector<aavs_table_server> servers(dests.size());
  for (std::size_t i = 0; i < dests.size(); ++i) {
    const ipvs::Destination& d = dests[i];
    aavs_table_server& s = servers[i];
    std::copy(d.addr.bytes.begin(), d.addr.bytes.end(), std::begin(s.addr));
    s.port = d.port;
    s.v6 = d.af == AF_INET6 ? 1 : 0;
    s.weight = d.weight;
    s.last_weight = d.weight;
  }
  std::uint64_t digest = 0;
  const aavs_table_kind kind = dh ? AAVS_TABLE_DH : mh ? AAVS_TABLE_MH : AAVS_TABLE_SH;
  if (aavs_table_digest(kind, stable ? 1 : 0, svc.af == AF_INET6 ? 1 : 0, servers.data(),
                        static_cast<unsigned>(servers.size()), flags, &digest) != 0) {
    return std::nullopt;
  }
  return digest;
}

std::string digest_hex(std::uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

std::string digest_line(const DigestRow& row) {
  return row.service + " " + row.scheduler + " " + row.flags + " table=" + row.table +
         " source=" + row.source + "\n";
}

std::string prometheus_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string prometheus_text(const std::vector<DigestRow>& rows, bool with_counters) {
  std::string out =
      "# HELP aavs_service_table_info Table digest of the virtual service's scheduler (value "
      "always 1).\n"
      "# TYPE aavs_service_table_info gauge\n";
  for (const auto& row : rows) {
    out += "aavs_service_table_info{" + label_pair("service", row.service) + "," +
           label_pair("scheduler", row.scheduler) + "," + label_pair("flags", row.flags) + "," +
           label_pair("digest", row.table) + "," + label_pair("source", row.source) + "} 1\n";
  }
  if (!with_counters) {
    return out;
  }
  for (std::size_t i = 0; i < kAavsCounterCount; ++i) {
    const CounterFamily& family = kCounterFamilies.at(i);
    out += std::string("# HELP ") + family.name + " " + family.help + "\n";
    out += std::string("# TYPE ") + family.name + " counter\n";
    for (const auto& row : rows) {
      if (row.counters) {
        out += std::string(family.name) + "{" + label_pair("service", row.service) + "} " +
               std::to_string(row.counters->at(i)) + "\n";
      }
    }
  }
  return out;
}

int digest_report(const std::vector<ServiceDests>& services,
                  const std::optional<std::string>& proc_text, DigestOutput output,
                  std::ostream& out, std::ostream& err) {
  std::optional<std::vector<AavsServiceLine>> lines;
  if (proc_text) {
    lines = parse_aavs_services(*proc_text);
    if (!lines) {
      err << "unexpected input from " << kAavsServicesPath << "\n";
      return 1;
    }
  }
  const TableModel model = lines ? TableModel::kAavs : TableModel::kStock;
  std::vector<DigestRow> rows;
  std::string mismatches;
  for (const auto& sd : services) {
    const AavsServiceLine* line = nullptr;
    if (lines) {
      auto it = std::find_if(lines->begin(), lines->end(),
                             [&sd](const auto& l) { return same_service(l, sd.svc); });
      line = it == lines->end() ? nullptr : &*it;
    }
    if (line == nullptr) {
      // Stock ip_vs, or a service that came after aavs wrote the file.
      rows.push_back(computed_row(sd, model));
      continue;
    }
    rows.push_back(kernel_row(*line));
    // Only --digest checks: a textfile collector's run must not fail on it.
    if (output != DigestOutput::kDigest || line->table == "n/a") {
      continue;
    }
    if (auto computed = computed_digest(sd.svc, sd.dests, TableModel::kAavs)) {
      if (digest_hex(*computed) != line->table) {
        mismatches += std::string(kAavsProgram) + ": " + line->service + ": kernel table digest " +
                      line->table + ", computed " + digest_hex(*computed) + "\n";
      }
    }
  }
  if (output == DigestOutput::kPrometheus) {
    out << prometheus_text(rows, lines.has_value());
  } else {
    for (const auto& row : rows) {
      out << digest_line(row);
    }
  }
  if (!mismatches.empty()) {
    out.flush();
    err << mismatches;
    return 2;
  }
  return 0;
}

}  // namespace aavs::ipvsadm
