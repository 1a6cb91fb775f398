#pragma once
// TPKT (RFC 1006 §6): the framing of H.225.0 call signalling and of H.245 on TCP. Each
// message is preceded by four octets: version 3, a reserved octet, and the length of the
// whole packet (header included) in network order.
//
// ParseTpkt and AppendTpkt are pure functions over bytes. TpktFramer turns a TCP byte stream
// into frames; it is owned by the strand of its connection.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tessera::signaling::h323 {

inline constexpr size_t kTpktHeaderSize = 4;
inline constexpr size_t kTpktMaxPayload = 0xFFFF - kTpktHeaderSize;

enum class TpktError {
  kNone,
  kBadVersion,  // first octet is not 3: not TPKT, or the stream lost its framing
  kBadLength,   // length field below the header size
};
std::string_view ToString(TpktError e);

enum class TpktStatus { kFrame, kNeedMore, kError };

struct TpktParse {
  TpktStatus status = TpktStatus::kNeedMore;
  std::span<const uint8_t> payload;  // kFrame: the message (may be empty: a keep-alive)
  size_t frame_size = 0;             // kFrame: octets the frame occupies in the input
  TpktError error = TpktError::kNone;
};

// The frame at the start of `data`: kNeedMore while the header or the announced length is
// not all there (a TPKT length past the data is "not yet" on a stream, "truncated" for a
// complete buffer), kError when the header is malformed.
TpktParse ParseTpkt(std::span<const uint8_t> data);

// Appends a TPKT header and `payload` to `out`; false (and `out` unchanged) if the payload is
// longer than a TPKT can carry.
bool AppendTpkt(std::span<const uint8_t> payload, std::vector<uint8_t>& out);

// Reassembles TPKT frames from TCP reads. A malformed header cannot be skipped (a byte stream
// has no way to find the next frame), so after an error the framer stays failed and the
// connection must be closed.
class TpktFramer {
 public:
  // Appends received bytes; `max_buffered` bounds what a peer can make us hold.
  explicit TpktFramer(size_t max_buffered = 4 * (kTpktMaxPayload + kTpktHeaderSize)) : max_buffered_(max_buffered) {}

  // False when the buffer limit would be exceeded (the caller drops the connection).
  bool Append(std::span<const uint8_t> bytes);
  // The next complete frame's payload, valid until the next call to Append or Next; nullopt
  // when no complete frame is buffered or the stream failed (see error()).
  std::optional<std::span<const uint8_t>> Next();
  TpktError error() const { return error_; }
  size_t buffered() const { return buffer_.size() - start_; }

 private:
  size_t max_buffered_;
  std::vector<uint8_t> buffer_;
  size_t start_ = 0;  // first unconsumed byte
  TpktError error_ = TpktError::kNone;
};

}  // namespace tessera::signaling::h323
