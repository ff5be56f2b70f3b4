#include <gtest/gtest.h>

#include "src/conn_listing.h"

namespace aavs::ipvsadm {
namespace {

constexpr const char* kProc =
    "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
    "TCP  C0A80064 D431 0A000001 0050 C0A8010A 0050 ESTABLISHED     895\n"
    "UDP  C0A80066 8A2B 0A000003 0035 C0A8011E 0035 UDP             299\n"
    "TCP  C0A80067 13C4 0A000005 13C4 C0A80146 13C4 ESTABLISHED      65 sip 1234@example\n"
    "TCP  2001:0db8:0000:0000:0000:0000:0000:0099 E1F2 2001:0db8:0000:0000:0000:0000:0000:0001 "
    "0050 C0A80132 0050 SYN_RECV         59\n";

TEST(ConnListing, Numeric) {
  auto text = conn_listing_text(kProc, {true, false});
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            "IPVS connection entries\n"
            "pro expire state       source             virtual            destination\n"
            "TCP 14:55  ESTABLISHED 192.168.0.100:54321 10.0.0.1:80        192.168.1.10:80\n"
            "UDP 04:59  UDP         192.168.0.102:35371 10.0.0.3:53        192.168.1.30:53\n"
            "TCP 01:05  ESTABLISHED 192.168.0.103:5060 10.0.0.5:5060      192.168.1.70:5060\n"
            "TCP 00:59  SYN_RECV    [2001:db8::99]:57842 [2001:db8::1]:80   192.168.1.50:80\n");
}

TEST(ConnListing, PersistenceEngineColumns) {
  auto text = conn_listing_text(kProc, {true, true});
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("pro expire state       source             virtual            destination"
                       "        pe name          pe_data\n"),
            std::string::npos);
  EXPECT_NE(text->find("TCP 01:05  ESTABLISHED 192.168.0.103:5060 10.0.0.5:5060      "
                       "192.168.1.70:5060 sip                1234@example\n"),
            std::string::npos);
}

TEST(ConnListing, UnexpectedInput) {
  EXPECT_FALSE(conn_listing_text("", {true, false}));
  EXPECT_FALSE(conn_listing_text("header\nTCP zz\n", {true, false}));
}

}  // namespace
}  // namespace aavs::ipvsadm
