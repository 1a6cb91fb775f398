#include "tessera/mcu/rtp/rtp_header_extensions.h"

#include <cstring>

#include "tessera/base/byte_io.h"

namespace tessera::mcu::rtp {

RtpExtensionIterator::RtpExtensionIterator(const RtpPacketView& packet) : data_(packet.extension_data) {
  if (!packet.has_extension) return;
  one_byte_ = packet.extension_profile == kOneByteExtensionProfile;
  two_byte_ = (packet.extension_profile & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile;
}

bool RtpExtensionIterator::Next(RtpExtensionElement* element) {
  if (one_byte_) {
    while (offset_ < data_.size()) {
      const uint8_t b = data_[offset_];
      if (b == 0) {  // padding
        ++offset_;
        continue;
      }
      const uint8_t id = b >> 4;
      if (id == 15) {  // reserved: stop processing the block
        offset_ = data_.size();
        return false;
      }
      const size_t length = (b & 0x0F) + 1u;
      if (offset_ + 1 + length > data_.size()) {
        malformed_ = true;
        offset_ = data_.size();
        return false;
      }
      element->id = id;
      element->data = data_.subspan(offset_ + 1, length);
      offset_ += 1 + length;
      return true;
    }
    return false;
  }
  if (two_byte_) {
    while (offset_ < data_.size()) {
      const uint8_t id = data_[offset_];
      if (id == 0) {  // padding
        ++offset_;
        continue;
      }
      if (offset_ + 2 > data_.size()) {
        malformed_ = true;
        offset_ = data_.size();
        return false;
      }
      const size_t length = data_[offset_ + 1];
      if (offset_ + 2 + length > data_.size()) {
        malformed_ = true;
        offset_ = data_.size();
        return false;
      }
      element->id = id;
      element->data = data_.subspan(offset_ + 2, length);
      offset_ += 2 + length;
      return true;
    }
    return false;
  }
  return false;
}

std::optional<std::span<const uint8_t>> FindRtpExtension(const RtpPacketView& packet, uint8_t id) {
  if (id == 0) return std::nullopt;
  RtpExtensionIterator it(packet);
  RtpExtensionElement e;
  while (it.Next(&e)) {
    if (e.id == id) return e.data;
  }
  return std::nullopt;
}

std::optional<AudioLevel> ParseAudioLevel(std::span<const uint8_t> data) {
  if (data.empty()) return std::nullopt;
  return AudioLevel{(data[0] & 0x80) != 0, static_cast<uint8_t>(data[0] & 0x7F)};
}

std::optional<uint32_t> ParseAbsSendTime(std::span<const uint8_t> data) {
  if (data.size() != 3) return std::nullopt;
  return Load24(data.data());
}

std::optional<uint16_t> ParseTransportSequenceNumber(std::span<const uint8_t> data) {
  if (data.size() != 2) return std::nullopt;
  return Load16(data.data());
}

uint32_t AbsSendTimeFromMicros(int64_t micros) {
  // 6.18 fixed point seconds: (micros << 18) / 1e6, keeping 24 bits. Work modulo 64 s
  // first so the shift cannot overflow for any epoch.
  const int64_t kPeriod = int64_t{64} * 1'000'000;
  int64_t m = micros % kPeriod;
  if (m < 0) m += kPeriod;
  return static_cast<uint32_t>(((m << 18) + 500'000) / 1'000'000) & 0x00FFFFFF;
}

RtpExtensionValues ReadRtpExtensions(const RtpPacketView& packet, const RtpExtensionIds& ids) {
  RtpExtensionValues values;
  if (!packet.has_extension) return values;
  RtpExtensionIterator it(packet);
  RtpExtensionElement e;
  while (it.Next(&e)) {
    if (e.id == ids.audio_level) {
      values.audio_level = ParseAudioLevel(e.data);
    } else if (e.id == ids.abs_send_time) {
      values.abs_send_time = ParseAbsSendTime(e.data);
    } else if (e.id == ids.transport_sequence_number) {
      values.transport_sequence_number = ParseTransportSequenceNumber(e.data);
    }
  }
  return values;
}

RtpExtensionWriter::RtpExtensionWriter(std::span<uint8_t> packet, size_t header_size, Form form)
    : packet_(packet), header_size_(header_size), offset_(header_size + 4), form_(form) {
  if (header_size < kRtpHeaderSize || header_size + 4 > packet.size() || (packet[0] & 0x10)) failed_ = true;
}

bool RtpExtensionWriter::Add(uint8_t id, std::span<const uint8_t> data) {
  if (failed_) return false;
  if (form_ == Form::kOneByte) {
    if (id < 1 || id > 14 || data.empty() || data.size() > 16 || offset_ + 1 + data.size() > packet_.size()) {
      failed_ = true;
      return false;
    }
    packet_[offset_] = static_cast<uint8_t>((id << 4) | (data.size() - 1));
    std::memcpy(packet_.data() + offset_ + 1, data.data(), data.size());
    offset_ += 1 + data.size();
    return true;
  }
  if (id < 1 || data.size() > 255 || offset_ + 2 + data.size() > packet_.size()) {
    failed_ = true;
    return false;
  }
  packet_[offset_] = id;
  packet_[offset_ + 1] = static_cast<uint8_t>(data.size());
  if (!data.empty()) std::memcpy(packet_.data() + offset_ + 2, data.data(), data.size());
  offset_ += 2 + data.size();
  return true;
}

bool RtpExtensionWriter::AddAudioLevel(uint8_t id, AudioLevel level) {
  const uint8_t b = static_cast<uint8_t>((level.voice_activity ? 0x80 : 0) | (level.level & 0x7F));
  return Add(id, std::span<const uint8_t>(&b, 1));
}

bool RtpExtensionWriter::AddAbsSendTime(uint8_t id, uint32_t abs_send_time) {
  uint8_t b[3];
  Store24(b, abs_send_time & 0x00FFFFFF);
  return Add(id, b);
}

bool RtpExtensionWriter::AddTransportSequenceNumber(uint8_t id, uint16_t sequence_number) {
  uint8_t b[2];
  Store16(b, sequence_number);
  return Add(id, b);
}

size_t RtpExtensionWriter::Finish() {
  if (failed_) return 0;
  const size_t body = offset_ - (header_size_ + 4);
  const size_t padded = (body + 3) / 4 * 4;
  if (header_size_ + 4 + padded > packet_.size()) return 0;
  std::memset(packet_.data() + offset_, 0, padded - body);
  uint8_t* h = packet_.data() + header_size_;
  Store16(h, form_ == Form::kOneByte ? kOneByteExtensionProfile : kTwoByteExtensionProfile);
  Store16(h + 2, static_cast<uint16_t>(padded / 4));
  packet_[0] |= 0x10;
  failed_ = true;  // Finish once
  return header_size_ + 4 + padded;
}

}  // namespace tessera::mcu::rtp
