// ParseMacroblocks: the macroblock layer of H.261 (ITU-T H.261 section 4.2.3 and 4.2.4),
// walked code by code so that the RTP packetizer knows where each macroblock starts and
// what state a receiver resumes with there. Nothing is reconstructed: coefficients are
// skipped, only their lengths matter.
#include <array>
#include <cstring>
#include <optional>

#include "tessera/codecs/video/h261_bitstream.h"

namespace tessera::codecs::h261 {
namespace {

// MSB-first reader; bits past the end read as zero and set overrun(), so a truncated
// picture fails after at most one code instead of reading outside the span.
class Bits {
 public:
  explicit Bits(std::span<const uint8_t> data) : data_(data), size_bits_(data.size() * 8) {}
  // Up to 25 bits from the current position.
  uint32_t Peek(int n) const {
    const size_t byte = pos_ >> 3;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
      v = (v << 8) | (byte + i < data_.size() ? data_[byte + i] : 0u);
    return (v << (pos_ & 7)) >> (32 - n);
  }
  uint32_t Read(int n) {
    const uint32_t v = Peek(n);
    Skip(n);
    return v;
  }
  void Skip(int n) { pos_ += static_cast<size_t>(n); }
  size_t pos() const { return pos_; }
  bool overrun() const { return pos_ > size_bits_; }
  // True when everything from the current position to the end is zero (stuffing to a byte).
  bool RestIsZero() const {
    if (pos_ >= size_bits_) return true;
    size_t byte = pos_ >> 3;
    if ((pos_ & 7) != 0) {
      if ((data_[byte] & (0xFF >> (pos_ & 7))) != 0) return false;
      ++byte;
    }
    for (; byte < data_.size(); ++byte)
      if (data_[byte] != 0) return false;
    return true;
  }

 private:
  std::span<const uint8_t> data_;
  size_t size_bits_;
  size_t pos_ = 0;
};

struct Code {
  const char* bits;  // as the Recommendation writes it
  int value;
};

// Looks `table` up at the reader's position; -1 when no code matches.
template <size_t N>
int Decode(Bits& r, const std::array<Code, N>& table) {
  for (const Code& c : table) {
    const int len = static_cast<int>(std::strlen(c.bits));
    uint32_t code = 0;
    for (int i = 0; i < len; ++i)
      code = (code << 1) | static_cast<uint32_t>(c.bits[i] - '0');
    if (r.Peek(len) == code) {
      r.Skip(len);
      return c.value;
    }
  }
  return -1;
}

// Table 1/H.261: macroblock address increments 1..33 (stuffing and start codes apart).
constexpr std::array<Code, 33> kMba{{{"1", 1},
                                     {"011", 2},
                                     {"010", 3},
                                     {"0011", 4},
                                     {"0010", 5},
                                     {"00011", 6},
                                     {"00010", 7},
                                     {"0000111", 8},
                                     {"0000110", 9},
                                     {"00001011", 10},
                                     {"00001010", 11},
                                     {"00001001", 12},
                                     {"00001000", 13},
                                     {"00000111", 14},
                                     {"00000110", 15},
                                     {"0000010111", 16},
                                     {"0000010110", 17},
                                     {"0000010101", 18},
                                     {"0000010100", 19},
                                     {"0000010011", 20},
                                     {"0000010010", 21},
                                     {"00000100011", 22},
                                     {"00000100010", 23},
                                     {"00000100001", 24},
                                     {"00000100000", 25},
                                     {"00000011111", 26},
                                     {"00000011110", 27},
                                     {"00000011101", 28},
                                     {"00000011100", 29},
                                     {"00000011011", 30},
                                     {"00000011010", 31},
                                     {"00000011001", 32},
                                     {"00000011000", 33}}};
constexpr uint32_t kMbaStuffing = 0b00000001111;  // 11 bits

// Table 2/H.261: MTYPE, as flags.
enum MbFlags : int { kIntra = 1, kQuant = 2, kMc = 4, kCbp = 8, kCoeffs = 16 };
constexpr std::array<Code, 10> kMtype{{{"0001", kIntra | kCoeffs},
                                       {"0000001", kIntra | kQuant | kCoeffs},
                                       {"1", kCbp | kCoeffs},
                                       {"00001", kQuant | kCbp | kCoeffs},
                                       {"000000001", kMc},
                                       {"00000001", kMc | kCbp | kCoeffs},
                                       {"0000000001", kMc | kQuant | kCbp | kCoeffs},
                                       {"001", kMc},  // MC + FIL
                                       {"01", kMc | kCbp | kCoeffs},
                                       {"000001", kMc | kQuant | kCbp | kCoeffs}}};

// Table 3/H.261: MVD magnitudes (a sign bit follows every code but 0's).
constexpr std::array<Code, 17> kMvdMagnitude{{{"1", 0},
                                              {"01", 1},
                                              {"001", 2},
                                              {"0001", 3},
                                              {"000011", 4},
                                              {"0000101", 5},
                                              {"0000100", 6},
                                              {"0000011", 7},
                                              {"000001011", 8},
                                              {"000001010", 9},
                                              {"000001001", 10},
                                              {"0000010001", 11},
                                              {"0000010000", 12},
                                              {"0000001111", 13},
                                              {"0000001110", 14},
                                              {"0000001101", 15},
                                              {"0000001100", 16}}};

// Table 4/H.261: coded block pattern 1..63.
constexpr std::array<const char*, 63> kCbpCodes{
    "01011",     "01001",     "001101",    "1101",      "0010111",   "0010011",  "00011111", "1100",     "0010110",
    "0010010",   "00011110",  "10011",     "00011011",  "00010111",  "00010011", "1011",     "0010101",  "0010001",
    "00011101",  "10001",     "00011001",  "00010101",  "00010001",  "001111",   "00001111", "00001101", "000000011",
    "01111",     "00001011",  "00000111",  "000000111", "1010",      "0010100",  "0010000",  "00011100", "001110",
    "00001110",  "00001100",  "000000010", "10000",     "00011000",  "00010100", "00010000", "01110",    "00001010",
    "00000110",  "000000110", "10010",     "00011010",  "00010110",  "00010010", "01101",    "00001001", "00000101",
    "000000101", "01100",     "00001000",  "00000100",  "000000100", "111",      "01010",    "01000",    "001100"};

// Table 5/H.261: TCOEFF run/level codes (a sign bit follows each); EOB "10" and ESCAPE
// "000001" apart. "11" (run 0, level 1) is written "1" for a non-intra block's first
// coefficient.
struct Coefficient {
  const char* bits;
  int run;
};
constexpr std::array<Coefficient, 63> kTcoeff{{
    {"11", 0},
    {"0100", 0},
    {"00101", 0},
    {"0000110", 0},
    {"00100110", 0},
    {"00100001", 0},
    {"0000001010", 0},
    {"000000011101", 0},
    {"000000011000", 0},
    {"000000010011", 0},
    {"000000010000", 0},
    {"0000000011010", 0},
    {"0000000011001", 0},
    {"0000000011000", 0},
    {"0000000010111", 0},
    {"011", 1},
    {"000110", 1},
    {"00100101", 1},
    {"0000001100", 1},
    {"000000011011", 1},
    {"0000000010110", 1},
    {"0000000010101", 1},
    {"0101", 2},
    {"0000100", 2},
    {"0000001011", 2},
    {"000000010100", 2},
    {"0000000010100", 2},
    {"00111", 3},
    {"00100100", 3},
    {"000000011100", 3},
    {"0000000010011", 3},
    {"00110", 4},
    {"0000001111", 4},
    {"000000010010", 4},
    {"000111", 5},
    {"0000001001", 5},
    {"0000000010010", 5},
    {"000101", 6},
    {"000000011110", 6},
    {"000100", 7},
    {"000000010101", 7},
    {"0000111", 8},
    {"000000010001", 8},
    {"0000101", 9},
    {"0000000010001", 9},
    {"00100111", 10},
    {"0000000010000", 10},
    {"00100011", 11},
    {"00100010", 12},
    {"00100000", 13},
    {"0000001110", 14},
    {"0000001101", 15},
    {"0000001000", 16},
    {"000000011111", 17},
    {"000000011010", 18},
    {"000000011001", 19},
    {"000000010111", 20},
    {"000000010110", 21},
    {"0000000011111", 22},
    {"0000000011110", 23},
    {"0000000011101", 24},
    {"0000000011100", 25},
    {"0000000011011", 26},
}};

// The coefficient codes indexed by their next 13 bits: (length << 8) | run, 0 = no code.
// Built once; codes are looked up per coefficient, so a scan of the table would dominate.
constexpr int kTcoeffPeekBits = 13;
const std::array<uint16_t, 1 << kTcoeffPeekBits>& TcoeffLookup() {
  static const auto table = [] {
    std::array<uint16_t, 1 << kTcoeffPeekBits> t{};
    for (const Coefficient& c : kTcoeff) {
      const int len = static_cast<int>(std::strlen(c.bits));
      uint32_t code = 0;
      for (int i = 0; i < len; ++i)
        code = (code << 1) | static_cast<uint32_t>(c.bits[i] - '0');
      const uint32_t first = code << (kTcoeffPeekBits - len);
      for (uint32_t k = 0; k < (1u << (kTcoeffPeekBits - len)); ++k)
        t[first + k] = static_cast<uint16_t>((len << 8) | c.run);
    }
    return t;
  }();
  return table;
}

const std::array<Code, 63>& CbpTable() {
  static const auto table = [] {
    std::array<Code, 63> t{};
    for (int i = 0; i < 63; ++i)
      t[static_cast<size_t>(i)] = {kCbpCodes[static_cast<size_t>(i)], i + 1};
    return t;
  }();
  return table;
}

// One block's coefficients up to and including EOB.
bool SkipBlock(Bits& r, bool intra) {
  const auto& lookup = TcoeffLookup();
  int next = 0;  // index of the next coefficient in zigzag order
  if (intra) {
    r.Skip(8);  // INTRA DC, fixed length
    next = 1;
  } else if (r.Peek(1) == 1) {
    r.Skip(2);  // first coefficient "1s": run 0, level 1
    next = 1;
  }
  for (bool first = !intra && next == 0;; first = false) {
    if (r.overrun()) return false;
    if (!first && r.Peek(2) == 0b10) {
      r.Skip(2);  // EOB
      return true;
    }
    int run;
    if (r.Peek(6) == 0b000001) {
      r.Skip(6);
      run = static_cast<int>(r.Read(6));
      const uint32_t level = r.Read(8);
      if (level == 0 || level == 0x80) return false;  // forbidden levels
    } else {
      const uint16_t e = lookup[r.Peek(kTcoeffPeekBits)];
      if (e == 0) return false;
      r.Skip((e >> 8) + 1);  // code and sign
      run = e & 0xFF;
    }
    next += run + 1;
    if (next > 64) return false;
  }
}

// A vector component from its predictor and MVD (each code stands for two differences 32
// apart, H.261 4.2.3.4); nullopt when no choice lands in -15..15.
std::optional<int8_t> VectorFrom(int predictor, int mvd) {
  int v = predictor + mvd;
  if (v < -15) v += 32;
  if (v > 15 && v - 32 >= -15) v -= 32;
  if (v < -15 || v > 15) return std::nullopt;
  return static_cast<int8_t>(v);
}

bool ReadMvd(Bits& r, int* value) {
  const int magnitude = Decode(r, kMvdMagnitude);
  if (magnitude < 0) return false;
  *value = magnitude != 0 && r.Read(1) ? -magnitude : magnitude;
  return true;
}

bool IsStartCode(const Bits& r) {
  return r.Peek(16) == 0x0001;
}

}  // namespace

Result<MacroblockLayout, std::string_view> ParseMacroblocks(std::span<const uint8_t> picture,
                                                            std::span<SplitPoint> points) {
  Bits r(picture);
  MacroblockLayout layout;
  auto add = [&](const SplitPoint& p) {
    if (layout.split_points < points.size()) points[layout.split_points] = p;
    ++layout.split_points;
  };
  // Picture header: PSC (20 bits), TR (5), PTYPE (6), PEI + PSPARE.
  if (r.Read(20) != 0x00010) return MakeUnexpected(std::string_view("no picture start code at the start"));
  r.Skip(5);
  const uint32_t ptype = r.Read(6);
  layout.cif = (ptype & 0b000100) != 0;
  while (r.Read(1) != 0) {
    r.Skip(8);
    if (r.overrun()) return MakeUnexpected(std::string_view("picture header runs past the end"));
  }
  add({.bit = 0, .gob = 0, .gob_start = true});

  int last_gn = 0;
  bool first_gob = true;
  while (true) {
    // GOB header: GBSC (16), GN (4), GQUANT (5), GEI + GSPARE.
    const uint32_t gob_bit = static_cast<uint32_t>(r.pos());
    if (!IsStartCode(r)) return MakeUnexpected(std::string_view("no GOB start code where one must be"));
    r.Skip(16);
    const int gn = static_cast<int>(r.Read(4));
    if (gn == 0) return MakeUnexpected(std::string_view("a second picture start code inside the picture"));
    const bool valid_gn = layout.cif ? gn <= 12 : (gn == 1 || gn == 3 || gn == 5);
    if (!valid_gn || gn <= last_gn) return MakeUnexpected(std::string_view("GOB number out of order or range"));
    last_gn = gn;
    int quant = static_cast<int>(r.Read(5));
    if (quant == 0) return MakeUnexpected(std::string_view("GQUANT 0"));
    while (r.Read(1) != 0) {
      r.Skip(8);
      if (r.overrun()) return MakeUnexpected(std::string_view("GOB header runs past the end"));
    }
    if (!first_gob) add({.bit = gob_bit, .gob = static_cast<uint8_t>(gn), .gob_start = true});
    first_gob = false;
    ++layout.gobs;

    int mba = 0;
    int mv_x = 0, mv_y = 0;
    bool previous_mc = false;
    while (true) {
      if (r.overrun()) return MakeUnexpected(std::string_view("macroblock runs past the end"));
      const uint32_t mb_bit = static_cast<uint32_t>(r.pos());
      if (r.RestIsZero() || IsStartCode(r)) break;  // end of picture, or the next GOB
      while (r.Peek(11) == kMbaStuffing)
        r.Skip(11);
      if (IsStartCode(r)) break;
      const int increment = Decode(r, kMba);
      if (increment < 0) return MakeUnexpected(std::string_view("invalid MBA code"));
      if (mba + increment > 33) return MakeUnexpected(std::string_view("macroblock address past 33"));
      if (mba != 0) {
        add({.bit = mb_bit,
             .gob = static_cast<uint8_t>(gn),
             .previous_mba = static_cast<uint8_t>(mba),
             .quant = static_cast<uint8_t>(quant),
             .mv_x = static_cast<int8_t>(previous_mc ? mv_x : 0),
             .mv_y = static_cast<int8_t>(previous_mc ? mv_y : 0)});
      }
      mba += increment;
      const int type = Decode(r, kMtype);
      if (type < 0) return MakeUnexpected(std::string_view("invalid MTYPE code"));
      if (type & kQuant) {
        quant = static_cast<int>(r.Read(5));
        if (quant == 0) return MakeUnexpected(std::string_view("MQUANT 0"));
      }
      if (type & kMc) {
        // The predictor is zero at the start of each macroblock row (MBA 1, 12, 23), after
        // a skipped macroblock, or after one that was not motion compensated (4.2.3.4).
        const bool predict = previous_mc && increment == 1 && mba != 1 && mba != 12 && mba != 23;
        int dx = 0, dy = 0;
        if (!ReadMvd(r, &dx) || !ReadMvd(r, &dy)) return MakeUnexpected(std::string_view("invalid MVD code"));
        const auto x = VectorFrom(predict ? mv_x : 0, dx);
        const auto y = VectorFrom(predict ? mv_y : 0, dy);
        if (!x || !y) return MakeUnexpected(std::string_view("motion vector out of range"));
        mv_x = *x;
        mv_y = *y;
      }
      previous_mc = (type & kMc) != 0;
      int cbp = 0;
      if (type & kCbp) {
        cbp = Decode(r, CbpTable());
        if (cbp < 0) return MakeUnexpected(std::string_view("invalid CBP code"));
      } else if (type & kCoeffs) {
        cbp = 63;  // intra: every block
      }
      for (int block = 0; block < 6; ++block) {
        if ((cbp & (32 >> block)) == 0) continue;
        if (!SkipBlock(r, (type & kIntra) != 0)) return MakeUnexpected(std::string_view("invalid coefficient data"));
      }
      ++layout.macroblocks;
      if (r.overrun()) return MakeUnexpected(std::string_view("macroblock runs past the end"));
      layout.end_bit = static_cast<uint32_t>(r.pos());
    }
    if (r.RestIsZero()) break;
  }
  if (layout.split_points > points.size()) return MakeUnexpected(std::string_view("too many split points"));
  return layout;
}

}  // namespace tessera::codecs::h261
