#include "tessera/mcu/conference/trouble_gate.h"

namespace tessera::mcu::conference {

const char* TroubleCode(Trouble trouble) {
  switch (trouble) {
    case Trouble::kVideoDecode:
      return "video_decode_errors";
    case Trouble::kSrtpAudio:
    case Trouble::kSrtpVideo:
      return "srtp_auth_failures";
    case Trouble::kVideoEncode:
      return "video_encode_errors";
    case Trouble::kAudioDecode:
      return "audio_decode_errors";
  }
  return "media_errors";
}

uint64_t TroubleGate::Look(uint64_t subject, Trouble trouble, uint64_t total, uint64_t threshold, Clock::time_point now,
                           int looks) {
  State& s = states_[{subject, trouble}];  // one node per subject and kind, made on its first look
  const uint64_t grew = total > s.last_total ? total - s.last_total : 0;
  s.last_total = total;
  if (grew == 0 || grew < threshold) {
    s.streak = 0;
    return 0;
  }
  if (++s.streak < looks) return 0;
  if (s.reported && now - s.reported_at < quiet_) return 0;
  s.reported = true;
  s.reported_at = now;
  return grew;
}

void TroubleGate::Forget(uint64_t subject) {
  std::erase_if(states_, [subject](const auto& entry) { return entry.first.first == subject; });
}

}  // namespace tessera::mcu::conference
