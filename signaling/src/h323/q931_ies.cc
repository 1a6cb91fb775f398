#include "tessera/signaling/h323/q931_ies.h"

namespace tessera::signaling::h323 {
namespace {

constexpr uint8_t kExt = 0x80;  // extension bit: set on the last octet of a group

}  // namespace

std::optional<BearerCapability> DecodeBearerCapability(std::span<const uint8_t> c) {
  // Octet 3: ext, coding standard, transfer capability. Octet 4: ext, transfer mode, rate.
  // Octet 4.1 (rate multiplier) follows multirate. Octets 5..7: user information layers;
  // only layer 1 (identifier 01) is kept, the rest is ignored as Q.931 allows.
  if (c.size() < 2 || !(c[0] & kExt) || !(c[1] & kExt)) return std::nullopt;
  const uint8_t rate = c[1] & 0x1F;
  size_t pos = 2;
  std::optional<uint8_t> multiplier;
  if (rate == 0x18) {
    if (pos >= c.size() || !(c[pos] & kExt)) return std::nullopt;
    multiplier = c[pos] & 0x7F;
    ++pos;
  }
  std::optional<uint8_t> layer1;
  if (pos < c.size() && ((c[pos] >> 5) & 0x03) == 1) layer1 = c[pos] & 0x1F;
  return BearerCapability{static_cast<uint8_t>((c[0] >> 5) & 0x03),
                          static_cast<uint8_t>(c[0] & 0x1F),
                          static_cast<uint8_t>((c[1] >> 5) & 0x03),
                          rate,
                          multiplier,
                          layer1};
}

std::vector<uint8_t> EncodeBearerCapability(const BearerCapability& b) {
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>(kExt | ((b.coding_standard & 0x03) << 5) | (b.transfer_capability & 0x1F)));
  out.push_back(static_cast<uint8_t>(kExt | ((b.transfer_mode & 0x03) << 5) | (b.transfer_rate & 0x1F)));
  if (b.transfer_rate == 0x18) out.push_back(static_cast<uint8_t>(kExt | (b.rate_multiplier.value_or(1) & 0x7F)));
  if (b.layer1_protocol) out.push_back(static_cast<uint8_t>(kExt | 0x20 | (*b.layer1_protocol & 0x1F)));
  return out;
}

std::optional<Cause> DecodeCause(std::span<const uint8_t> c) {
  if (c.size() < 2) return std::nullopt;
  Cause v;
  v.coding_standard = (c[0] >> 5) & 0x03;
  v.location = c[0] & 0x0F;
  size_t pos = 1;
  if (!(c[0] & kExt)) {  // octet 3a: recommendation
    v.recommendation = c[pos] & 0x7F;
    if (!(c[pos] & kExt)) return std::nullopt;
    ++pos;
  }
  if (pos >= c.size() || !(c[pos] & kExt)) return std::nullopt;
  v.value = c[pos] & 0x7F;
  ++pos;
  v.diagnostics.assign(c.begin() + static_cast<std::ptrdiff_t>(pos), c.end());
  return v;
}

std::vector<uint8_t> EncodeCause(const Cause& v) {
  std::vector<uint8_t> out;
  out.push_back(
      static_cast<uint8_t>((v.recommendation ? 0 : kExt) | ((v.coding_standard & 0x03) << 5) | (v.location & 0x0F)));
  if (v.recommendation) out.push_back(static_cast<uint8_t>(kExt | (*v.recommendation & 0x7F)));
  out.push_back(static_cast<uint8_t>(kExt | (v.value & 0x7F)));
  out.insert(out.end(), v.diagnostics.begin(), v.diagnostics.end());
  return out;
}

std::optional<PartyNumber> DecodePartyNumber(std::span<const uint8_t> c, bool has_octet_3a) {
  if (c.empty()) return std::nullopt;
  PartyNumber v;
  v.type_of_number = (c[0] >> 4) & 0x07;
  v.numbering_plan = c[0] & 0x0F;
  size_t pos = 1;
  if (!(c[0] & kExt)) {
    if (!has_octet_3a || pos >= c.size() || !(c[pos] & kExt)) return std::nullopt;
    v.presentation = (c[pos] >> 5) & 0x03;
    v.screening = c[pos] & 0x03;
    ++pos;
  }
  for (; pos < c.size(); ++pos) {
    if (c[pos] & 0x80) return std::nullopt;
    v.digits.push_back(static_cast<char>(c[pos]));
  }
  return v;
}

std::vector<uint8_t> EncodePartyNumber(const PartyNumber& v) {
  std::vector<uint8_t> out;
  const bool octet_3a = v.presentation.has_value() || v.screening.has_value();
  out.push_back(
      static_cast<uint8_t>((octet_3a ? 0 : kExt) | ((v.type_of_number & 0x07) << 4) | (v.numbering_plan & 0x0F)));
  if (octet_3a) {
    out.push_back(
        static_cast<uint8_t>(kExt | ((v.presentation.value_or(0) & 0x03) << 5) | (v.screening.value_or(0) & 0x03)));
  }
  for (char ch : v.digits)
    out.push_back(static_cast<uint8_t>(ch) & 0x80 ? '?' : static_cast<uint8_t>(ch));
  return out;
}

std::optional<ProgressIndicator> DecodeProgressIndicator(std::span<const uint8_t> c) {
  if (c.size() < 2 || !(c[0] & kExt) || !(c[1] & kExt)) return std::nullopt;
  ProgressIndicator v;
  v.coding_standard = (c[0] >> 5) & 0x03;
  v.location = c[0] & 0x0F;
  v.description = c[1] & 0x7F;
  return v;
}

std::vector<uint8_t> EncodeProgressIndicator(const ProgressIndicator& v) {
  return {static_cast<uint8_t>(kExt | ((v.coding_standard & 0x03) << 5) | (v.location & 0x0F)),
          static_cast<uint8_t>(kExt | (v.description & 0x7F))};
}

std::optional<std::string> DecodeIa5Text(std::span<const uint8_t> c) {
  std::string s;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i] == 0 && i + 1 == c.size()) break;  // a terminating NUL
    if (c[i] & 0x80) return std::nullopt;
    s.push_back(static_cast<char>(c[i]));
  }
  return s;
}

std::vector<uint8_t> EncodeIa5Text(const std::string& text) {
  std::vector<uint8_t> out;
  // IA5 has no room for anything else (e.g. UTF-8 of a display name): such octets become '?'.
  for (char ch : text)
    out.push_back(static_cast<uint8_t>(ch) & 0x80 ? '?' : static_cast<uint8_t>(ch));
  return out;
}

std::optional<UserUser> DecodeUserUser(std::span<const uint8_t> c) {
  if (c.empty()) return std::nullopt;
  return UserUser{c[0], c.subspan(1)};
}

}  // namespace tessera::signaling::h323
