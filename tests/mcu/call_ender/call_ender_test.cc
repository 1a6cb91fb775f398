// ConferenceControl's call enders on a real in-process server (mcu::Server, its rooms and
// their demo participants, protocol "synthetic"): a kick or a room delete calls the ender
// of the participant's protocol once per participant, outside the core's locks; an adapter's
// own RemoveParticipant never does; an ender set to empty is not called; participant.left
// is emitted once even when the kicked call's own end follows.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tessera/mcu/config.h"
#include "tessera/mcu/server.h"

namespace tessera::mcu {
namespace {

using namespace std::chrono_literals;

struct Ended {
  std::string room;
  std::string participant;
  std::string reason;
  bool operator==(const Ended&) const = default;
};

// What the enders were called with, from whichever thread.
class Recorder {
 public:
  ConferenceControl::CallEnder Ender() {
    return [this](const std::string& room, const std::string& participant, const std::string& reason) {
      std::lock_guard lock(mutex_);
      ended_.push_back({room, participant, reason});
    };
  }
  std::vector<Ended> ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Ended> ended_;
};

class CallEnderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = ParseConfig(
        "[server]\nworker_threads = 1\n[sip]\nudp = \"\"\ntcp = \"\"\n"
        "[[rooms]]\nid = \"a\"\naliases = [\"alpha\"]\ndemo_participants = 2\n"
        "[[rooms]]\nid = \"b\"\ndemo_participants = 2\n",
        "test");
    ASSERT_TRUE(config) << "config";
    server_ = std::make_unique<Server>(std::move(*config));
    runner_ = std::thread([this] { server_->Run(); });
    // The rooms open once Run has started the core.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!(server_->FindRoom("a") && server_->FindRoom("b")) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);  // polling state against a deadline
    ASSERT_TRUE(server_->FindRoom("a") && server_->FindRoom("b")) << "the rooms did not open";
  }
  void TearDown() override {
    if (runner_.joinable()) {
      server_->RequestStop();
      runner_.join();
    }
    server_.reset();
  }

  std::vector<std::string> Participants(const std::string& room) {
    std::vector<std::string> ids;
    auto list = server_->ListParticipants(room);
    EXPECT_TRUE(list) << list.error().message;
    if (list)
      for (const ParticipantInfo& p : *list)
        ids.push_back(p.id);
    return ids;
  }

  std::unique_ptr<Server> server_;
  std::thread runner_;
};

TEST_F(CallEnderTest, AKickCallsTheEnderOfTheParticipantsProtocolOnceWithTheCanonicalRoom) {
  Recorder synthetic, sip;
  server_->SetCallEnder("synthetic", synthetic.Ender());
  server_->SetCallEnder("sip", sip.Ender());
  ASSERT_TRUE(server_->KickParticipant("alpha", "demo-1"));
  EXPECT_EQ(synthetic.ended(), (std::vector<Ended>{{"a", "demo-1", "removed by the operator"}}));
  EXPECT_TRUE(sip.ended().empty()) << "another protocol's ender was called";
  EXPECT_EQ(Participants("a"), std::vector<std::string>{"demo-2"});

  // Kicked already: not found, and no second call.
  auto again = server_->KickParticipant("a", "demo-1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ControlError::Kind::kNotFound);
  EXPECT_EQ(synthetic.ended().size(), 1u);
}

TEST_F(CallEnderTest, AnAdaptersOwnRemoveParticipantDoesNotCallTheEnder) {
  Recorder synthetic;
  server_->SetCallEnder("synthetic", synthetic.Ender());
  ASSERT_TRUE(server_->RemoveParticipant("a", "demo-1"));
  EXPECT_TRUE(synthetic.ended().empty());
  EXPECT_EQ(Participants("a"), std::vector<std::string>{"demo-2"});
}

TEST_F(CallEnderTest, DeletingARoomCallsTheEnderForEveryParticipantOfThatRoomOnly) {
  Recorder synthetic;
  server_->SetCallEnder("synthetic", synthetic.Ender());
  ASSERT_TRUE(server_->DeleteRoom("b"));
  EXPECT_EQ(synthetic.ended(),
            (std::vector<Ended>{{"b", "demo-1", "the room was deleted"}, {"b", "demo-2", "the room was deleted"}}));
  EXPECT_EQ(Participants("a").size(), 2u) << "the other room lost participants";
}

TEST_F(CallEnderTest, AnEnderSetToEmptyIsNotCalledAndAReplacedOneIsNot) {
  Recorder first, second;
  server_->SetCallEnder("synthetic", first.Ender());
  server_->SetCallEnder("synthetic", second.Ender());
  ASSERT_TRUE(server_->KickParticipant("a", "demo-1"));
  EXPECT_TRUE(first.ended().empty()) << "the replaced ender was called";
  EXPECT_EQ(second.ended().size(), 1u);

  server_->SetCallEnder("synthetic", nullptr);
  ASSERT_TRUE(server_->KickParticipant("a", "demo-2"));
  ASSERT_TRUE(server_->DeleteRoom("b"));
  EXPECT_EQ(second.ended().size(), 1u) << "an ender set to empty was called";
  EXPECT_TRUE(Participants("a").empty());
}

// The ender runs outside the core's locks: an adapter ending its call at once (its own
// RemoveParticipant, as SIP's OnEnded does) does not deadlock and finds nobody, and the
// participant left once.
TEST_F(CallEnderTest, TheKickedCallsOwnEndFindsNobodyAndParticipantLeftIsEmittedOnce) {
  std::mutex mutex;
  std::vector<std::string> left;  // participant.left events, "room/participant"
  server_->SetEventListener([&](const ControlEvent& e) {
    std::lock_guard lock(mutex);
    if (e.type == "participant.left") left.push_back(e.room + "/" + e.participant);
  });
  std::vector<std::optional<ControlError::Kind>> own_end;  // what the adapter's removal said
  server_->SetCallEnder("synthetic", [&](const std::string& room, const std::string& id, const std::string&) {
    auto removed = server_->RemoveParticipant(room, id);
    own_end.push_back(removed ? std::nullopt : std::optional(removed.error().kind));
  });
  ASSERT_TRUE(server_->KickParticipant("a", "demo-1"));
  ASSERT_TRUE(server_->DeleteRoom("b"));
  server_->SetEventListener(nullptr);
  EXPECT_EQ(own_end, (std::vector<std::optional<ControlError::Kind>>(3, ControlError::Kind::kNotFound)));
  std::lock_guard lock(mutex);
  EXPECT_EQ(left, (std::vector<std::string>{"a/demo-1", "b/demo-1", "b/demo-2"}));
}

}  // namespace
}  // namespace tessera::mcu
