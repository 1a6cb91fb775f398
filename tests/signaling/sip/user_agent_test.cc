// Two of our user agents calling each other over loopback: call set-up and tear-down,
// rejection, CANCEL, re-INVITE and UPDATE offers, glare, reliable provisionals, session
// timers, digest authentication. Time is a manual clock; packets cross real sockets.
#include "tessera/signaling/sip/user_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "ua_harness.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RecordingObserver;
using testing::ScriptedHandler;
using testing::TestSdp;
using testing::UaHarness;

class CallTest : public ::testing::TestWithParam<TransportType> {
 protected:
  void SetUp() override {
    a_ = h_.Make(testing::LoopbackUa(GetParam()), a_handler_);
    b_ = h_.Make(testing::LoopbackUa(GetParam()), b_handler_);
  }
  std::shared_ptr<Call> DialB(std::string user = "1000") {
    DialOptions d;
    d.target = h_.Target(*b_, user, GetParam());
    d.sdp_offer = TestSdp("alice", 40000);
    return a_->Dial(d, &a_obs_);
  }
  RecordingObserver& BObserver() { return *b_handler_.observers.at(0); }

  RecordingObserver a_obs_;  // before the user agents: it must outlive them
  UaHarness h_;
  ScriptedHandler a_handler_, b_handler_;
  std::unique_ptr<UserAgent> a_, b_;
};

TEST_P(CallTest, CallIsSetUpAndTornDown) {
  b_handler_.on_call = [](Call& c) {
    EXPECT_TRUE(c.remote_offered());
    EXPECT_THAT(c.remote_sdp(), HasSubstr("m=audio 40000"));
    c.Ring();
    c.Answer(TestSdp("bob", 50000));
  };
  auto call = DialB();
  ASSERT_TRUE(h_.Pump([&] { return !a_obs_.events.empty() && a_obs_.events.back() == "established"; }));
  EXPECT_THAT(a_obs_.events, ElementsAre("ringing", "established"));
  EXPECT_THAT(a_obs_.established_sdp, HasSubstr("m=audio 50000"));
  EXPECT_EQ(call->state(), CallState::kConfirmed);
  ASSERT_TRUE(h_.Pump([&] { return b_handler_.calls[0]->state() == CallState::kConfirmed; }));
  EXPECT_THAT(BObserver().events, ElementsAre("established"));
  EXPECT_EQ(b_handler_.calls[0]->remote_party().uri.user, "tessera");
  EXPECT_EQ(b_handler_.calls[0]->remote_user_agent(), "Tessera");

  call->Hangup();
  ASSERT_TRUE(h_.Pump([&] { return BObserver().ended(); }));
  EXPECT_EQ(BObserver().end->reason, CallEnd::Reason::kRemoteHangup);
  EXPECT_EQ(a_obs_.end->reason, CallEnd::Reason::kLocalHangup);
  ASSERT_TRUE(h_.Pump([&] { return a_->stats().calls == 0 && b_->stats().calls == 0; }));
  h_.AdvanceAndPump(40s);  // every transaction timer runs out
  EXPECT_EQ(a_->stats().client_transactions + a_->stats().server_transactions, 0u);
  EXPECT_EQ(b_->stats().client_transactions + b_->stats().server_transactions, 0u);
}

TEST_P(CallTest, RejectionReachesTheCaller) {
  b_handler_.on_call = [](Call& c) { c.Reject(486, "Busy Here", std::nullopt); };
  auto call = DialB();
  ASSERT_TRUE(h_.Pump([&] { return a_obs_.ended(); }));
  EXPECT_EQ(a_obs_.end->reason, CallEnd::Reason::kDeclined);
  EXPECT_EQ(a_obs_.end->status, 486);
  EXPECT_EQ(BObserver().end->reason, CallEnd::Reason::kRejected);
}

TEST_P(CallTest, CancelBeforeTheAnswerEndsBothSides) {
  b_handler_.on_call = [](Call& c) { c.Ring(); };
  auto call = DialB();
  ASSERT_TRUE(h_.Pump([&] { return !a_obs_.events.empty(); }));  // ringing
  call->Hangup();
  ASSERT_TRUE(h_.Pump([&] { return BObserver().ended(); }));
  EXPECT_EQ(BObserver().end->reason, CallEnd::Reason::kCancelled);
  EXPECT_EQ(BObserver().end->status, 487);
  EXPECT_EQ(a_obs_.end->reason, CallEnd::Reason::kLocalHangup);
}

TEST_P(CallTest, UnansweredIncomingCallTimesOutWith480) {
  UserAgentOptions b_options = testing::LoopbackUa(GetParam());
  b_options.answer_timeout = 30s;  // shorter than the caller's 60 s
  b_ = h_.Make(b_options, b_handler_);
  b_handler_.on_call = [](Call& c) { c.Ring(); };
  auto call = DialB();
  ASSERT_TRUE(h_.Pump([&] { return !a_obs_.events.empty(); }));
  h_.AdvanceAndPump(31s, 1s);
  ASSERT_TRUE(h_.Pump([&] { return a_obs_.ended(); }));
  EXPECT_EQ(a_obs_.end->status, 480);
  EXPECT_EQ(BObserver().end->reason, CallEnd::Reason::kRejected);
}

TEST_P(CallTest, ReinviteCarriesHoldAndResume) {
  b_handler_.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  auto call = DialB();
  ASSERT_TRUE(
      h_.Pump([&] { return b_handler_.calls.size() == 1 && b_handler_.calls[0]->state() == CallState::kConfirmed; }));
  BObserver().on_offer = [](Call& c, std::string_view sdp) {
    c.AnswerOffer(TestSdp("bob", 50000, sdp.find("sendonly") != std::string_view::npos ? "recvonly" : "sendrecv", 2));
  };
  ASSERT_TRUE(call->Reinvite(TestSdp("alice", 40000, "sendonly", 2)));
  EXPECT_FALSE(call->Reinvite(TestSdp("alice", 40000, "sendonly", 3)));  // one offer at a time
  ASSERT_TRUE(h_.Pump([&] { return a_obs_.answers.size() == 1; }));
  EXPECT_THAT(a_obs_.answers[0], HasSubstr("a=recvonly"));
  EXPECT_THAT(b_handler_.calls[0]->remote_sdp(), HasSubstr("a=sendonly"));
  ASSERT_TRUE(h_.Pump([&] { return call->Reinvite(TestSdp("alice", 40000, "sendrecv", 3)); }));
  ASSERT_TRUE(h_.Pump([&] { return a_obs_.answers.size() == 2; }));
  EXPECT_THAT(a_obs_.answers[1], HasSubstr("a=sendrecv"));
  EXPECT_EQ(call->state(), CallState::kConfirmed);
}

TEST_P(CallTest, RefusedOfferLeavesTheSessionUnchanged) {
  b_handler_.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  auto call = DialB();
  ASSERT_TRUE(
      h_.Pump([&] { return b_handler_.calls.size() == 1 && b_handler_.calls[0]->state() == CallState::kConfirmed; }));
  // No on_offer reaction: the default observer refuses with 488.
  ASSERT_TRUE(call->Update(TestSdp("alice", 40002, "sendrecv", 2)));
  ASSERT_TRUE(h_.Pump([&] { return !a_obs_.events.empty() && a_obs_.events.back() == "offer-rejected 488"; }));
  EXPECT_EQ(call->state(), CallState::kConfirmed);
  EXPECT_THAT(call->local_sdp(), HasSubstr("m=audio 40000"));
}

TEST_P(CallTest, ReinviteGlareIsResolvedByRetrying) {
  b_handler_.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  auto call = DialB();
  ASSERT_TRUE(
      h_.Pump([&] { return b_handler_.calls.size() == 1 && b_handler_.calls[0]->state() == CallState::kConfirmed; }));
  auto answer = [](std::string who) {
    return [who](Call& c, std::string_view) { c.AnswerOffer(TestSdp(who, 1, "sendrecv", 9)); };
  };
  a_obs_.on_offer = answer("alice");
  BObserver().on_offer = answer("bob");
  // Both offer at once: each side answers the other's re-INVITE with 491.
  ASSERT_TRUE(call->Reinvite(TestSdp("alice", 40000, "sendonly", 2)));
  ASSERT_TRUE(b_handler_.calls[0]->Reinvite(TestSdp("bob", 50000, "sendonly", 2)));
  h_.Drain();  // both re-INVITEs cross and are answered 491
  EXPECT_TRUE(a_obs_.answers.empty());
  EXPECT_TRUE(BObserver().answers.empty());
  // The §14.1 retry timers (0-2 s for the callee, 2.1-4 s for the caller) let both through.
  h_.AdvanceAndPump(10s, 100ms);
  EXPECT_EQ(a_obs_.answers.size(), 1u);
  EXPECT_EQ(BObserver().answers.size(), 1u);
  EXPECT_EQ(a_obs_.offers.size(), 1u);
  EXPECT_EQ(BObserver().offers.size(), 1u);
  EXPECT_EQ(call->state(), CallState::kConfirmed);
}

TEST_P(CallTest, RequiredReliableProvisionalsArePrackedOneAtATime) {
  DialOptions d;
  d.target = h_.Target(*b_, "1000", GetParam());
  d.sdp_offer = TestSdp("alice", 40000);
  d.extra_headers = {{"Require", "100rel"}};
  b_handler_.on_call = [](Call& c) {
    c.Ring();
    c.Progress(TestSdp("bob", 50000));  // held back until the 180 is PRACKed
  };
  auto call = a_->Dial(d, &a_obs_);
  ASSERT_TRUE(h_.Pump([&] { return a_obs_.early_sdp.size() > 0; }));
  EXPECT_THAT(a_obs_.events, ElementsAre("ringing", "ringing", "early-media"));
  b_handler_.calls[0]->Answer(TestSdp("bob", 50000));
  ASSERT_TRUE(h_.Pump([&] { return call->state() == CallState::kConfirmed; }));
}

TEST_P(CallTest, AnswerWaitsForThePrackOfAReliableProvisionalWithSdp) {
  DialOptions d;
  d.target = h_.Target(*b_, "1000", GetParam());
  d.sdp_offer = TestSdp("alice", 40000);
  d.extra_headers = {{"Require", "100rel"}};
  b_handler_.on_call = [](Call& c) {
    c.Progress(TestSdp("bob", 50000));
    c.Answer(TestSdp("bob", 50000));  // RFC 3262 §3: not before the 183 is acknowledged
  };
  auto call = a_->Dial(d, &a_obs_);
  ASSERT_TRUE(h_.Pump([&] { return call->state() == CallState::kConfirmed; }));
  EXPECT_THAT(a_obs_.events, ElementsAre("ringing", "early-media", "established"));
}

TEST_P(CallTest, SessionRefreshesKeepTheCallUpAndMissingOnesEndIt) {
  UserAgentOptions b_options = testing::LoopbackUa(GetParam());
  b_options.session_timer = {90s, 90s};
  b_ = h_.Make(b_options, b_handler_);
  b_handler_.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  auto call = DialB();
  ASSERT_TRUE(
      h_.Pump([&] { return b_handler_.calls.size() == 1 && b_handler_.calls[0]->state() == CallState::kConfirmed; }));
  // A asked for 1800 s, B cut it to 90 s with A (which supports timers) as refresher.
  h_.AdvanceAndPump(10min, 5s);
  EXPECT_EQ(call->state(), CallState::kConfirmed);
  EXPECT_EQ(b_handler_.calls[0]->state(), CallState::kConfirmed);
  // A goes silent: B gives up 60 s (90 - 30) after the last refresh and hangs up.
  a_->transport().Stop();
  h_.AdvanceAndPump(120s, 5s);
  ASSERT_TRUE(BObserver().ended());
  EXPECT_EQ(BObserver().end->reason, CallEnd::Reason::kSessionExpired);
}

TEST_P(CallTest, SessionNeverRefreshedExpiresAtTheCallee) {
  UserAgentOptions b_options = testing::LoopbackUa(GetParam());
  b_options.session_timer = {90s, 90s};
  b_ = h_.Make(b_options, b_handler_);
  b_handler_.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  auto call = DialB();
  ASSERT_TRUE(
      h_.Pump([&] { return b_handler_.calls.size() == 1 && b_handler_.calls[0]->state() == CallState::kConfirmed; }));
  a_->transport().Stop();  // the refresher goes away before its first refresh
  h_.AdvanceAndPump(59s, 1s);
  EXPECT_FALSE(BObserver().ended());
  h_.AdvanceAndPump(2s, 1s);  // 90 s - min(32 s, 30 s) after the ACK
  ASSERT_TRUE(BObserver().ended());
  EXPECT_EQ(BObserver().end->reason, CallEnd::Reason::kSessionExpired);
}

INSTANTIATE_TEST_SUITE_P(OverUdpAndTcp, CallTest, ::testing::Values(TransportType::kUdp, TransportType::kTcp),
                         [](const auto& param_info) {
                           return param_info.param == TransportType::kUdp ? "Udp" : "Tcp";
                         });

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UserAgentOptions b_options = testing::LoopbackUa();
    b_options.authentication = DigestAuthenticatorOptions{"tessera", {{"room-7", "s3cret"}}, 300s};
    b_options.max_auth_failures_per_minute = 3;
    b_ = h_.Make(b_options, b_handler_);
    a_ = h_.Make(testing::LoopbackUa(), a_handler_);
    b_handler_.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  }
  std::shared_ptr<Call> Dial(RecordingObserver& obs, std::string password) {
    DialOptions d;
    d.target = h_.Target(*b_, "1000");
    d.sdp_offer = TestSdp("alice", 40000);
    d.credentials = Credentials{"", "room-7", std::move(password)};
    return a_->Dial(d, &obs);
  }
  RecordingObserver& NewObserver() { return observers_.emplace_back(); }

  // Observers must outlive the user agents that report to them: declared first.
  std::deque<RecordingObserver> observers_;
  UaHarness h_;
  ScriptedHandler a_handler_, b_handler_;
  std::unique_ptr<UserAgent> a_, b_;
};

TEST_F(AuthTest, ChallengedCallerWithTheRightPasswordGetsThrough) {
  RecordingObserver& obs = NewObserver();
  auto call = Dial(obs, "s3cret");
  ASSERT_TRUE(h_.Pump([&] { return call->state() == CallState::kConfirmed; }));
  ASSERT_EQ(b_handler_.calls.size(), 1u);
  EXPECT_EQ(b_handler_.calls[0]->authenticated_user(), "room-7");
}

TEST_F(AuthTest, WrongPasswordsAreRefusedAndThenBlocked) {
  for (int i = 0; i < 3; ++i) {
    RecordingObserver& obs = NewObserver();
    auto call = Dial(obs, "wrong");
    ASSERT_TRUE(h_.Pump([&] { return obs.ended(); }));
    EXPECT_EQ(obs.end->status, 401);
  }
  EXPECT_TRUE(b_handler_.calls.empty());
  // The source has used up its failures: even the right password is refused for a while.
  RecordingObserver& blocked = NewObserver();
  auto call = Dial(blocked, "s3cret");
  ASSERT_TRUE(h_.Pump([&] { return blocked.ended(); }));
  EXPECT_EQ(blocked.end->status, 403);
  EXPECT_GE(b_->stats().auth_failures, 3u);
  EXPECT_EQ(b_->stats().auth_blocked, 1u);
}

TEST(UserAgent, DialToAnUnresolvableTargetEndsWithATransportError) {
  RecordingObserver obs;
  UaHarness h;
  ScriptedHandler handler;
  auto a = h.Make(testing::LoopbackUa(), handler);
  DialOptions d;
  d.target = *ParseUri("sip:1000@does-not-exist.invalid");
  d.sdp_offer = TestSdp("alice", 40000);
  auto call = a->Dial(d, &obs);
  ASSERT_TRUE(h.Pump([&] { return obs.ended(); }, 10s));
  EXPECT_EQ(obs.end->reason, CallEnd::Reason::kTransportError);
}

TEST(UserAgent, StopEndsCallsWithShutdown) {
  RecordingObserver obs;
  UaHarness h;
  ScriptedHandler a_handler, b_handler;
  auto a = h.Make(testing::LoopbackUa(), a_handler);
  auto b = h.Make(testing::LoopbackUa(), b_handler);
  b_handler.on_call = [](Call& c) { c.Answer(TestSdp("bob", 50000)); };
  DialOptions d;
  d.target = h.Target(*b, "1000");
  d.sdp_offer = TestSdp("alice", 40000);
  auto call = a->Dial(d, &obs);
  ASSERT_TRUE(h.Pump([&] { return call->state() == CallState::kConfirmed; }));
  b->Stop();
  ASSERT_TRUE(h.Pump([&] { return obs.ended(); }));
  EXPECT_EQ(obs.end->reason, CallEnd::Reason::kRemoteHangup);  // b sent BYE on the way out
  EXPECT_EQ(b_handler.observers[0]->end->reason, CallEnd::Reason::kShutdown);
  call->Hangup();  // harmless after the end
}

}  // namespace
}  // namespace tessera::signaling::sip
