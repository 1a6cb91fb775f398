#pragma once
// Two (or more) user agents on loopback in one io_context, driven by a manual clock: packets
// really cross the kernel, time moves only when the test says so.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling::sip::testing {

inline std::string TestSdp(std::string_view user, int port, std::string_view direction = "sendrecv", int version = 1) {
  return std::string("v=0\r\no=") + std::string(user) + " 1 " + std::to_string(version) +
         " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + std::to_string(port) +
         " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=" + std::string(direction) + "\r\n";
}

// Records everything a call reports; optional scripted reactions.
class RecordingObserver : public CallObserver {
 public:
  void OnRinging(Call&) override { events.push_back("ringing"); }
  void OnEarlyMedia(Call&, std::string_view sdp) override {
    events.push_back("early-media");
    early_sdp = std::string(sdp);
  }
  void OnEstablished(Call&, std::string_view sdp) override {
    events.push_back("established");
    established_sdp = std::string(sdp);
  }
  void OnRemoteOffer(Call& call, std::string_view sdp) override {
    events.push_back("remote-offer");
    offers.emplace_back(sdp);
    if (on_offer) {
      on_offer(call, sdp);
    } else {
      CallObserver::OnRemoteOffer(call, sdp);
    }
  }
  void OnOfferRequested(Call& call) override {
    events.push_back("offer-requested");
    CallObserver::OnOfferRequested(call);
  }
  void OnRemoteAnswer(Call&, std::string_view sdp) override {
    events.push_back("remote-answer");
    answers.emplace_back(sdp);
  }
  void OnOfferRejected(Call&, int status) override { events.push_back("offer-rejected " + std::to_string(status)); }
  void OnDtmf(Call&, const DtmfEvent& e) override { digits += e.digit; }
  void OnKeyframeRequest(Call&) override { events.push_back("keyframe"); }
  void OnEnded(Call&, const CallEnd& e) override {
    events.push_back("ended");
    end = e;
  }
  bool ended() const { return end.has_value(); }

  std::vector<std::string> events;
  std::string early_sdp, established_sdp;
  std::vector<std::string> offers, answers;
  std::string digits;
  std::optional<CallEnd> end;
  std::function<void(Call&, std::string_view)> on_offer;
};

class ScriptedHandler : public UserAgentHandler {
 public:
  void OnIncomingCall(std::shared_ptr<Call> call) override {
    calls.push_back(call);
    observers.push_back(std::make_unique<RecordingObserver>());
    call->SetObserver(observers.back().get());
    if (on_call) on_call(*call);
  }
  std::vector<std::shared_ptr<Call>> calls;
  std::vector<std::unique_ptr<RecordingObserver>> observers;
  std::function<void(Call&)> on_call;
};

inline UserAgentOptions LoopbackUa(TransportType t = TransportType::kUdp) {
  UserAgentOptions o;
  if (t == TransportType::kUdp) o.transport.udp = ListenEndpoint{"127.0.0.1", 0, "sip.udp"};
  if (t == TransportType::kTcp) o.transport.tcp = ListenEndpoint{"127.0.0.1", 0, "sip.tcp"};
  o.transport.requests_per_second_per_source = 0;
  return o;
}

class UaHarness {
 public:
  // Runs the io_context until `done` (bounded by wall-clock time, not the manual clock).
  template <typename Pred>
  bool Pump(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.restart();
      io.run_for(std::chrono::milliseconds(2));
    }
    // Let posted work (session clean-up) run.
    io.restart();
    io.poll();
    return true;
  }
  // Runs what is ready, then waits briefly for what is in flight on loopback, until quiet.
  void Drain() {
    for (int quiet = 0; quiet < 2;) {
      io.restart();
      const size_t ran = io.poll() + io.run_for(std::chrono::microseconds(300));
      quiet = ran == 0 ? quiet + 1 : 0;
    }
  }
  // Moves the manual clock in steps, delivering the packets timers send in between.
  void AdvanceAndPump(std::chrono::milliseconds total,
                      std::chrono::milliseconds step = std::chrono::milliseconds(500)) {
    for (auto t = std::chrono::milliseconds(0); t < total; t += step) {
      clock.Advance(step);
      Drain();
    }
  }
  std::unique_ptr<UserAgent> Make(UserAgentOptions options, UserAgentHandler& handler) {
    auto ua = std::make_unique<UserAgent>(io, std::move(options), handler, &clock);
    auto r = ua->Start();
    EXPECT_TRUE(r) << (r ? "" : r.error());
    return ua;
  }
  Uri Target(UserAgent& ua, const std::string& user, TransportType t = TransportType::kUdp) {
    std::string uri = "sip:" + user + "@127.0.0.1:" + std::to_string(ua.transport().port(t));
    if (t == TransportType::kTcp) uri += ";transport=tcp";
    return *ParseUri(uri);
  }

  boost::asio::io_context io;
  ManualTimerService clock;
};

}  // namespace tessera::signaling::sip::testing
