#pragma once
// H.264 over RTP (RFC 6184), packetization modes 0 (single NAL unit) and 1
// (non-interleaved: single NAL units, STAP-A, FU-A). The interleaved mode 2 (STAP-B,
// MTAP, FU-B) is not offered in SDP, and its packets are refused.
//
// Depacketizing rebuilds the Annex B access unit (codec_types.h) from the payloads of one
// frame. Packetizing takes an Annex B access unit from an encoder and writes payloads of
// at most `max_payload_size` bytes:
//   mode 1: small NAL units aggregated into STAP-A, large ones split into FU-A, and the
//           last SPS/PPS sent again before an IDR that comes without them (a receiver that
//           joined late, or lost them, can decode every IDR);
//   mode 0: one NAL unit per packet, so every NAL unit must fit: tell the encoder its
//           maximum slice size is max_nal_size() (x264 slice-max-size, OpenH264
//           SM_SIZELIMITED_SLICE). A larger unit fails the frame with kUnitTooLarge.
//
// Thread safety: DepacketizeH264 is a pure function; an H264Packetizer belongs to one
// output stream and its thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tessera/codecs/payload/payload_types.h"

namespace tessera::codecs::payload {

enum class H264PacketizationMode : uint8_t {
  kSingleNalUnit = 0,
  kNonInterleaved = 1,
};

// The last SPS and PPS seen on a stream. A receiver that skipped over a loss may get an
// IDR whose parameter sets were in the lost packets; they rarely change, so the ones seen
// before are put back in front of it (as libwebrtc's SPS/PPS tracker does), which keeps
// the access unit decodable on its own.
class H264ParameterSets {
 public:
  static constexpr size_t kMaxSize = 256;
  H264ParameterSets() {
    sps_.reserve(kMaxSize);
    pps_.reserve(kMaxSize);
  }
  void Remember(std::span<const uint8_t> nal);  // keeps SPS (7) and PPS (8) up to kMaxSize
  std::span<const uint8_t> sps() const { return sps_; }
  std::span<const uint8_t> pps() const { return pps_; }

 private:
  std::vector<uint8_t> sps_, pps_;
};

// Rebuilds one access unit. With `parameter_sets`, remembers the stream's SPS/PPS and puts
// them in front of an IDR that arrives without them (`DepacketizedFrame::parameter_sets_
// restored` says so).
Result<DepacketizedFrame, DepacketizeError> DepacketizeH264(PayloadList payloads, std::span<uint8_t> out,
                                                            H264ParameterSets* parameter_sets = nullptr);

// Upper bound of the Annex B size DepacketizeH264 writes for these payloads (start codes
// replace 1-3 byte headers, so a frame never grows by more than 4 bytes per NAL unit).
size_t H264DepacketizedSizeBound(PayloadList payloads);

struct H264PacketizerConfig {
  size_t max_payload_size = 1200;
  H264PacketizationMode mode = H264PacketizationMode::kNonInterleaved;
  bool aggregate = true;              // mode 1: use STAP-A for small NAL units
  bool repeat_parameter_sets = true;  // mode 1 and 0: SPS/PPS before an IDR that lacks them
};

class H264Packetizer {
 public:
  static constexpr size_t kMaxParameterSetSize = 256;

  explicit H264Packetizer(const H264PacketizerConfig& config = {});

  // Packetizes one access unit; returns the number of payloads written.
  Result<size_t, PacketizeError> Packetize(std::span<const uint8_t> annexb, PayloadSink& sink);
  // The largest NAL unit mode 0 can carry (the encoder's maximum slice size).
  size_t max_nal_size() const { return config_.max_payload_size; }
  const H264PacketizerConfig& config() const { return config_; }

 private:
  struct Unit {
    std::span<const uint8_t> nal;
  };
  Result<size_t, PacketizeError> EmitUnits(std::span<const Unit> units, PayloadSink& sink);
  void Remember(std::span<const uint8_t> nal);

  H264PacketizerConfig config_;
  std::vector<Unit> units_;  // reused per frame; reserved at construction
  std::vector<uint8_t> sps_, pps_;
};

}  // namespace tessera::codecs::payload
