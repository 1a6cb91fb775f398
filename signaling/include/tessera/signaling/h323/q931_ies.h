#pragma once
// Typed codecs for the Q.931 information elements H.225.0 call signalling reads and writes
// (Q.931 4.5, with the H.225.0 7.2.2 restrictions). Each Decode takes the contents of an
// element (after its identifier and length) and returns nullopt for contents that do not
// follow the element's layout; each Encode returns the contents. Pure functions.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tessera::signaling::h323 {

// Bearer capability (0x04), Q.931 4.5.5. H.225.0 SETUP: speech or unrestricted digital,
// circuit mode, 64 kbit/s or multirate (with the rate multiplier), layer 1 H.221/H.242.
struct BearerCapability {
  uint8_t coding_standard = 0;                 // 0 = ITU-T
  uint8_t transfer_capability = 0x08;          // 0x00 speech, 0x08 unrestricted digital, 0x10 3.1 kHz audio, 0x18 video
  uint8_t transfer_mode = 0;                   // 0 = circuit
  uint8_t transfer_rate = 0x10;                // 0x10 = 64 kbit/s, 0x18 = multirate
  std::optional<uint8_t> rate_multiplier;      // octet 4.1, with multirate
  std::optional<uint8_t> layer1_protocol = 5;  // 5 = H.221 and H.242
  bool operator==(const BearerCapability&) const = default;
};
std::optional<BearerCapability> DecodeBearerCapability(std::span<const uint8_t> contents);
std::vector<uint8_t> EncodeBearerCapability(const BearerCapability& v);

// Cause (0x08), Q.931 4.5.12 / Q.850: why a call is released.
struct Cause {
  uint8_t coding_standard = 0;
  uint8_t location = 0;  // 0 user, 1 private network serving the local user, ...
  std::optional<uint8_t> recommendation;
  uint8_t value = 16;  // Q.850 cause value: 16 normal call clearing, 1 unallocated number, 17 user busy, ...
  std::vector<uint8_t> diagnostics;
  bool operator==(const Cause&) const = default;
};
std::optional<Cause> DecodeCause(std::span<const uint8_t> contents);
std::vector<uint8_t> EncodeCause(const Cause& v);

// Called party number (0x70), Calling party number (0x6C), Connected number (0x4C):
// Q.931 4.5.8/4.5.10. Octet 3a (presentation and screening) exists for calling and connected
// numbers only.
struct PartyNumber {
  uint8_t type_of_number = 0;           // 0 unknown, 1 international, 2 national, ...
  uint8_t numbering_plan = 1;           // 0 unknown, 1 E.164, 9 private
  std::optional<uint8_t> presentation;  // octet 3a
  std::optional<uint8_t> screening;     // octet 3a
  std::string digits;                   // IA5 characters
  bool operator==(const PartyNumber&) const = default;
};
std::optional<PartyNumber> DecodePartyNumber(std::span<const uint8_t> contents, bool has_octet_3a);
std::vector<uint8_t> EncodePartyNumber(const PartyNumber& v);

// Progress indicator (0x1E), Q.931 4.5.23.
struct ProgressIndicator {
  uint8_t coding_standard = 0;
  uint8_t location = 0;
  uint8_t description = 8;  // 8 = in-band information available, 1 = not end-to-end ISDN, ...
  bool operator==(const ProgressIndicator&) const = default;
};
std::optional<ProgressIndicator> DecodeProgressIndicator(std::span<const uint8_t> contents);
std::vector<uint8_t> EncodeProgressIndicator(const ProgressIndicator& v);

// Display (0x28) and Keypad facility (0x2C): IA5 characters. Display text from some stacks
// ends with a NUL, which is dropped; octets outside IA5 make the element invalid when decoding
// and are written as '?' when encoding.
std::optional<std::string> DecodeIa5Text(std::span<const uint8_t> contents);
std::vector<uint8_t> EncodeIa5Text(const std::string& text);

// User-user (0x7E): a protocol discriminator octet (5 = X.208/X.209 coded user information,
// the H.225.0 H323-UserInformation) and the information.
inline constexpr uint8_t kUserUserAsn1Discriminator = 0x05;
struct UserUser {
  uint8_t protocol_discriminator = kUserUserAsn1Discriminator;
  std::span<const uint8_t> information;
};
std::optional<UserUser> DecodeUserUser(std::span<const uint8_t> contents);

}  // namespace tessera::signaling::h323
