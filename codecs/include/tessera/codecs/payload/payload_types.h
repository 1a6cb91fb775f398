#pragma once
// What the RTP payload formats share: how packetizers hand out payloads without
// allocating (PayloadSink), and how depacketizers report a rebuilt frame or why they
// refused it.
//
// Packetizers take one encoded frame (codec_types.h: H.264 as Annex B, ...) and write one
// RTP payload at a time into space the caller provides: the output path reserves room for
// the RTP header in front, so nothing is copied twice and nothing is allocated per packet.
// Depacketizers take the payloads of one frame, in sequence order (what the jitter buffer
// hands out), and write the frame into a caller buffer.
//
// Thread safety: pure functions and small per-stream objects; one thread per object.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::codecs::payload {

// The payloads of one frame, in sequence order.
using PayloadList = std::span<const std::span<const uint8_t>>;

enum class DepacketizeError : uint8_t {
  kEmpty,                   // no payloads, or an empty payload where one is required
  kTruncated,               // a payload header longer than the payload
  kUnsupportedType,         // e.g. H.264 STAP-B/MTAP/FU-B (interleaved mode), NAL type 0/30/31
  kFragmentWithoutStart,    // FU-A continuation with no start before it
  kFragmentMismatch,        // a new start inside a fragment, or the NAL type changed
  kFragmentUnfinished,      // the frame ended inside a fragmented unit
  kAggregateLengthPastEnd,  // a STAP-A unit length runs past the payload
  kBadHeader,               // a payload header with reserved or inconsistent fields
  kNoFrameStart,            // the first payload does not start a picture
  kMalformedUnit,           // H.264: a NAL unit with a start code prefix inside
  kOutputFull,              // the frame does not fit the output buffer
};
std::string_view DepacketizeErrorName(DepacketizeError error);

struct DepacketizedFrame {
  size_t size = 0;        // bytes written to the output
  bool keyframe = false;  // IDR / intra picture / VP8 key frame
  int width = 0;          // when the payload says (H.263 picture header, VP8 key frame)
  int height = 0;
  bool parameter_sets_restored = false;  // H.264: SPS/PPS from earlier frames put in front
};

enum class PacketizeError : uint8_t {
  kEmptyFrame,    // nothing to send
  kMalformed,     // e.g. H.264 data that is not Annex B
  kUnitTooLarge,  // H.264 mode 0: a NAL unit larger than the payload size
  kSinkFull,      // the sink gave no (or too little) space
  kBadConfig,     // payload size too small for the format's headers
};
std::string_view PacketizeErrorName(PacketizeError error);

// Receives payloads from a packetizer.
class PayloadSink {
 public:
  virtual ~PayloadSink() = default;
  // Space for the next payload: at least the packetizer's max payload size bytes, or an
  // empty span when there is no room (the packetizer then fails with kSinkFull).
  virtual std::span<uint8_t> NextPayload() = 0;
  // The payload written into the last span is `size` bytes; `marker` marks the frame's last.
  virtual void CommitPayload(size_t size, bool marker) = 0;
};

// A sink over one arena allocated at construction: up to `max_packets` payloads of up to
// `max_payload_size` bytes. For tests, benchmarks, and output paths that packetize a frame
// once and send it to many endpoints.
class PayloadArena final : public PayloadSink {
 public:
  PayloadArena(size_t max_packets, size_t max_payload_size);
  std::span<uint8_t> NextPayload() override;
  void CommitPayload(size_t size, bool marker) override;

  size_t size() const { return count_; }
  std::span<const uint8_t> payload(size_t i) const;
  bool marker(size_t i) const { return entries_[i].marker; }
  // All payloads as a list, the form depacketizers take.
  PayloadList payloads() const { return {views_.data(), count_}; }
  void Clear() { count_ = 0; }

 private:
  struct Entry {
    size_t size = 0;
    bool marker = false;
  };
  size_t max_payload_size_;
  std::vector<uint8_t> arena_;
  std::vector<Entry> entries_;
  std::vector<std::span<const uint8_t>> views_;
  size_t count_ = 0;
};

}  // namespace tessera::codecs::payload
