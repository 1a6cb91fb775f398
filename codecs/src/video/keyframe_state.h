#pragma once
// Whether a decoder's reference pictures can be trusted, shared by the decoder wrappers.
//
// The wait for a keyframe starts at creation, after a picture that decoded with errors and
// after data was lost or refused. It ends at a clean keyframe, or at the end of a recovery
// point's count (H.264 recovery point SEI, sent by encoders that refresh gradually by
// intra macroblocks instead of IDRs): the pictures between the SEI and its recovery point
// may reference what this decoder never had, so their errors are expected and do not
// restart the count; the recovery picture itself must decode cleanly.
//
// Thread safety: part of one decoder, used on its thread.

namespace tessera::codecs {

class KeyframeState {
 public:
  bool waiting() const { return waiting_; }

  // Data lost before the next access unit, or an access unit refused unseen.
  void OnLoss() {
    waiting_ = true;
    recovery_remaining_ = -1;
  }

  // The access unit about to be decoded holds a recovery point SEI.
  void OnRecoveryPoint(int recovery_frame_cnt) {
    if (waiting_ && recovery_remaining_ < 0) recovery_remaining_ = recovery_frame_cnt + 1;
  }

  // A picture went through the decoder (output or not); `clean` if without error. Returns
  // true when this picture ends the wait.
  bool OnPicture(bool clean, bool keyframe) {
    if (!waiting_) {
      if (!clean) OnLoss();
      return false;
    }
    if (clean && keyframe) return End();
    if (recovery_remaining_ > 0 && --recovery_remaining_ == 0) {
      recovery_remaining_ = -1;
      if (clean) return End();
    }
    return false;
  }

 private:
  bool End() {
    waiting_ = false;
    recovery_remaining_ = -1;
    return true;
  }

  bool waiting_ = true;
  int recovery_remaining_ = -1;  // pictures until the recovery point, counting the SEI's own
};

}  // namespace tessera::codecs
