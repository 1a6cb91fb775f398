// The H.245 control protocol state machine (H245Session) fed PDUs as a peer could send them
// on any transport, with time passing and the local side acting in between. Whatever
// arrives — undecodable bytes, messages in the wrong state, acks for unknown channels —
// the session never crashes, over-reads or grows without bound, and everything it sends
// encodes as aligned PER.
//
// Input: one flags octet, then records [control][length: 2 octets, big endian][PDU].
//   flags   bit 0 start (TerminalCapabilitySet + master/slave determination) first,
//           bit 1 open an audio channel once capabilities are in, bit 2 a video channel,
//           bit 3 refuse the peer's channels
//   control bits 0-3 time passing, in 500 ms steps; bits 4-6 a local action after the PDU
//           (1 fast update, 2 flow control, 3 user input, 4 round trip, 5 close our first
//           channel, 6 end session, 7 start)
// Seeds (tests/fuzz/corpus/h245_session/): the reference captures' H.245 PDUs of each
// call, in order (make_call_seeds.py).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/h245_session.h"

namespace h323 = tessera::signaling::h323;

namespace {

class Listener final : public h323::H245Session::Listener {
 public:
  explicit Listener(bool refuse) : refuse_(refuse) {}
  void SendH245(const tessera::signaling::h245::MultimediaSystemControlMessage& message) override {
    // What the session sends must encode (and decode back: the peer has to read it).
    auto bytes = tessera::signaling::asn1::EncodePer(message);
    if (!bytes) __builtin_trap();
    auto back = tessera::signaling::asn1::DecodePer<tessera::signaling::h245::MultimediaSystemControlMessage>(*bytes);
    if (!back || !(*back == message)) __builtin_trap();
    ++sent;
  }
  void OnH245Capabilities(const h323::RemoteCapabilities& caps) override { capabilities = caps; }
  std::optional<h323::ChannelAnswer> OnH245ChannelOffered(const h323::IncomingChannel&) override {
    if (refuse_) return std::nullopt;
    return h323::ChannelAnswer{{"127.0.0.1", 40000}, {"127.0.0.1", 40001}};
  }
  std::optional<h323::RemoteCapabilities> capabilities;
  uint64_t sent = 0;

 private:
  bool refuse_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::span<const uint8_t> input(data, size);
  const uint8_t flags = input[0];
  input = input.subspan(1);
  Listener listener(flags & 8);
  h323::H245Options options;
  options.random_seed = flags;
  h323::H245Session session(listener, options);
  auto now = h323::H245Session::Clock::time_point{} + std::chrono::hours(1);
  if (flags & 1) session.Start(now);
  std::optional<uint16_t> first_channel;
  bool opened = false;
  while (input.size() >= 3) {
    const uint8_t control = input[0];
    const size_t length = std::min<size_t>(size_t{input[1]} << 8 | input[2], input.size() - 3);
    const auto pdu = input.subspan(3, length);
    input = input.subspan(3 + length);
    now += std::chrono::milliseconds(500) * (control & 15);
    if (auto due = session.NextTimeout(); due && *due <= now) session.OnTimer(now);
    session.Receive(pdu, now);
    if (!opened && listener.capabilities && (flags & 6)) {
      opened = true;
      if ((flags & 2) && !listener.capabilities->audio.empty())
        first_channel = session.OpenChannel({.kind = tessera::mcu::MediaKind::kAudio,
                                             .format = listener.capabilities->audio.front(),
                                             .payload_type = 0,
                                             .local_rtcp = {"127.0.0.1", 40001}},
                                            now);
      if ((flags & 4) && !listener.capabilities->video.empty()) {
        auto video = session.OpenChannel({.kind = tessera::mcu::MediaKind::kVideo,
                                          .format = listener.capabilities->video.front(),
                                          .payload_type = 109,
                                          .local_rtcp = {"127.0.0.1", 40003}},
                                         now);
        if (!first_channel) first_channel = video;
      }
    }
    switch ((control >> 4) & 7) {
      case 1:
        session.SendFastUpdate(2);
        break;
      case 2:
        session.SendFlowControl(2, 128000);
        break;
      case 3:
        session.SendUserInput(static_cast<char>('0' + control % 10), control & 128);
        break;
      case 4:
        session.SendRoundTripDelay(now);
        break;
      case 5:
        if (first_channel) session.CloseChannel(*first_channel, now);
        break;
      case 6:
        session.EndSession();
        break;
      case 7:
        session.Start(now);
        break;
      default:
        break;
    }
  }
  for (int i = 0; i < 8; ++i) {
    auto due = session.NextTimeout();
    if (!due) break;
    now = std::max(now, *due);
    session.OnTimer(now);
  }
  return 0;
}
