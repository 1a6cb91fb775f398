// A video stream through the impairment relay (10 % loss, 50 ms jitter, reordering,
// duplicates) into Tessera's receive path: real UDP sockets, RtpTransport with symmetric
// latching, the router, VideoReceiveStream, RTCP feedback back through the relay to a
// sender that answers NACKs from its send history and PLIs with a keyframe.
//
// The sender packetizes synthetic H.264 access units with Tessera's packetizer; the
// receiver depacketizes what the jitter buffer hands out and every frame must equal, byte
// for byte, what was sent with that timestamp.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/rtp_router.h"
#include "tessera/mcu/rtp/rtp_send_history.h"
#include "tessera/mcu/rtp/video_receive_stream.h"
#include "tessera/mcu/transport/rtp_transport.h"
#include "tessera/testing/ports.h"
#include "udp_relay.h"

namespace tessera::mcu {
namespace {

using namespace std::chrono_literals;
using rtp::Clock;
using rtp::TimePoint;
using transport::Endpoint;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kSenderSsrc = 0x5E4D0001;
constexpr uint32_t kReceiverSsrc = 0x7E5500AA;
constexpr uint8_t kPayloadType = 96;
constexpr int kFps = 30;
constexpr int kKeyframeInterval = 60;

// Synthetic access units: SPS+PPS+IDR (about 12 KB) or one P slice (about 3 KB), with
// bytes that never form a start code. Slices differ in every frame; the parameter sets stay
// the same, as an encoder's do.
Bytes MakeAccessUnit(uint32_t frame, bool key) {
  Bytes au;
  auto nal = [&](uint8_t header, size_t size) {
    au.insert(au.end(), {0, 0, 0, 1, header});
    const bool slice = header == 0x65 || header == 0x41;
    if (slice) au.push_back(0x88);  // first_mb_in_slice = 0
    const uint32_t seed = slice ? frame * 31 : header;
    for (size_t i = 0; i < size; ++i)
      au.push_back(static_cast<uint8_t>(0x10 + (seed + i * 7) % 200));
  };
  if (key) {
    nal(0x67, 20);
    nal(0x68, 6);
    nal(0x65, 12000);
  } else {
    nal(0x41, 2500 + (frame % 5) * 300);
  }
  return au;
}

// The far end: sends 30 fps through the relay, answers NACK and PLI, counts what it got.
class Sender {
 public:
  struct Result {
    std::map<uint32_t, Bytes> sent;  // timestamp -> access unit
    int nacks = 0;                   // NACK messages
    int resent = 0;
    int plis = 0;
    TimePoint first_nack{}, first_pli{};
    std::vector<uint32_t> keyframes_after_pli;  // timestamps
    int32_t max_cumulative_lost = 0;
    int max_fraction_lost = 0;
    int receiver_reports = 0;
  };

  Sender(uint16_t relay_port, bool answer_nacks, int frames) : answer_nacks_(answer_nacks), frames_(frames) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    relay_.sin_family = AF_INET;
    relay_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    relay_.sin_port = htons(relay_port);
  }
  ~Sender() {
    Stop();
    close(fd_);
  }
  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool done_sending() const { return done_sending_; }
  Result result() {
    std::lock_guard<std::mutex> lock(mutex_);
    return result_;
  }

 private:
  void Send(std::span<const uint8_t> packet) {
    sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&relay_), sizeof(relay_));
  }

  void SendFrame(uint32_t frame, bool key) {
    const uint32_t ts = 9000 + frame * (90000 / kFps);
    const Bytes au = MakeAccessUnit(frame, key);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      result_.sent[ts] = au;
      if (key && pli_seen_) result_.keyframes_after_pli.push_back(ts);
    }
    arena_.Clear();
    ASSERT_TRUE(packetizer_.Packetize(au, arena_));
    for (size_t i = 0; i < arena_.size(); ++i) {
      Bytes packet(12 + arena_.payload(i).size());
      rtp::WriteRtpHeader({.payload_type = kPayloadType,
                           .marker = arena_.marker(i),
                           .sequence_number = sequence_++,
                           .timestamp = ts,
                           .ssrc = kSenderSsrc},
                          packet);
      std::copy(arena_.payload(i).begin(), arena_.payload(i).end(), packet.begin() + 12);
      history_.Store(packet, Clock::now());
      Send(packet);
      ++packets_sent_;
    }
  }

  void SendSenderReport() {
    std::array<uint8_t, 200> buf{};
    rtp::RtcpBuilder b(buf);
    rtp::SenderInfo info;
    info.ntp = rtp::NtpNow();
    info.packet_count = packets_sent_;
    b.AddSenderReport(kSenderSsrc, info);
    b.AddSdesCname(kSenderSsrc, "sender@test");
    Send(b.data());
  }

  struct Feedback : rtp::RtcpVisitor {
    Sender* s;
    explicit Feedback(Sender* sender) : s(sender) {}
    void OnNack(const rtp::FeedbackView&, const rtp::NackView& nack) override {
      const TimePoint now = Clock::now();
      {
        std::lock_guard<std::mutex> lock(s->mutex_);
        if (s->result_.nacks++ == 0) s->result_.first_nack = now;
      }
      if (!s->answer_nacks_) return;
      nack.ForEachLost([&](uint16_t seq) {
        if (auto p = s->history_.GetForResend(seq, now, 10ms)) {
          s->Send(*p);
          std::lock_guard<std::mutex> lock(s->mutex_);
          ++s->result_.resent;
        }
      });
    }
    void OnPli(const rtp::FeedbackView&) override {
      std::lock_guard<std::mutex> lock(s->mutex_);
      if (s->result_.plis++ == 0) s->result_.first_pli = Clock::now();
      s->pli_seen_ = true;
      s->keyframe_pending_ = true;
    }
    void OnReceiverReport(const rtp::ReceiverReportView& rr) override {
      std::lock_guard<std::mutex> lock(s->mutex_);
      for (size_t i = 0; i < rr.report_blocks.size(); ++i) {
        ++s->result_.receiver_reports;
        s->result_.max_cumulative_lost = std::max(s->result_.max_cumulative_lost, rr.report_blocks[i].cumulative_lost);
        s->result_.max_fraction_lost = std::max<int>(s->result_.max_fraction_lost, rr.report_blocks[i].fraction_lost);
      }
    }
  };

  void Run() {
    const TimePoint start = Clock::now();
    TimePoint next_report = start;
    Bytes buffer(2048);
    for (int frame = 0; !stop_;) {
      const TimePoint due = start + frame * std::chrono::microseconds(1'000'000 / kFps);
      if (frame < frames_ && Clock::now() >= due) {
        const bool key = frame % kKeyframeInterval == 0 || keyframe_pending_.exchange(false);
        SendFrame(static_cast<uint32_t>(frame), key);
        ++frame;
        if (frame == frames_) done_sending_ = true;
      }
      if (Clock::now() >= next_report) {
        SendSenderReport();
        next_report += 500ms;
      }
      // Feedback until the next frame is due (a bounded poll, not a sleep).
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          (frame < frames_ ? start + frame * std::chrono::microseconds(1'000'000 / kFps) : Clock::now() + 20ms) -
          Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::max<int64_t>(0, wait.count()))) != 1) continue;
      const ssize_t n = recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n <= 0) continue;
      Feedback f(this);
      rtp::ParseRtcpCompound(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)), f);
    }
  }

  bool answer_nacks_;
  int frames_;
  int fd_ = -1;
  sockaddr_in relay_{};
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_sending_{false};
  std::atomic<bool> keyframe_pending_{false};
  bool pli_seen_ = false;  // guarded by mutex_
  uint16_t sequence_ = 1000;
  uint32_t packets_sent_ = 0;
  codecs::payload::H264Packetizer packetizer_{{.max_payload_size = 1100}};
  codecs::payload::PayloadArena arena_{64, 1100};
  rtp::RtpSendHistory history_{{.capacity = 2048}};
  std::mutex mutex_;
  Result result_;
};

// Tessera's side: transport -> router -> VideoReceiveStream, feedback every 5 ms.
class Receiver : public transport::RtpTransport::Listener {
 public:
  struct Frame {
    uint32_t timestamp;
    bool keyframe;
    Bytes access_unit;
    TimePoint at;
  };

  explicit Receiver(boost::asio::io_context& io, transport::PortAllocator& ports)
      : io_(io), timer_(io), stream_({.local_ssrc = kReceiverSsrc}) {
    auto t = transport::RtpTransport::Create(io, ports, {.id = 1, .rtcp_mux = true}, this);
    EXPECT_TRUE(t) << t.error();
    transport_ = std::move(*t);
    router_.AddPayloadType(transport_->id(), kPayloadType, 0);
  }
  void Start() {
    transport_->Start();
    Tick();
  }
  void Stop() {
    timer_.cancel();
    transport_->Close();
  }
  uint16_t port() const { return transport_->rtp_port(); }
  uint32_t last_delivered() const { return last_delivered_; }
  const std::vector<Frame>& frames() const { return frames_; }
  const rtp::VideoReceiveStream& stream() const { return stream_; }
  int depacketize_errors() const { return depacketize_errors_; }

  bool OnRtp(transport::RtpTransport& t, std::span<uint8_t> data, const Endpoint&, TimePoint now) override {
    auto packet = rtp::ParseRtp(data);
    if (!packet) return false;
    auto route = router_.Route(t.id(), packet->ssrc, packet->payload_type, now, drops_);
    if (!route) return false;
    if (route->new_ssrc && stream_.stats().packets > 0) stream_.OnSsrcChanged();
    stream_.OnRtpPacket(*packet, now);
    return true;
  }
  bool OnRtcp(transport::RtpTransport&, std::span<uint8_t> data, const Endpoint&, TimePoint now) override {
    struct Reports : rtp::RtcpVisitor {
      rtp::VideoReceiveStream* stream;
      TimePoint now;
      void OnSenderReport(const rtp::SenderReportView& sr) override { stream->OnSenderReport(sr.info, now); }
    } v;
    v.stream = &stream_;
    v.now = now;
    return rtp::ParseRtcpCompound(data, v).ok();
  }

 private:
  void Tick() {
    const TimePoint now = Clock::now();
    while (auto frame = stream_.PopFrame(now)) {
      Bytes au(1 << 20);
      auto r = codecs::payload::DepacketizeH264(frame->payloads, au, &parameter_sets_);
      if (!r) {
        ++depacketize_errors_;
        continue;
      }
      au.resize(r->size);
      frames_.push_back({frame->rtp_timestamp, frame->keyframe, std::move(au), now});
      last_delivered_ = frame->rtp_timestamp;
    }
    // AVPF: feedback goes out at once, in a compound behind an RR; without feedback, a
    // regular RR every 250 ms. The report block starts a new loss interval, so it is made
    // only for a report that is sent.
    std::array<uint8_t, 1000> feedback_buf{};
    rtp::RtcpBuilder feedback(feedback_buf);
    const bool has_feedback = stream_.AppendFeedback(now, feedback);
    if (has_feedback || now >= next_regular_) {
      std::array<uint8_t, 1500> buf{};
      rtp::RtcpBuilder rtcp(buf);
      const std::array<rtp::ReportBlock, 1> block = {stream_.MakeReportBlock(now)};
      rtcp.AddReceiverReport(kReceiverSsrc, block);
      rtcp.AddSdesCname(kReceiverSsrc, "tessera@test");
      rtcp.AddRaw(feedback.data());
      transport_->SendRtcp(rtcp.data());
      if (!has_feedback) next_regular_ = now + 250ms;
    }
    timer_.expires_after(5ms);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) Tick();
    });
  }

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  std::unique_ptr<transport::RtpTransport> transport_;
  rtp::RtpRouter router_;
  rtp::DropCounters drops_;
  rtp::VideoReceiveStream stream_;
  codecs::payload::H264ParameterSets parameter_sets_;
  std::vector<Frame> frames_;
  int depacketize_errors_ = 0;
  std::atomic<uint32_t> last_delivered_{0};
  TimePoint next_regular_{};
};

struct RelayRun {
  Sender::Result sent;
  std::vector<Receiver::Frame> frames;
  rtp::NackStats nack;
  rtp::VideoJitterBufferStats jitter;
  rtp::VideoReceiveStreamStats stream;
  int depacketize_errors = 0;
  testing::relay::RelayStats relay;
};

// Runs `frames` frames through a relay impairing the media direction; returns what both
// ends saw. Waits for the sender to finish, then at most 1.5 s for the last frame.
RelayRun RunThroughRelay(const testing::relay::ImpairmentConfig& impairment, bool answer_nacks, int frames) {
  boost::asio::io_context io;
  const uint16_t start = static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1u);
  transport::PortAllocator ports("127.0.0.1", start, static_cast<uint16_t>(start + 99));
  Receiver receiver(io, ports);
  testing::relay::UdpRelay::Config relay_config;
  relay_config.forward_port = receiver.port();
  relay_config.forward = impairment;
  std::string error;
  auto relay = testing::relay::UdpRelay::Start(relay_config, &error);
  EXPECT_TRUE(relay) << error;
  RelayRun run;
  if (!relay) return run;
  Sender sender(relay->port(), answer_nacks, frames);
  receiver.Start();
  std::thread network([&] { io.run(); });
  sender.Start();
  const uint32_t last_ts = 9000 + static_cast<uint32_t>(frames - 1) * (90000 / kFps);
  const TimePoint deadline = Clock::now() + std::chrono::seconds(frames / kFps + 10);
  std::optional<TimePoint> sent_all;
  // Until the last frame is delivered, or 1.5 s after the sender finished (the last frames
  // may have been lost for good), bounded by `deadline`; progress is checked every 10 ms.
  while (Clock::now() < deadline && receiver.last_delivered() != last_ts) {
    if (sender.done_sending()) {
      if (!sent_all) sent_all = Clock::now();
      if (Clock::now() > *sent_all + 1500ms) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  sender.Stop();
  boost::asio::post(io, [&] {
    receiver.Stop();
    io.stop();
  });
  network.join();
  run.sent = sender.result();
  run.frames = receiver.frames();
  run.nack = receiver.stream().nack().stats();
  run.jitter = receiver.stream().jitter_buffer().stats();
  run.stream = receiver.stream().stats();
  run.depacketize_errors = receiver.depacketize_errors();
  run.relay = relay->stats();
  return run;
}

testing::relay::ImpairmentConfig BadNetwork(uint64_t seed) {
  testing::relay::ImpairmentConfig c;
  c.loss = 0.10;
  c.jitter = 50ms;
  c.reorder = 0.05;
  c.duplicate = 0.05;
  c.seed = seed;
  return c;
}

// One line per run in the test log, for the record.
void PrintSummary(const RelayRun& run, int frames) {
  std::printf(
      "frames sent %d delivered %zu; relay lost %llu duplicated %llu; NACK messages %d, packets resent %d, "
      "recovered %llu, gave up %llu; PLI %d; skips %llu; max RR cumulative lost %d fraction %d/256\n",
      frames, run.frames.size(), static_cast<unsigned long long>(run.relay.forward_impairment.lost_random),
      static_cast<unsigned long long>(run.relay.forward_impairment.duplicated), run.sent.nacks, run.sent.resent,
      static_cast<unsigned long long>(run.nack.recovered), static_cast<unsigned long long>(run.nack.gave_up),
      run.sent.plis, static_cast<unsigned long long>(run.jitter.skips), run.sent.max_cumulative_lost,
      run.sent.max_fraction_lost);
}

void ExpectCompleteOrderedFrames(const RelayRun& run) {
  ASSERT_FALSE(run.frames.empty());
  EXPECT_EQ(run.depacketize_errors, 0);
  for (size_t i = 0; i < run.frames.size(); ++i) {
    const auto& f = run.frames[i];
    if (i > 0) {
      EXPECT_GT(f.timestamp, run.frames[i - 1].timestamp) << "frame " << i << " out of order";
    }
    const auto sent = run.sent.sent.find(f.timestamp);
    ASSERT_NE(sent, run.sent.sent.end()) << "a frame that was never sent";
    EXPECT_EQ(f.access_unit, sent->second) << "frame " << f.timestamp << " differs from what was sent";
  }
}

TEST(VideoRepairBehindRelay, DeliversCompleteOrderedFramesReportsLossAndRepairsItWithNack) {
  const int frames = 90;
  const RelayRun run = RunThroughRelay(BadNetwork(7), /*answer_nacks=*/true, frames);
  PrintSummary(run, frames);
  ExpectCompleteOrderedFrames(run);
  // The relay really impaired the stream.
  EXPECT_GT(run.relay.forward_impairment.lost_random, 30u);
  EXPECT_GT(run.relay.forward_impairment.duplicated, 10u);
  // NACK repaired most of it: nearly every frame arrives.
  EXPECT_GE(run.frames.size(), static_cast<size_t>(frames * 0.85)) << "delivered " << run.frames.size();
  EXPECT_GT(run.stream.nack_packets_sent, 5u);
  EXPECT_GT(run.sent.nacks, 5);
  EXPECT_GT(run.sent.resent, 20);
  EXPECT_GT(run.nack.recovered, 20u);
  // Retries stay bounded (NackConfig::max_retries per missing packet).
  EXPECT_LE(run.nack.requested, 10 * (run.nack.recovered + run.nack.gave_up + 64));
  // The loss was reported to the sender in RTCP receiver reports. (Duplicates count as
  // received per RFC 3550 A.3, so the cumulative count is the loss minus the duplicates.)
  EXPECT_GT(run.sent.receiver_reports, 5);
  EXPECT_GT(run.sent.max_cumulative_lost, 0);
  EXPECT_GT(run.sent.max_fraction_lost, 0);
  EXPECT_GT(run.jitter.drops[rtp::DropReason::kDuplicate], 0u);
}

TEST(VideoRepairBehindRelay, AsksWithNacksFirstAndThenWithAPliWhenTheGapCannotBeRepaired) {
  // The sender ignores NACKs: every loss becomes unrepairable.
  const RelayRun run = RunThroughRelay(BadNetwork(11), /*answer_nacks=*/false, 60);
  PrintSummary(run, 60);
  ExpectCompleteOrderedFrames(run);
  ASSERT_GT(run.sent.nacks, 0);
  ASSERT_GT(run.sent.plis, 0);
  EXPECT_LT(run.sent.first_nack, run.sent.first_pli);
  EXPECT_EQ(run.sent.resent, 0);
  EXPECT_GT(run.jitter.skips, 0u);
  // PLIs are rate-limited (one per 300 ms at most) ...
  EXPECT_LE(run.sent.plis, 2 * 60 / kFps * 1000 / 300 + 2);
  // ... and answered: a keyframe sent after a PLI was delivered and decoding resumed.
  ASSERT_FALSE(run.sent.keyframes_after_pli.empty());
  bool recovered = false;
  for (const auto& f : run.frames) {
    for (uint32_t ts : run.sent.keyframes_after_pli)
      recovered = recovered || (f.keyframe && f.timestamp == ts);
  }
  EXPECT_TRUE(recovered);
}

}  // namespace
}  // namespace tessera::mcu
