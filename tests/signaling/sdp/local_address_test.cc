#include "tessera/signaling/sdp/local_address.h"

#include <gtest/gtest.h>

namespace tessera::signaling::sdp {
namespace {

TEST(LocalAddress, TheAddressTowardLoopbackIsLoopbackAndNamesAreNotResolved) {
  EXPECT_EQ(LocalAddressToward("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(LocalAddressToward("127.0.0.7"), "127.0.0.1");
  EXPECT_EQ(LocalAddressToward("example.com"), "");
  EXPECT_EQ(LocalAddressToward("0.0.0.0"), "");
  EXPECT_EQ(LocalAddressToward(""), "");
}

TEST(LocalAddress, OnlyUnspecifiedAddressesAreReplaced) {
  mcu::ParticipantResult result;
  result.streams = {{"0.0.0.0", 20000, 20001, 1, std::nullopt}, {"192.0.2.10", 20002, 20003, 2, std::nullopt}};
  ReplaceUnspecifiedAddresses(result, "127.0.0.1");
  EXPECT_EQ(result.streams[0].local_address, "127.0.0.1");
  EXPECT_EQ(result.streams[1].local_address, "192.0.2.10");
  // No route (not an address): left as it was.
  result.streams[0].local_address = "0.0.0.0";
  ReplaceUnspecifiedAddresses(result, "pbx.example.com");
  EXPECT_EQ(result.streams[0].local_address, "0.0.0.0");
}

}  // namespace
}  // namespace tessera::signaling::sdp
