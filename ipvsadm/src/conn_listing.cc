#include "src/conn_listing.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "lib/address.h"
#include "src/name_lookup.h"
#include "src/printf.h"

namespace aavs::ipvsadm {

namespace {

std::optional<std::uint32_t> hex_number(const std::string& text, std::uint32_t max) {
  if (text.empty() || text.size() > 8) {
    return std::nullopt;
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long v = std::strtoul(text.c_str(), &end, 16);
  if (*end != '\0' || errno != 0 || v > max) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(v);
}

// The kernel writes IPv4 as 8 hex digits (host order value) and IPv6 in full colon form.
std::optional<ipvs::Address> proc_address(const std::string& text, bool v6) {
  if (v6) {
    return ipvs::Address::parse(AF_INET6, text);
  }
  if (text.size() != 8) {
    return std::nullopt;
  }
  auto value = hex_number(text, 0xffffffffU);
  if (!value) {
    return std::nullopt;
  }
  in_addr a{};
  a.s_addr = htonl(*value);
  return ipvs::Address::v4(a);
}

std::uint16_t protocol_number(const std::string& name) {
  if (name == "TCP") {
    return IPPROTO_TCP;
  }
  if (name == "UDP") {
    return IPPROTO_UDP;
  }
  if (name == "SCTP") {
    return IPPROTO_SCTP;
  }
  return 0;
}

}  // namespace

std::optional<std::string> conn_listing_text(std::string_view proc_text,
                                             const ConnListingOptions& options) {
  std::istringstream in{std::string(proc_text)};
  std::string line;
  if (!std::getline(in, line)) {
    return std::nullopt;  // not even the header line
  }
  std::string out = "IPVS connection entries\n";
  if (options.persistent_conn) {
    out += strprintf("pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source", "virtual",
                     "destination", "pe name", "pe_data");
  } else {
    out +=
        strprintf("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
  }
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::vector<std::string> f;
    for (std::string word; row >> word;) {
      f.push_back(word);
    }
    if (f.empty()) {
      continue;
    }
    if (f.size() < 9) {
      return std::nullopt;
    }
    const bool v6 = f[1].find(':') != std::string::npos;
    auto caddr = proc_address(f[1], v6);
    auto vaddr = proc_address(f[3], v6);
    auto daddr = proc_address(f[5], f[5].find(':') != std::string::npos);
    auto cport = hex_number(f[2], 0xffff);
    auto vport = hex_number(f[4], 0xffff);
    auto dport = hex_number(f[6], 0xffff);
    char* end = nullptr;
    errno = 0;
    const long expires = std::strtol(f[8].c_str(), &end, 10);
    if (!caddr || !vaddr || !daddr || !cport || !vport || !dport || *end != '\0' || errno != 0 ||
        expires < 0 || expires > 0x7fffffffL) {
      return std::nullopt;
    }
    const std::uint16_t proto = protocol_number(f[0]);
    const std::string src =
        addrport(*caddr, static_cast<std::uint16_t>(*cport), proto, options.numeric);
    const std::string virt =
        addrport(*vaddr, static_cast<std::uint16_t>(*vport), proto, options.numeric);
    const std::string dst =
        addrport(*daddr, static_cast<std::uint16_t>(*dport), proto, options.numeric);
    const std::string expire =
        strprintf("%02d:%02d", static_cast<int>(expires / 60), static_cast<int>(expires % 60));
    if (options.persistent_conn && f.size() >= 11) {
      out += strprintf("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n", f[0].c_str(), expire.c_str(),
                       f[7].c_str(), src.c_str(), virt.c_str(), dst.c_str(), f[9].c_str(),
                       f[10].c_str());
    } else {
      out += strprintf("%-3s %-6s %-11s %-18s %-18s %s\n", f[0].c_str(), expire.c_str(),
                       f[7].c_str(), src.c_str(), virt.c_str(), dst.c_str());
    }
  }
  return out;
}

}  // namespace aavs::ipvsadm
