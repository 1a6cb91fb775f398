#include "tessera/mcu/conference/dtmf_receiver.h"

#include <array>
#include <cmath>

namespace tessera::mcu::conference {

namespace {

constexpr std::array<double, 4> kRows = {697, 770, 852, 941};
constexpr std::array<double, 4> kColumns = {1209, 1336, 1477, 1633};
constexpr char kKeypad[4][4] = {{'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}};
// Each tone of a pair holds about half the frame's energy; speech and music spread theirs.
constexpr double kMinToneShare = 0.15;
// The strongest tone of a group must dominate the others (no chords, no noise).
constexpr double kMinDominance = 4.0;
// Below this mean square (about -50 dBFS) a frame is silence.
constexpr double kMinMeanSquare = 100.0;

// Goertzel power at `hz`, as a share of the frame's energy: 1 for a pure tone at hz.
double ToneShare(std::span<const int16_t> x, double energy, double hz) {
  const double coeff = 2 * std::cos(2 * M_PI * hz / InbandDtmfDetector::kSampleRate);
  double s1 = 0, s2 = 0;
  for (int16_t v : x) {
    const double s0 = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (energy * static_cast<double>(x.size()) / 2);
}

// Index of the dominant tone of a group, or -1.
template <size_t N>
int Dominant(std::span<const int16_t> x, double energy, const std::array<double, N>& tones) {
  std::array<double, N> share{};
  int best = 0;
  for (size_t i = 0; i < N; ++i) {
    share[i] = ToneShare(x, energy, tones[i]);
    if (share[i] > share[static_cast<size_t>(best)]) best = static_cast<int>(i);
  }
  if (share[static_cast<size_t>(best)] < kMinToneShare) return -1;
  for (size_t i = 0; i < N; ++i)
    if (static_cast<int>(i) != best && share[i] * kMinDominance > share[static_cast<size_t>(best)]) return -1;
  return best;
}

}  // namespace

char DtmfDigitOfEvent(int event) {
  static constexpr char kEvents[] = "0123456789*#ABCD";
  return event >= 0 && event < 16 ? kEvents[event] : 0;
}

int DtmfEventOfDigit(char digit) {
  for (int event = 0; event < 16; ++event)
    if (DtmfDigitOfEvent(event) == digit && digit != 0) return event;
  return -1;
}

std::optional<DtmfTonePair> DtmfTonesOfDigit(char digit) {
  for (size_t row = 0; row < kRows.size(); ++row)
    for (size_t column = 0; column < kColumns.size(); ++column)
      if (kKeypad[row][column] == digit && digit != 0) return DtmfTonePair{kRows[row], kColumns[column]};
  return std::nullopt;
}

std::optional<char> TelephoneEventReceiver::OnPacket(uint32_t rtp_timestamp, std::span<const uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  // RFC 4733 §2.3: event, E|R|volume, duration; every packet of one event carries the
  // timestamp of its start, and its last packets (sent three times) the end bit.
  const int event = payload[0];
  const bool end = (payload[1] & 0x80) != 0;
  const bool same = last_timestamp_ && *last_timestamp_ == rtp_timestamp && last_event_ == event && !(ended_ && !end);
  last_timestamp_ = rtp_timestamp;
  last_event_ = event;
  ended_ = end;
  if (same) return std::nullopt;
  const char digit = DtmfDigitOfEvent(event);
  if (digit == 0) return std::nullopt;
  return digit;
}

std::optional<char> InbandDtmfDetector::OnFrame(std::span<const int16_t> samples) {
  char digit = 0;
  if (!samples.empty()) {
    double energy = 0;
    for (int16_t v : samples)
      energy += static_cast<double>(v) * v;
    if (energy / static_cast<double>(samples.size()) >= kMinMeanSquare) {
      const int row = Dominant(samples, energy, kRows);
      const int column = row < 0 ? -1 : Dominant(samples, energy, kColumns);
      if (column >= 0) digit = kKeypad[row][column];
    }
  }
  if (digit == 0 || digit != candidate_) {
    candidate_ = digit;
    frames_ = digit ? 1 : 0;
    reported_ = false;
    return std::nullopt;
  }
  if (++frames_ >= 2 && !reported_) {
    reported_ = true;
    return digit;
  }
  return std::nullopt;
}

}  // namespace tessera::mcu::conference
