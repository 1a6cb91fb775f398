// The REGISTER client against a registrar made of our own transport and transaction layers
// with a digest authenticator: authentication, refresh before expiry, 423, backoff.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tessera/signaling/sip/digest_authenticator.h"
#include "ua_harness.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;

class Registrar : public TransportLayer::Listener, public TransactionLayer::User {
 public:
  explicit Registrar(testing::UaHarness& h)
      : clock_(h.clock),
        transport_(h.io, Options(), *this),
        sender_(transport_),
        transactions_(sender_, h.clock, {}, *this),
        auth_({"pbx", {{"tessera", "pw"}}, 300s}, [&h] { return h.clock.Now(); }) {
    EXPECT_TRUE(transport_.Start());
  }
  static TransportOptions Options() {
    TransportOptions o;
    o.udp = ListenEndpoint{"127.0.0.1", 0, "registrar"};
    return o;
  }
  uint16_t port() const { return transport_.port(TransportType::kUdp); }

  void OnMessage(Message&& m, const Source& s) override { transactions_.OnMessage(std::move(m), s); }
  void OnRequest(TransactionLayer::ServerId tx, const Message& r, const Source&) override {
    arrivals.push_back(clock_.Now());
    requests.push_back(r);
    if (fail_with) {
      transactions_.Respond(tx, MakeResponse(r, fail_with, {}, "reg"));
      return;
    }
    if (min_expires) {
      const auto e = r.GetHeader("Expires");
      if (e && std::stoul(*e) < *min_expires) {
        Message m = MakeResponse(r, 423, {}, "reg");
        m.AddHeader("Min-Expires", std::to_string(*min_expires));
        transactions_.Respond(tx, m);
        return;
      }
    }
    if (auth_.Verify(r).verdict != DigestAuthenticator::Verdict::kAccepted) {
      Message m = MakeResponse(r, 401, {}, "reg");
      for (auto& c : auth_.Challenges())
        m.AddHeader("WWW-Authenticate", c);
      transactions_.Respond(tx, m);
      return;
    }
    Message ok = MakeResponse(r, 200, {}, "reg");
    ok.contact = r.contact;
    ok.contact.front().params.Set("expires", std::to_string(granted));
    transactions_.Respond(tx, ok);
  }
  void OnAck(const Message&, const Source&) override {}
  void OnStrayResponse(const Message&, const Source&) override {}

  std::vector<Message> requests;
  std::vector<TimerService::Clock::time_point> arrivals;
  int fail_with = 0;
  std::optional<uint32_t> min_expires;
  uint32_t granted = 600;

 private:
  ManualTimerService& clock_;
  TransportLayer transport_;
  TransportSender sender_;
  TransactionLayer transactions_;
  DigestAuthenticator auth_;
};

class RegistrationTest : public ::testing::Test {
 protected:
  std::unique_ptr<UserAgent> Start(std::chrono::seconds expires = 600s, std::chrono::seconds retry_min = 30s,
                                   std::chrono::seconds retry_max = 1800s) {
    UserAgentOptions o = testing::LoopbackUa();
    RegistrationOptions r;
    r.registrar = *ParseUri("sip:127.0.0.1:" + std::to_string(registrar_.port()));
    r.aor = *ParseUri("sip:tessera@pbx.example.com");
    r.password = "pw";
    r.expires = expires;
    r.retry_min = retry_min;
    r.retry_max = retry_max;
    o.registrations.push_back(r);
    return h_.Make(o, handler_);
  }
  testing::UaHarness h_;
  testing::ScriptedHandler handler_;
  Registrar registrar_{h_};
};

TEST_F(RegistrationTest, RegistersWithDigestAndRefreshesBeforeExpiry) {
  auto ua = Start();
  ASSERT_TRUE(h_.Pump([&] { return ua->registrations()[0].state == RegistrationState::kRegistered; }));
  ASSERT_EQ(registrar_.requests.size(), 2u);  // challenged once
  const Message first = registrar_.requests[0];
  const Message second = registrar_.requests[1];
  EXPECT_EQ(first.call_id, second.call_id);
  EXPECT_EQ(second.cseq.number, first.cseq.number + 1);
  EXPECT_NE(second.GetHeader("Authorization"), nullptr);
  EXPECT_EQ(*second.GetHeader("Expires"), "600");
  EXPECT_EQ(second.contact.front().uri.user, "tessera");
  EXPECT_EQ(ua->registrations()[0].granted, 600s);
  // Refreshed a minute before the 600 s expire, with the same Call-ID.
  h_.AdvanceAndPump(542s, 2s);
  ASSERT_GE(registrar_.requests.size(), 3u);
  EXPECT_EQ(registrar_.requests[2].call_id, first.call_id);
  const auto gap = registrar_.arrivals[2] - registrar_.arrivals[1];
  EXPECT_GE(gap, 538s);
  EXPECT_LE(gap, 542s);
}

TEST_F(RegistrationTest, TooBriefIntervalIsRaisedToMinExpires) {
  registrar_.min_expires = 1200;
  auto ua = Start(60s);
  ASSERT_TRUE(h_.Pump([&] { return ua->registrations()[0].state == RegistrationState::kRegistered; }));
  EXPECT_EQ(*registrar_.requests.back().GetHeader("Expires"), "1200");
}

TEST_F(RegistrationTest, FailuresAreRetriedWithGrowingBackoff) {
  registrar_.fail_with = 503;
  auto ua = Start(600s, 10s, 40s);
  ASSERT_TRUE(h_.Pump([&] { return ua->registrations()[0].state == RegistrationState::kRetrying; }));
  EXPECT_EQ(ua->registrations()[0].last_status, 503);
  h_.AdvanceAndPump(200s, 1s);
  ASSERT_GE(registrar_.arrivals.size(), 6u);
  // Retry n waits between half and all of min(10 s * 2^(n-1), 40 s).
  for (size_t i = 1; i < 6; ++i) {
    const auto gap = registrar_.arrivals[i] - registrar_.arrivals[i - 1];
    const auto base = std::min(std::chrono::seconds(10 << (i - 1)), std::chrono::seconds(40));
    EXPECT_GE(gap, base / 2 - 1s) << i;
    EXPECT_LE(gap, base + 1s) << i;
  }
  // The registrar recovers: the next retry succeeds.
  registrar_.fail_with = 0;
  h_.AdvanceAndPump(42s, 1s);
  EXPECT_EQ(ua->registrations()[0].state, RegistrationState::kRegistered);
  EXPECT_EQ(ua->registrations()[0].failures, 0u);
}

TEST_F(RegistrationTest, WrongPasswordIsReportedAndRetriedLater) {
  UserAgentOptions o = testing::LoopbackUa();
  RegistrationOptions r;
  r.registrar = *ParseUri("sip:127.0.0.1:" + std::to_string(registrar_.port()));
  r.aor = *ParseUri("sip:tessera@pbx.example.com");
  r.password = "wrong";
  o.registrations.push_back(r);
  auto ua = h_.Make(o, handler_);
  ASSERT_TRUE(h_.Pump([&] { return ua->registrations()[0].state == RegistrationState::kRetrying; }));
  EXPECT_EQ(ua->registrations()[0].last_status, 401);
  EXPECT_EQ(registrar_.requests.size(), 2u);  // one authenticated attempt, no loop
}

}  // namespace
}  // namespace tessera::signaling::sip
