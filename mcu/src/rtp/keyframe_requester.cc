#include "tessera/mcu/rtp/keyframe_requester.h"

namespace tessera::mcu::rtp {

void KeyframeRequester::Request(TimePoint) {
  ++stats_.needed;
  if (!pending_) new_request_ = true;
  pending_ = true;
}

void KeyframeRequester::OnKeyframe() {
  if (pending_) ++stats_.satisfied;
  pending_ = false;
  new_request_ = false;
}

std::optional<TimePoint> KeyframeRequester::NextPoll() const {
  if (!pending_ || config_.method == KeyframeRequestMethod::kNone) return std::nullopt;
  if (!last_sent_) return TimePoint{};
  return *last_sent_ + config_.min_interval;
}

std::optional<KeyframeRequest> KeyframeRequester::Poll(TimePoint now) {
  if (!pending_ || config_.method == KeyframeRequestMethod::kNone) return std::nullopt;
  if (last_sent_ && now - *last_sent_ < config_.min_interval) return std::nullopt;
  if (new_request_) {
    ++fir_sequence_number_;
    new_request_ = false;
  }
  last_sent_ = now;
  ++stats_.sent;
  if (config_.method == KeyframeRequestMethod::kFir) ++stats_.fir_sent;
  return KeyframeRequest{config_.method, fir_sequence_number_};
}

}  // namespace tessera::mcu::rtp
