// Room: received packets from the participants' queues into their jitter buffers, RTCP in
// (reports, keyframe requests, NACKs, bandwidth) and out (SR/RR + SDES, NACK, PLI/FIR).
#include "tessera/mcu/conference/room.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtcp_report.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::conference {

namespace {

constexpr size_t kRtcpBufferSize = 1500;

class RtcpHandler final : public rtp::RtcpVisitor {
 public:
  RtcpHandler(Participant& p, bool video, rtp::TimePoint arrival) : p_(p), video_(video), arrival_(arrival) {}

  void OnSenderReport(const rtp::SenderReportView& sr) override {
    if (video_ && p_.video->input) p_.video->input->OnSenderReport(sr.info, arrival_);
    if (!video_ && p_.audio->input) p_.audio->input->OnSenderReport(sr.info, arrival_);
    Blocks(sr.report_blocks);
  }
  void OnReceiverReport(const rtp::ReceiverReportView& rr) override { Blocks(rr.report_blocks); }
  void OnNack(const rtp::FeedbackView& fb, const rtp::NackView& nack) override {
    if (!video_ || !p_.video->link || fb.media_ssrc != p_.video->link->local_ssrc()) return;
    nack.ForEachLost([this](uint16_t sequence_number) {
      ++nacked_total;
      if (nacked_count < nacked.size()) nacked[nacked_count++] = sequence_number;
    });
  }
  void OnPli(const rtp::FeedbackView&) override { Keyframe(); }
  void OnFir(const rtp::FeedbackView&, const rtp::FirView&) override { Keyframe(); }
  void OnRemb(const rtp::FeedbackView&, const rtp::RembView& remb) override {
    if (video_) p_.video->bandwidth.OnEstimate(static_cast<int64_t>(remb.bitrate_bps));
  }
  void OnTmmbr(const rtp::FeedbackView&, const rtp::TmmbItemsView& items) override {
    if (video_ && items.size() > 0) p_.video->bandwidth.OnEstimate(static_cast<int64_t>(items[0].bitrate_bps));
  }

  int keyframe_requests = 0;
  // Sequence numbers NACKed in this compound packet (a burst beyond the array is counted
  // and not resent: the receiver asks again, or for a keyframe).
  std::array<uint16_t, 128> nacked{};
  size_t nacked_count = 0;
  uint64_t nacked_total = 0;

 private:
  void Blocks(const rtp::ReportBlocksView& blocks) {
    RtpLink& link = video_ ? *p_.video->link : *p_.audio->link;
    for (size_t i = 0; i < blocks.size(); ++i) {
      const rtp::ReportBlock block = blocks[i];
      if (block.source_ssrc != link.local_ssrc()) continue;
      link.send_statistics().OnReportBlock(block, rtp::NtpNow());
      if (video_ && p_.video->output)
        p_.video->bandwidth.OnLossReport(block.fraction_lost, p_.video->output->choice().encoder.bitrate_bps, arrival_);
    }
  }
  void Keyframe() {
    if (!video_) return;
    ++p_.video->keyframe_requests;
    ++keyframe_requests;
  }

  Participant& p_;
  bool video_;
  rtp::TimePoint arrival_;
};

}  // namespace

void Room::DrainPackets(bool video, rtp::TimePoint now) {
  if (video) {
    for (auto& p : video_participants_)
      if (p->video && p->video->link) DrainLink(*p, true, now);
  } else {
    for (auto& p : audio_participants_)
      if (p->audio && p->audio->link) DrainLink(*p, false, now);
  }
}

void Room::DrainLink(Participant& p, bool video, rtp::TimePoint now) {
  RtpLink& link = video ? *p.video->link : *p.audio->link;
  PacketQueue& queue = link.queue();
  uint64_t received = 0;
  uint64_t dropped = 0;
  while (PacketQueue::Packet* packet = queue.Front()) {
    if (packet->rtcp) {
      link.rtcp_schedule().OnReceived(packet->size);
      HandleRtcp(p, video, packet->bytes(), packet->arrival);
      queue.Pop();
      continue;
    }
    auto parsed = rtp::ParseRtp(packet->bytes());
    if (!parsed) {
      ++dropped;
    } else if (video) {
      if (p.video->input && parsed->payload_type == p.video->input->payload_type()) {
        p.video->input->OnRtp(*parsed, packet->arrival);
        ++received;
      } else {
        ++dropped;
      }
    } else if (p.audio->input) {
      AudioInput& in = *p.audio->input;
      if (parsed->payload_type == in.payload_type()) {
        in.OnRtp(*parsed, packet->arrival);
        ++received;
      } else if (in.telephone_event_payload_type() && parsed->payload_type == *in.telephone_event_payload_type()) {
        if (const std::optional<char> digit = in.OnTelephoneEvent(*parsed)) p.digits.Push(*digit);
        ++received;
      } else {
        ++dropped;
      }
    } else {
      ++dropped;
    }
    queue.Pop();
  }
  (void)now;
  if (received) counters_.rtp_packets_received.fetch_add(received, std::memory_order_relaxed);
  if (received && !video) counters_.audio_packets_received.fetch_add(received, std::memory_order_relaxed);
  if (dropped) counters_.packets_dropped.fetch_add(dropped, std::memory_order_relaxed);
}

void Room::HandleRtcp(Participant& p, bool video, std::span<const uint8_t> rtcp, rtp::TimePoint arrival) {
  RtcpHandler handler(p, video, arrival);
  const rtp::RtcpCompoundResult result = rtp::ParseRtcpCompound(rtcp, handler);
  if (result.error) counters_.packets_dropped.fetch_add(1, std::memory_order_relaxed);
  if (handler.keyframe_requests > 0 && p.video->output) p.video->output->keyframes().Request();
  if (handler.nacked_total > 0) {
    p.video->nacks_received += handler.nacked_total;
    for (size_t i = 0; i < handler.nacked_count; ++i)
      Resend(p, handler.nacked[i], arrival);
  }
}

void Room::Resend(Participant& p, uint16_t sequence_number, rtp::TimePoint now) {
  // Older than this, the receiver's jitter buffer has given up on it.
  constexpr auto kMaxAge = std::chrono::milliseconds(1000);
  // Duplicate NACKs within a round trip (at least this) cost one resend.
  constexpr auto kMinInterval = std::chrono::microseconds(10000);
  VideoLeg& leg = *p.video;
  if (!leg.sent || !leg.link || !leg.output) return;
  SentSequenceMap::Entry* entry = leg.sent->Find(sequence_number);
  // Sent from another output (before a rung change): not held here.
  if (!entry || entry->output_serial != leg.output->serial()) return;
  const std::optional<OutputPacketHistory::Packet> packet = leg.output->history().Get(entry->packet_number);
  if (!packet || now - packet->sent > kMaxAge) return;
  const auto interval = std::max(leg.link->send_statistics().rtt().value_or(kMinInterval), kMinInterval);
  if (entry->last_resent && now - *entry->last_resent < interval) return;
  entry->last_resent = now;
  rtp::RtpHeader header;
  header.payload_type = static_cast<uint8_t>(leg.payload_type);
  header.marker = packet->marker;
  header.sequence_number = sequence_number;
  header.timestamp = entry->timestamp;
  header.ssrc = leg.link->local_ssrc();
  const size_t header_size = rtp::WriteRtpHeader(header, video_send_buffer_);
  std::memcpy(video_send_buffer_.data() + header_size, packet->payload.data(), packet->payload.size());
  if (leg.link->SendRtp(video_send_buffer_, header_size + packet->payload.size())) {
    ++leg.packets_resent;
    counters_.rtp_packets_resent.fetch_add(1, std::memory_order_relaxed);
  }
}

void Room::SendReports(bool video, rtp::TimePoint now) {
  if (video) {
    for (auto& p : video_participants_)
      if (p->video && p->video->link) SendReport(*p, true, now);
  } else {
    for (auto& p : audio_participants_)
      if (p->audio && p->audio->link) SendReport(*p, false, now);
  }
}

void Room::SendReport(Participant& p, bool video, rtp::TimePoint now) {
  RtpLink& link = video ? *p.video->link : *p.audio->link;
  std::array<uint8_t, kRtcpBufferSize + rtp::SrtpSession::kMaxTrailer> buffer;
  rtp::RtcpBuilder builder(std::span<uint8_t>(buffer.data(), kRtcpBufferSize));
  // Feedback (NACK, PLI/FIR) goes at once; the regular report on its RFC 3550 schedule.
  bool feedback = false;
  if (video && p.video->input) {
    const auto& sent = p.video->input->stream().stats();
    const uint64_t before = sent.pli_sent + sent.fir_sent;
    feedback = p.video->input->AppendFeedback(now, builder);
    if (sent.pli_sent + sent.fir_sent != before) p.keyframes_asked->fetch_add(1, std::memory_order_relaxed);
  }
  const bool regular = link.rtcp_schedule().IsRegularDue(now);
  if (!regular && !feedback) return;
  if (regular || feedback) {
    // A compound packet must start with SR/RR (RFC 3550 §6.1): build the report, then
    // append the feedback after it.
    std::array<uint8_t, kRtcpBufferSize> feedback_bytes;
    const size_t feedback_size = builder.size();
    std::copy(builder.data().begin(), builder.data().end(), feedback_bytes.begin());
    builder.Clear();
    rtp::ReportBlock block;
    bool have_block = false;
    if (video && p.video->input && p.video->input->has_packets()) {
      block = p.video->input->MakeReportBlock(now);
      have_block = true;
    } else if (!video && p.audio->input && p.audio->input->has_packets()) {
      block = p.audio->input->MakeReportBlock(now);
      have_block = true;
    }
    rtp::RtcpReportContent content;
    content.local_ssrc = link.local_ssrc();
    content.cname = link.cname();
    content.sender = &link.send_statistics();
    content.blocks = have_block ? std::span<const rtp::ReportBlock>(&block, 1) : std::span<const rtp::ReportBlock>();
    if (!rtp::BuildRtcpReport(content, rtp::NtpNow(), now, builder)) return;
    if (feedback_size > 0) builder.AddRaw(std::span<const uint8_t>(feedback_bytes.data(), feedback_size));
  }
  const size_t size = builder.size();
  if (regular) link.rtcp_schedule().OnRegularSent(now, size);
  else link.rtcp_schedule().OnEarlySent(now, size);
  link.SendRtcp(buffer, size);
}

}  // namespace tessera::mcu::conference
