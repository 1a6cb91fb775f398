// Our user agent, in this process, against SIPp: the call flows of issue 7 with a real peer.
// The user agent runs on its own io_context thread; the test waits (bounded) for events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "sipp.h"
#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace asio = boost::asio;

std::string Sdp(std::string_view direction = "sendrecv", int version = 1) {
  return "v=0\r\no=tessera 7 " + std::to_string(version) +
         " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\n"
         "a=rtpmap:0 PCMU/8000\r\na=" +
         std::string(direction) + "\r\n";
}

// Handler and observer of every call; thread-safe event log for the test thread.
class Application : public UserAgentHandler, public CallObserver {
 public:
  // On the io thread.
  void OnIncomingCall(std::shared_ptr<Call> call) override {
    calls_.push_back(call);
    call->SetObserver(this);
    Record("incoming");
    if (on_call) on_call(*call);
  }
  void OnEstablished(Call& call, std::string_view sdp) override {
    Record("established");
    if (!sdp.empty()) Record("answer-in-ack");
    if (hang_up_when_established) call.Hangup();
  }
  void OnRemoteOffer(Call& call, std::string_view sdp) override {
    Record("offer");
    call.AnswerOffer(Sdp(sdp.find("a=sendonly") != std::string_view::npos ? "recvonly" : "sendrecv", ++version_));
  }
  void OnDtmf(Call&, const DtmfEvent& e) override { Record(std::string("dtmf ") + e.digit); }
  void OnEnded(Call&, const CallEnd& e) override { Record("ended: " + std::string(ToString(e.reason))); }

  // On the test thread.
  bool WaitFor(const std::string& event, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout,
                        [&] { return std::find(events_.begin(), events_.end(), event) != events_.end(); });
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

  std::function<void(Call&)> on_call;  // set before the user agent starts
  bool hang_up_when_established = false;

 private:
  void Record(std::string e) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(e));
    cv_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
  std::vector<std::shared_ptr<Call>> calls_;  // io thread only
  int version_ = 1;
};

class StackWithSipp : public ::testing::Test {
 protected:
  void Start(UserAgentOptions options = {}) {
    options.transport.udp = ListenEndpoint{"127.0.0.1", 0, "sip.udp"};
    ua_ = std::make_unique<UserAgent>(io_, std::move(options), app_);
    auto r = ua_->Start();
    ASSERT_TRUE(r) << r.error();
    port_ = ua_->transport().port(TransportType::kUdp);
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      asio::post(io_, [this] {
        ua_->Stop();
        work_.reset();
      });
      thread_.join();
    }
  }
  template <typename F>
  auto OnIoThread(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }
  // Runs a UAC scenario against us and expects it to succeed.
  void ExpectScenarioPasses(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"127.0.0.1:" + std::to_string(port_),
                                     "-s",
                                     "1000",
                                     "-i",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(tessera::testing::FreeUdpPort()),
                                     "-mp",
                                     std::to_string(tessera::testing::FreeUdpPort()),
                                     "-m",
                                     "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = testing::RunSipp(dir_, testing::Scenario(name), args);
    EXPECT_EQ(r.exit_status, 0) << r.Explain(dir_);
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  Application app_;
  std::unique_ptr<UserAgent> ua_;
  std::thread thread_;
  uint16_t port_ = 0;
  tessera::testing::TempDir dir_;
};

TEST_F(StackWithSipp, CallIsSetUpAndHungUpBySipp) {
  app_.on_call = [](Call& c) {
    c.Ring();
    c.Answer(Sdp());
  };
  Start();
  ExpectScenarioPasses("uac_call.xml");
  EXPECT_TRUE(app_.WaitFor("ended: remote hangup"));
  EXPECT_THAT(app_.events(), ::testing::ElementsAre("incoming", "established", "ended: remote hangup"));
}

TEST_F(StackWithSipp, CancelBeforeTheFinalResponse) {
  app_.on_call = [](Call& c) { c.Ring(); };
  Start();
  ExpectScenarioPasses("uac_cancel.xml");
  EXPECT_TRUE(app_.WaitFor("ended: cancelled"));
}

TEST_F(StackWithSipp, ReinviteHoldAndResume) {
  app_.on_call = [](Call& c) { c.Answer(Sdp()); };
  Start();
  ExpectScenarioPasses("uac_reinvite.xml");
  EXPECT_TRUE(app_.WaitFor("ended: remote hangup"));
  const auto e = app_.events();
  EXPECT_EQ(std::count(e.begin(), e.end(), "offer"), 2);
}

TEST_F(StackWithSipp, LateOfferIsAnsweredInTheAck) {
  app_.on_call = [](Call& c) {
    EXPECT_FALSE(c.remote_offered());
    c.Answer(Sdp());  // our offer
  };
  Start();
  ExpectScenarioPasses("uac_late_offer.xml");
  EXPECT_TRUE(app_.WaitFor("answer-in-ack"));
}

TEST_F(StackWithSipp, ServerHangsUp) {
  app_.on_call = [](Call& c) { c.Answer(Sdp()); };
  app_.hang_up_when_established = true;
  Start();
  ExpectScenarioPasses("uac_server_bye.xml");
  EXPECT_TRUE(app_.WaitFor("ended: local hangup"));
}

// The intervals here (3-4 s) are below RFC 4028's 90 s floor, which only the configuration
// enforces: the user agent takes what it is given, so the test runs in seconds.
TEST_F(StackWithSipp, ServerRefreshesTheSessionWhenItIsTheRefresher) {
  app_.on_call = [](Call& c) { c.Answer(Sdp()); };
  UserAgentOptions o;
  o.session_timer = {4s, 2s};
  Start(o);
  ExpectScenarioPasses("uac_session_refresh.xml");
  EXPECT_TRUE(app_.WaitFor("ended: remote hangup"));
}

TEST_F(StackWithSipp, ServerHangsUpWhenTheSessionIsNotRefreshed) {
  app_.on_call = [](Call& c) { c.Answer(Sdp()); };
  UserAgentOptions o;
  o.session_timer = {3s, 2s};
  Start(o);
  ExpectScenarioPasses("uac_session_expiry.xml");
  EXPECT_TRUE(app_.WaitFor("ended: session expired"));
}

TEST_F(StackWithSipp, InfoDtmfIsDelivered) {
  app_.on_call = [](Call& c) { c.Answer(Sdp()); };
  Start();
  ExpectScenarioPasses("uac_info_dtmf.xml");
  EXPECT_TRUE(app_.WaitFor("dtmf #"));
  EXPECT_TRUE(app_.WaitFor("dtmf 5"));
}

TEST_F(StackWithSipp, CallerRequiring100relGetsReliableProvisionals) {
  app_.on_call = [](Call& c) {
    c.Progress(Sdp());
    c.Answer(Sdp());  // held back until the 183 is PRACKed
  };
  Start();
  ExpectScenarioPasses("uac_100rel.xml");
  EXPECT_TRUE(app_.WaitFor("ended: remote hangup"));
}

TEST_F(StackWithSipp, DialOutAnswersTheDigestChallenge) {
  Start();
  const uint16_t sipp_port = tessera::testing::FreeUdpPort();
  tessera::testing::TempDir uas_dir;
  auto uas = tessera::testing::Subprocess::Start(
      {"sipp", "-sf", testing::Scenario("uas_auth.xml").string(), "-i", "127.0.0.1", "-p", std::to_string(sipp_port),
       "-mp", std::to_string(tessera::testing::FreeUdpPort()), "-m", "1", "-nostdin", "-timeout", "15s",
       "-timeout_error"},
      {.working_directory = uas_dir.path().string()});
  ASSERT_NE(uas, nullptr);
  ASSERT_TRUE(testing::WaitForUdpListener(sipp_port));
  OnIoThread([&] {
    DialOptions d;
    d.target = *ParseUri("sip:room@127.0.0.1:" + std::to_string(sipp_port));
    d.sdp_offer = Sdp();
    d.credentials = Credentials{"", "tessera", "secret"};
    return ua_->Dial(d, &app_);
  });
  EXPECT_TRUE(app_.WaitFor("established"));
  EXPECT_TRUE(app_.WaitFor("ended: remote hangup"));
  EXPECT_EQ(uas->WaitForExit(10s), 0) << uas->output();
}

TEST_F(StackWithSipp, RegistersAndRefreshesAtASippRegistrar) {
  const uint16_t sipp_port = tessera::testing::FreeUdpPort();
  tessera::testing::TempDir uas_dir;
  auto registrar = tessera::testing::Subprocess::Start(
      {"sipp", "-sf", testing::Scenario("uas_register.xml").string(), "-i", "127.0.0.1", "-p",
       std::to_string(sipp_port), "-m", "1", "-nostdin", "-timeout", "15s", "-timeout_error"},
      {.working_directory = uas_dir.path().string()});
  ASSERT_NE(registrar, nullptr);
  ASSERT_TRUE(testing::WaitForUdpListener(sipp_port));
  UserAgentOptions o;
  RegistrationOptions r;
  r.registrar = *ParseUri("sip:127.0.0.1:" + std::to_string(sipp_port));
  r.aor = *ParseUri("sip:tessera@pbx.example");
  r.password = "secret";
  r.expires = 3s;
  o.registrations.push_back(r);
  Start(o);
  // SIPp exits 0 only after checking the digest of the REGISTER and of its refresh.
  EXPECT_EQ(registrar->WaitForExit(10s), 0) << registrar->output();
  const auto status = OnIoThread([&] { return ua_->registrations().at(0); });
  EXPECT_EQ(status.state, RegistrationState::kRegistered);
  EXPECT_EQ(status.granted, 3s);
}

}  // namespace
}  // namespace tessera::signaling::sip
