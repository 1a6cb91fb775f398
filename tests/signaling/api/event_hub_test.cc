// EventHub: numbered events, delivered in order on the control loop, a bounded history
// that a reconnecting client resumes from, and a gap reported when it no longer reaches.
#include "tessera/signaling/api/event_hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

namespace tessera::signaling::api {
namespace {

mcu::ControlEvent Joined(std::string id) {
  return {"participant.joined", "1000", std::move(id), {{"protocol", "sip"}}};
}

TEST(EventHub, EventsAreNumberedAndFormattedAsJson) {
  boost::asio::io_context io;
  EventHub hub(io, 8);
  hub.Publish(Joined("p1"));
  hub.Publish({"layout.changed", "1000", "", {{"layout", "3x3"}}});
  const auto replay = hub.Since(0);
  ASSERT_EQ(replay.events.size(), 2u);
  const auto first = nlohmann::json::parse(replay.events[0].json);
  EXPECT_EQ(first["seq"], 1);
  EXPECT_EQ(first["type"], "participant.joined");
  EXPECT_EQ(first["participant"], "p1");
  EXPECT_EQ(first["data"]["protocol"], "sip");
  const auto second = nlohmann::json::parse(replay.events[1].json);
  EXPECT_EQ(second["seq"], 2);
  EXPECT_FALSE(second.contains("participant"));
  EXPECT_EQ(second["data"]["layout"], "3x3");
}

TEST(EventHub, ResumingFromASeenNumberGivesExactlyTheRest) {
  boost::asio::io_context io;
  EventHub hub(io, 100);
  for (int i = 1; i <= 10; ++i)
    hub.Publish(Joined("p" + std::to_string(i)));
  const auto replay = hub.Since(7);
  EXPECT_FALSE(replay.gap);
  EXPECT_EQ(replay.last, 10u);
  ASSERT_EQ(replay.events.size(), 3u);
  EXPECT_EQ(replay.events[0].seq, 8u);
  EXPECT_EQ(replay.events[2].seq, 10u);
  EXPECT_TRUE(hub.Since(10).events.empty());
}

TEST(EventHub, TheHistoryIsBoundedAndAGapIsReported) {
  boost::asio::io_context io;
  EventHub hub(io, 4);
  for (int i = 1; i <= 10; ++i)
    hub.Publish(Joined("p" + std::to_string(i)));
  auto replay = hub.Since(2);
  EXPECT_TRUE(replay.gap);
  EXPECT_EQ(replay.oldest, 7u);
  ASSERT_EQ(replay.events.size(), 4u);
  EXPECT_EQ(replay.events.front().seq, 7u);
  EXPECT_FALSE(hub.Since(6).gap);  // 7 onwards is all there
}

TEST(EventHub, SubscribersGetEveryEventInOrderOnTheControlLoop) {
  boost::asio::io_context io;
  EventHub hub(io, 16);
  std::vector<uint64_t> seen;
  const uint64_t id = hub.Subscribe([&](const NumberedEvent& e) { seen.push_back(e.seq); });
  // Two publishing threads (as media strands would be).
  std::thread a([&] {
    for (int i = 0; i < 500; ++i)
      hub.Publish(Joined("a"));
  });
  std::thread b([&] {
    for (int i = 0; i < 500; ++i)
      hub.Publish(Joined("b"));
  });
  a.join();
  b.join();
  EXPECT_TRUE(seen.empty()) << "delivered only by the control loop";
  io.run();
  ASSERT_EQ(seen.size(), 1000u);
  for (size_t i = 0; i < seen.size(); ++i)
    ASSERT_EQ(seen[i], i + 1);
  hub.Unsubscribe(id);
  hub.Publish(Joined("c"));
  io.restart();
  io.run();
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(EventHub, DisplayNamesWithInvalidUtf8DoNotBreakTheStream) {
  boost::asio::io_context io;
  EventHub hub(io, 4);
  hub.Publish({"participant.joined", "1000", "p1", {{"display_name", "bad \xff\xfe name \"quoted\""}}});
  const auto json = nlohmann::json::parse(hub.Since(0).events.at(0).json, nullptr, false);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_THAT(json["data"]["display_name"].get<std::string>(), ::testing::HasSubstr("\"quoted\""));
}

}  // namespace
}  // namespace tessera::signaling::api
