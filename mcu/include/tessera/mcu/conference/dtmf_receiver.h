#pragma once
// DTMF from a participant's audio stream, for PIN entry: RFC 4733 telephone-event packets
// (one digit per event, an event being one RTP timestamp repeated across its packets) and,
// as the fallback for endpoints that send tones in the audio, an in-band detector (Goertzel
// on the eight ITU-T Q.23 frequencies over each 20 ms frame of decoded 48 kHz audio).
//
// Thread safety: owned by the room's audio strand; no allocation.

#include <cstdint>
#include <optional>
#include <span>

namespace tessera::mcu::conference {

// '0'-'9', '*', '#', 'A'-'D' for RFC 4733 events 0-15; 0 for any other event.
char DtmfDigitOfEvent(int event);
// The inverse: the RFC 4733 event of a DTMF key, or -1.
int DtmfEventOfDigit(char digit);
// The key's ITU-T Q.23 row (low) and column (high) frequencies in Hz.
struct DtmfTonePair {
  double low = 0;
  double high = 0;
};
std::optional<DtmfTonePair> DtmfTonesOfDigit(char digit);

class TelephoneEventReceiver {
 public:
  // The digit when this packet starts an event not seen before; nullopt for the rest of
  // its packets, for non-digit events and for payloads shorter than 4 bytes. A new event
  // is a new RTP timestamp, a new event code, or a packet without the end bit after an
  // event ended (canned captures replay every key press with one timestamp).
  std::optional<char> OnPacket(uint32_t rtp_timestamp, std::span<const uint8_t> payload);

 private:
  std::optional<uint32_t> last_timestamp_;
  int last_event_ = -1;
  bool ended_ = false;
};

class InbandDtmfDetector {
 public:
  static constexpr int kSampleRate = 48000;
  // One frame (20 ms at 48 kHz). A digit is reported once, in the second frame in a row that
  // holds its pair of tones (a Q.24 tone lasts at least 40 ms), and again only after a frame
  // without it.
  std::optional<char> OnFrame(std::span<const int16_t> samples);

 private:
  char candidate_ = 0;
  int frames_ = 0;
  bool reported_ = false;
};

}  // namespace tessera::mcu::conference
