// A stream of arbitrary datagrams at arbitrary times into the receive path: the video
// receive stream (jitter buffer, NACK, keyframe requests) and the audio jitter buffer.
// Whatever arrives, frames come out in order and complete, memory stays bounded, and the
// feedback built fits its buffer and parses.
//
// Input: records of [advance ms: 1 byte][length: 2 bytes, big endian][datagram].
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/mcu/rtp/audio_jitter_buffer.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/video_receive_stream.h"

using namespace tessera::mcu::rtp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  VideoReceiveStreamConfig config;
  config.local_ssrc = 1;
  config.jitter_buffer.capacity = 128;  // small, so overflow and reset paths are reached
  VideoReceiveStream video(config);
  AudioJitterBufferConfig audio_config;
  audio_config.capacity = 16;
  AudioJitterBuffer audio(audio_config);
  tessera::codecs::payload::H264ParameterSets parameter_sets;
  std::vector<uint8_t> frame(256 * 1024);
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  int64_t last_first = -1;
  uint32_t ssrc = 0;
  size_t offset = 0;
  while (offset + 3 <= size) {
    now += std::chrono::milliseconds(data[offset]);
    size_t length = (size_t{data[offset + 1]} << 8) | data[offset + 2];
    offset += 3;
    length = std::min(length, size - offset);
    const std::vector<uint8_t> datagram(data + offset, data + offset + length);
    offset += length;
    if (auto p = ParseRtp(datagram)) {
      video.OnRtpPacket(*p, now);
      audio.Insert(p->sequence_number, p->timestamp, p->payload, now);
    }
    if (video.remote_ssrc() != ssrc) {
      last_first = -1;  // a new source starts its own sequence
      ssrc = video.remote_ssrc();
    }
    while (auto f = video.PopFrame(now)) {
      if (f->first_sequence <= last_first || f->last_sequence < f->first_sequence) __builtin_trap();
      if (f->payloads.size() != static_cast<size_t>(f->last_sequence - f->first_sequence + 1)) __builtin_trap();
      last_first = f->first_sequence;
      (void)tessera::codecs::payload::DepacketizeH264(f->payloads, frame, &parameter_sets);
    }
    audio.Pop(now);
    uint8_t buf[1500];
    RtcpBuilder rtcp(buf);
    video.AppendFeedback(now, rtcp);
    RtcpVisitor v;
    if (!rtcp.empty() && !ParseRtcpCompound(rtcp.data(), v).ok()) __builtin_trap();
    (void)video.MakeReportBlock(now);
  }
  return 0;
}
