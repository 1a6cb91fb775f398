#pragma once
// VideoTap and AudioTap: where a room hands its encoded video and its audio mix to the
// streaming side (broadcasts and recordings) without waiting for it (design.md §2:
// "streaming/recording taps the same encoded frames").
//
// Each is a single-producer single-consumer ring of preallocated slots: the room strand
// copies a frame in (a slot's buffer grows to the largest frame once, then is reused: no
// allocation in steady state, no lock) and the stream hub's thread takes it out. A full
// ring drops the frame and counts it; after a dropped video frame the tap skips until the
// next keyframe (a decoder could not use what follows) and asks the output for one.
//
// Thread safety: Push* on the producing room strand, Front/Pop on the hub thread, the
// counters and keyframe flag anywhere.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tessera/mixer/video/layout.h"

namespace tessera::mcu::stream {

template <typename Slot, size_t N>
class SpscSlots {
 public:
  // Producer: the slot to fill, or null when full; Commit() publishes it.
  Slot* Back() {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) == N) return nullptr;
    return &slots_[head % N];
  }
  void Commit() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
  // Consumer: the oldest slot, or null when empty; Pop() frees it.
  Slot* Front() {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return nullptr;
    return &slots_[tail % N];
  }
  void Pop() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

 private:
  std::array<Slot, N> slots_{};
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};

struct VideoTapFrame {
  std::vector<uint8_t> data;  // one H.264 access unit, Annex B
  bool keyframe = false;
  int64_t time_us = 0;  // on the room's media clock
  int width = 0;
  int height = 0;
  int fps = 30;
};

class VideoTap {
 public:
  static constexpr size_t kSlots = 64;  // about 2 s at 30 fps

  // `key` tells taps apart in the hub (StreamHub::TapKey); `layout`, if set, is a picture
  // of its own that the room composes and encodes for it.
  explicit VideoTap(int height, std::string key = {}, std::shared_ptr<const mixer::LayoutSpec> layout = {})
      : height_(height), key_(std::move(key)), layout_(std::move(layout)) {}
  int height() const { return height_; }
  const std::string& key() const { return key_; }
  const mixer::LayoutSpec* layout() const { return layout_.get(); }

  // Room video strand.
  void Push(std::span<const uint8_t> access_unit, bool keyframe, int64_t time_us, int width, int height, int fps);
  bool keyframe_wanted() const { return keyframe_wanted_.load(std::memory_order_relaxed); }

  // Hub thread.
  VideoTapFrame* Front() { return ring_.Front(); }
  void Pop() { ring_.Pop(); }
  void RequestKeyframe() { keyframe_wanted_.store(true, std::memory_order_relaxed); }

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  const int height_;
  const std::string key_;
  const std::shared_ptr<const mixer::LayoutSpec> layout_;
  SpscSlots<VideoTapFrame, kSlots> ring_;
  bool skipping_ = true;  // producer only: nothing is useful before the first keyframe
  std::atomic<bool> keyframe_wanted_{true};
  std::atomic<uint64_t> dropped_{0};
};

struct AudioTapFrame {
  static constexpr size_t kSamples = 960;  // 20 ms at 48 kHz, mono
  std::array<int16_t, kSamples> samples{};
  int64_t time_us = 0;
};

class AudioTap {
 public:
  static constexpr size_t kSlots = 128;  // 2.56 s

  // Room audio strand: one 20 ms tick of the mix (shorter spans are padded with silence).
  void Push(std::span<const int16_t> samples, int64_t time_us);

  // Hub thread.
  AudioTapFrame* Front() { return ring_.Front(); }
  void Pop() { ring_.Pop(); }

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  SpscSlots<AudioTapFrame, kSlots> ring_;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace tessera::mcu::stream
