// Any datagram given to the RTCP compound parser: every item it reports lies within the
// input, every field can be read, and nothing reads past the end.
#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtcp_packet.h"

using namespace tessera::mcu::rtp;

namespace {

struct Touch : RtcpVisitor {
  uint64_t sum = 0;
  void Blocks(const ReportBlocksView& b) {
    for (size_t i = 0; i < b.size(); ++i)
      sum += b[i].cumulative_lost + b[i].jitter;
  }
  void OnSenderReport(const SenderReportView& v) override {
    sum += v.info.ntp.value;
    Blocks(v.report_blocks);
  }
  void OnReceiverReport(const ReceiverReportView& v) override { Blocks(v.report_blocks); }
  void OnSdesItem(const SdesItem& i) override {
    for (char c : i.text)
      sum += static_cast<uint8_t>(c);
  }
  void OnBye(const ByeView& b) override {
    for (size_t i = 0; i < b.size(); ++i)
      sum += b.ssrc(i);
    sum += b.reason.size();
  }
  void OnApp(const AppView& a) override { sum += a.data.size() + static_cast<uint8_t>(a.name[3]); }
  void OnNack(const FeedbackView&, const NackView& n) override {
    n.ForEachLost([&](uint16_t s) { sum += s; });
  }
  void OnTmmbr(const FeedbackView&, const TmmbItemsView& t) override {
    for (size_t i = 0; i < t.size(); ++i)
      sum += t[i].bitrate_bps;
  }
  void OnTmmbn(const FeedbackView& f, const TmmbItemsView& t) override { OnTmmbr(f, t); }
  void OnPli(const FeedbackView& f) override { sum += f.media_ssrc; }
  void OnFir(const FeedbackView&, const FirView& f) override {
    for (size_t i = 0; i < f.size(); ++i)
      sum += f[i].sequence_number;
  }
  void OnRemb(const FeedbackView&, const RembView& r) override {
    sum += r.bitrate_bps;
    for (size_t i = 0; i < r.size(); ++i)
      sum += r.ssrc(i);
  }
  void OnOther(const RtcpPacketView& p) override { sum += p.packet.size(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Touch t;
  const auto result = ParseRtcpCompound(std::span<const uint8_t>(data, size), t);
  // Whatever parsed can be written again by the builder's own code paths without trouble.
  if (result.ok()) {
    uint8_t buf[64];
    RtcpBuilder b(buf);
    b.AddPli(static_cast<uint32_t>(t.sum), 1);
  }
  return 0;
}
