// The conference-call scenarios the tessera binary runs (sipp_binary_test.cc) replayed
// against ConferenceDialIn in this process with a ConferenceControl double: this is where
// the exact control-plane calls they cause (add, update, keyframe, remove) are checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <thread>

#include "sipp.h"
#include "support/fake_conference.h"
#include "tessera/signaling/sip/conference_dial_in.h"

namespace tessera::signaling::sip {
namespace {

namespace asio = boost::asio;

class ConferenceDialInWithSipp : public ::testing::Test {
 protected:
  void SetUp() override {
    control_.rooms = {{"1000", "Demo", {"demo"}, false, false, false, 0, 0}};
    UserAgentOptions options;
    options.transport.udp = ListenEndpoint{"127.0.0.1", 0, "sip.udp"};
    options.transport.requests_per_second_per_source = 0;
    ua_ = std::make_unique<UserAgent>(io_, std::move(options), dial_in_);
    auto r = ua_->Start();
    ASSERT_TRUE(r) << r.error();
    port_ = ua_->transport().port(TransportType::kUdp);
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      ua_->Stop();
      work_.reset();
    });
    thread_.join();
  }
  // The double is used on the io thread only; the test reads it there.
  template <typename F>
  auto OnIoThread(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void ExpectScenarioPasses(const std::string& name) {
    const auto r = testing::RunSipp(dir_, testing::Scenario(name),
                                    {"127.0.0.1:" + std::to_string(port_), "-s", "demo", "-i", "127.0.0.1", "-p",
                                     std::to_string(tessera::testing::FreeUdpPort()), "-mp",
                                     std::to_string(tessera::testing::FreeUdpPort()), "-m", "1"});
    EXPECT_EQ(r.exit_status, 0) << r.Explain(dir_);
  }
  std::vector<std::string> Methods() {
    return OnIoThread([this] {
      std::vector<std::string> m;
      for (const auto& c : control_.calls)
        m.push_back(c.method);
      return m;
    });
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  signaling::testing::FakeConference control_;
  ConferenceDialIn dial_in_{control_};
  std::unique_ptr<UserAgent> ua_;
  std::thread thread_;
  uint16_t port_ = 0;
  tessera::testing::TempDir dir_;
};

TEST_F(ConferenceDialInWithSipp, RoomSystemCallHoldsResumesAsksForAKeyframeAndHangsUp) {
  ExpectScenarioPasses("uac_conference_call.xml");
  EXPECT_THAT(Methods(), ::testing::ElementsAre("add", "update", "update", "keyframe", "remove"));
  const auto held = OnIoThread([this] { return control_.calls[1].request.streams; });
  ASSERT_EQ(held.size(), 2u);
  EXPECT_FALSE(held[0].send);
  EXPECT_TRUE(held[1].receive);
  EXPECT_TRUE(OnIoThread([this] { return control_.participants.empty(); }));
}

TEST_F(ConferenceDialInWithSipp, LateOfferIsAnsweredInTheAck) {
  ExpectScenarioPasses("uac_conference_late_offer.xml");
  EXPECT_THAT(Methods(), ::testing::ElementsAre("add", "update", "remove"));
  const auto answered = OnIoThread([this] { return control_.calls[1].request.streams; });
  ASSERT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered[0].format.codec, codecs::CodecId::kPcmu);
  EXPECT_EQ(answered[1].format.codec, codecs::CodecId::kH264);
  EXPECT_TRUE(answered[0].send);
}

}  // namespace
}  // namespace tessera::signaling::sip
