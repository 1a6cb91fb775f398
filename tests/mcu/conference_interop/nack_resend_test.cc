// A receiver that NACKs (RFC 4585 generic NACK, as our SDP offers) gets the packets it
// asks for again: same sequence number, timestamp, marker and payload as the first time,
// taken from the output's history, which all receivers of the output share. A NACK for a
// packet that was never sent is counted and answered with nothing.
//
// The receiver is a plain UDP socket in the test: it receives the room's real video (a
// demo participant's moving picture, encoded by the room), pretends some packets were lost
// and sends a real RTCP NACK to the room's RTCP port. A second test uses a real client
// that NACKs: GStreamer's rtpbin with retransmission on, behind a relay that loses 5 %.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <vector>

#include "conference_harness.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/testing/subprocess.h"

namespace tessera::mcu::conference::testing {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

class UdpSocket {
 public:
  explicit UdpSocket(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~UdpSocket() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return ok_; }
  // One datagram, or empty once `timeout` passes.
  Bytes Receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
    Bytes b(2048);
    const ssize_t n = recv(fd_, b.data(), b.size(), 0);
    b.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return b;
  }
  void SendTo(uint16_t port, std::span<const uint8_t> bytes) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

// A participant that only receives H.264 at 127.0.0.1:`port` and negotiated NACK and PLI.
ParticipantRequest NackingReceiver(const std::string& name, uint16_t port) {
  ParticipantRequest request;
  request.display_name = name;
  request.remote = name;
  MediaStreamRequest video = H264Stream(port, false, true);
  video.nack = true;
  video.pli = true;
  request.streams.push_back(video);
  return request;
}

// Where the room receives RTCP for a stream.
uint16_t RtcpPort(const MediaStreamResult& stream) {
  return stream.local_rtcp_port ? stream.local_rtcp_port : static_cast<uint16_t>(stream.local_rtp_port + 1);
}

TEST(NackResend, ANackedPacketComesBackAsItWasFirstSent) {
  ConferenceHarness h(1);  // a demo participant: a moving picture to encode
  const uint16_t rtp_port = FreeEvenPort();
  UdpSocket rtp(rtp_port), rtcp(static_cast<uint16_t>(rtp_port + 1));
  ASSERT_TRUE(rtp.ok() && rtcp.ok());

  auto added = h.manager().AddParticipant("r1", NackingReceiver("nacker", rtp_port));
  ASSERT_TRUE(added) << added.error().message;
  const MediaStreamResult& ours = added->streams.at(0);
  const uint16_t room_rtcp = RtcpPort(ours);

  // Two seconds of the room's video, by sequence number.
  std::map<uint16_t, Bytes> first_time;
  std::vector<uint16_t> order;  // as they came (sequence numbers may wrap)
  uint32_t ssrc = 0;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    Bytes b = rtp.Receive(100ms);
    auto parsed = rtp::ParseRtp(b);
    if (!parsed) continue;
    ssrc = parsed->ssrc;
    order.push_back(parsed->sequence_number);
    first_time.emplace(parsed->sequence_number, std::move(b));
  }
  ASSERT_GT(first_time.size(), 20u) << "the room's video did not arrive";
  EXPECT_EQ(ssrc, ours.local_ssrc);

  // "Lost": three recent packets (a receiver asks within its jitter buffer's reach, and
  // the room keeps packets for a second). Never sent: one far ahead.
  const size_t n = order.size();
  const std::vector<uint16_t> asked = {order[n - 12], order[n - 10], order[n - 9]};
  const uint16_t never_sent = static_cast<uint16_t>(order.back() + 30000);
  std::vector<uint16_t> nack = asked;
  nack.push_back(never_sent);
  std::array<uint8_t, 256> buffer;
  rtp::RtcpBuilder builder(buffer);
  ASSERT_TRUE(builder.AddReceiverReport(0x4E41434B));
  ASSERT_TRUE(builder.AddSdesCname(0x4E41434B, "nacker@test"));
  ASSERT_TRUE(builder.AddNack(0x4E41434B, ssrc, nack));
  rtcp.SendTo(room_rtcp, builder.data());

  // The resent packets arrive among the new ones, byte for byte as before.
  std::map<uint16_t, Bytes> again;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (again.size() < asked.size() && std::chrono::steady_clock::now() < deadline) {
    Bytes b = rtp.Receive(100ms);
    auto parsed = rtp::ParseRtp(b);
    if (!parsed) continue;
    for (uint16_t s : asked)
      if (parsed->sequence_number == s) again[s] = std::move(b);
  }
  for (uint16_t s : asked) {
    ASSERT_TRUE(again.contains(s)) << "sequence number " << s << " was not resent";
    EXPECT_EQ(again[s], first_time[s]) << "sequence number " << s << " came back different";
  }

  // The participant's statistics count four asked, three resent.
  const auto deadline2 = std::chrono::steady_clock::now() + 5s;
  MediaStats stats;
  do {
    auto list = h.manager().ListParticipants("r1");
    ASSERT_TRUE(list);
    for (const ParticipantInfo& p : *list)
      if (p.id == added->participant_id) stats = p.video;
    if (stats.nack_received >= 4) break;
    std::this_thread::sleep_for(50ms);  // polling a counter against a deadline
  } while (std::chrono::steady_clock::now() < deadline2);
  EXPECT_EQ(stats.nack_received, 4u);
  EXPECT_EQ(stats.packets_resent, 3u);
  EXPECT_EQ(h.room().counters().rtp_packets_resent.load(), 3u);
}

// The participant's video statistics, polled (bounded) until `done` holds for them.
MediaStats WaitForVideoStats(ConferenceHarness& h, const std::string& id,
                             const std::function<bool(const MediaStats&)>& done, std::chrono::seconds timeout) {
  MediaStats stats;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    if (auto list = h.manager().ListParticipants("r1"))
      for (const ParticipantInfo& p : *list)
        if (p.id == id) stats = p.video;
    if (done(stats)) break;
    std::this_thread::sleep_for(100ms);  // polling counters against a deadline
  } while (std::chrono::steady_clock::now() < deadline);
  return stats;
}

TEST(NackResend, GstreamersRtpbinNacksWhatTheRelayLostAndTheRoomResendsIt) {
  ConferenceHarness h(1);
  const uint16_t gst_port = FreeEvenPort();
  tessera::testing::relay::UdpRelay::Config c;
  c.forward_port = gst_port;
  c.forward.loss = 0.05;
  c.forward.seed = 11;
  std::string error;
  auto relay = tessera::testing::relay::UdpRelay::Start(c, &error);
  ASSERT_TRUE(relay) << error;

  auto added = h.manager().AddParticipant("r1", NackingReceiver("gstreamer", relay->port()));
  ASSERT_TRUE(added) << added.error().message;
  const MediaStreamResult& ours = added->streams.at(0);
  const uint16_t room_rtcp = RtcpPort(ours);

  // rtpbin with the AVPF profile and retransmission: its jitter buffer asks for what is
  // missing, and its session sends that as RTCP generic NACK to the room.
  auto gst = tessera::testing::Subprocess::Start(
      {"gst-launch-1.0",
       "-q",
       "rtpbin",
       "name=b",
       "rtp-profile=avpf",
       "do-retransmission=true",
       "latency=300",
       "udpsrc",
       "port=" + std::to_string(gst_port),
       "caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96,rtcp-fb-nack=(boolean)true",
       "!",
       "b.recv_rtp_sink_0",
       "b.",
       "!",
       "rtph264depay",
       "!",
       "fakesink",
       "udpsrc",
       "port=" + std::to_string(gst_port + 1),
       "!",
       "b.recv_rtcp_sink_0",
       "b.send_rtcp_src_0",
       "!",
       "udpsink",
       "host=127.0.0.1",
       "port=" + std::to_string(room_rtcp),
       "sync=false",
       "async=false"});
  ASSERT_TRUE(gst) << "gst-launch-1.0 is needed (scripts/setup installs gstreamer1.0-tools)";

  const MediaStats stats = WaitForVideoStats(
      h, added->participant_id, [](const MediaStats& s) { return s.packets_resent >= 5; }, 30s);
  const auto relayed = relay->stats();
  RecordProperty("lost_nacked_resent", std::to_string(relayed.forward_impairment.lost_random) + "/" +
                                           std::to_string(stats.nack_received) + "/" +
                                           std::to_string(stats.packets_resent));
  EXPECT_GT(relayed.forward_impairment.lost_random, 0u);
  EXPECT_GE(stats.packets_resent, 5u) << "GStreamer asked for " << stats.nack_received << "; its output:\n"
                                      << gst->output();
  EXPECT_LE(stats.packets_resent, stats.nack_received);
  EXPECT_TRUE(gst->running()) << gst->output();
}

}  // namespace
}  // namespace tessera::mcu::conference::testing
