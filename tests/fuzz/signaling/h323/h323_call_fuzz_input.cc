#include "h323_call_fuzz_input.h"

#include <chrono>
#include <optional>

#include "tessera/signaling/h323/h323_call.h"

namespace tessera::signaling::h323::fuzz {
namespace {

// Takes what the call sends and drops it: the fuzz input plays the peer. The separate
// H.245 connection "connects" when the input says so.
class Transport final : public H323CallTransport {
 public:
  void SendSignalling(std::span<const uint8_t> message) override { sent_bytes += message.size(); }
  void SendH245(std::span<const uint8_t> pdu) override { sent_bytes += pdu.size(); }
  void ConnectH245(const MediaAddress&) override { connect_asked = true; }
  std::optional<MediaAddress> ListenH245() override { return MediaAddress{"127.0.0.1", 1721}; }
  void Close() override { closed = true; }
  size_t sent_bytes = 0;
  bool connect_asked = false;
  bool closed = false;
};

LocalMedia Local(bool audio_only) {
  LocalMedia m{{"127.0.0.1", 40000}, {"127.0.0.1", 40001}, std::nullopt, std::nullopt};
  if (!audio_only) {
    m.video_rtp = MediaAddress{"127.0.0.1", 40002};
    m.video_rtcp = MediaAddress{"127.0.0.1", 40003};
  }
  return m;
}

class Events final : public H323CallEvents {
 public:
  Events(bool accept, bool audio_only) : accept_(accept), audio_only_(audio_only) {}
  void Bind(H323Call* call) { call_ = call; }
  void OnCallSetup(const SetupInfo&) override {
    ++setups;
    if (accept_) {
      call_->Accept(Local(audio_only_), now);
    } else {
      call_->Reject({});
    }
  }
  void OnCallEnded(const CallEnd&) override { ++ended; }
  H323Call::Clock::time_point now;
  int setups = 0;
  int ended = 0;

 private:
  bool accept_;
  bool audio_only_;
  H323Call* call_ = nullptr;
};

}  // namespace

bool RunCall(std::span<const uint8_t> input) {
  if (input.empty()) return true;
  const uint8_t flags = input[0];
  input = input.subspan(1);
  const bool outgoing = flags & 1;
  const bool audio_only = flags & 16;
  Transport transport;
  Events events(flags & 8, audio_only);
  H323CallOptions options;
  options.h245.random_seed = flags;
  H323Call call(transport, events, options);
  events.Bind(&call);
  auto now = H323Call::Clock::time_point{} + std::chrono::hours(1);
  events.now = now;
  if (outgoing)
    call.StartOutgoing("room", Local(audio_only), {.fast_start = (flags & 2) != 0, .tunnelling = (flags & 4) != 0},
                       now);

  while (input.size() >= 3) {
    const uint8_t control = input[0];
    const size_t length = std::min<size_t>(size_t{input[1]} << 8 | input[2], input.size() - 3);
    const auto payload = input.subspan(3, length);
    input = input.subspan(3 + length);
    now += std::chrono::milliseconds(250) * (control >> 4);
    events.now = now;
    if (auto due = call.NextTimeout(); due && *due <= now) call.OnTimer(now);
    if (control & 1) {
      call.ReceiveH245(payload, now);
    } else {
      call.ReceiveSignalling(payload, now);
    }
    switch (static_cast<Action>((control >> 1) & 7)) {
      case Action::kNone:
        break;
      case Action::kH245Connected:
        call.OnH245Connected(now);  // connected out, or the peer connected in
        break;
      case Action::kKeyframe:
        call.RequestKeyframe();
        break;
      case Action::kDigit:
        call.SendDigit(static_cast<char>('0' + control % 10));
        break;
      case Action::kFlowControl:
        call.SendFlowControl(64000 * (1 + (control >> 4)));
        break;
      case Action::kHangup:
        call.Hangup({});
        break;
      case Action::kH245Closed:
        call.OnTransportClosed(true);
        break;
      case Action::kClosed:
        call.OnTransportClosed(false);
        break;
    }
    // Invariants: one SETUP event at most, one end at most, and an ended call stays ended.
    if (events.setups > 1 || events.ended > 1) return false;
    if (events.ended && !call.ended()) return false;
  }
  // Every timer the call still has fires without trouble.
  for (int i = 0; i < 8; ++i) {
    auto due = call.NextTimeout();
    if (!due) break;
    now = std::max(now, *due);
    call.OnTimer(now);
  }
  return events.ended <= 1;
}

}  // namespace tessera::signaling::h323::fuzz
