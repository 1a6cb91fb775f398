#pragma once
// Q.931 messages as H.225.0 uses them for call signalling: protocol discriminator 0x08, a call
// reference (two octets in H.225.0, with the flag bit set on messages sent by the side that did
// not originate the call), a message type and information elements.
//
// ParseQ931/SerializeQ931 are pure functions over bytes. Information elements are kept in
// order, unknown ones included (consumers skip what they do not know), with the codeset
// that locking and non-locking shifts put them in; typed codecs for the elements Tessera
// reads are in q931_ies.h.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::signaling::h323 {

inline constexpr uint8_t kQ931ProtocolDiscriminator = 0x08;

// Message types H.225.0 uses (Q.931 Table 4-2, H.225.0 Table 3).
enum class Q931MessageType : uint8_t {
  kAlerting = 0x01,
  kCallProceeding = 0x02,
  kProgress = 0x03,
  kSetup = 0x05,
  kConnect = 0x07,
  kSetupAcknowledge = 0x0D,
  kConnectAcknowledge = 0x0F,
  kUserInformation = 0x20,
  kDisconnect = 0x45,
  kRelease = 0x4D,
  kReleaseComplete = 0x5A,
  kFacility = 0x62,
  kNotify = 0x6E,
  kStatusEnquiry = 0x75,
  kInformation = 0x7B,
  kStatus = 0x7D,
};
const char* ToString(Q931MessageType t);  // "SETUP", ...; "unknown" for others

// Information element identifiers of codeset 0 that H.225.0 uses (Q.931 Table 4-3).
namespace q931_ie {
inline constexpr uint8_t kShift = 0x90;  // single-octet: 1001 xnnn
inline constexpr uint8_t kSendingComplete = 0xA1;
inline constexpr uint8_t kBearerCapability = 0x04;
inline constexpr uint8_t kCause = 0x08;
inline constexpr uint8_t kCallState = 0x14;
inline constexpr uint8_t kFacility = 0x1C;
inline constexpr uint8_t kProgressIndicator = 0x1E;
inline constexpr uint8_t kNotificationIndicator = 0x27;
inline constexpr uint8_t kDisplay = 0x28;
inline constexpr uint8_t kKeypad = 0x2C;
inline constexpr uint8_t kSignal = 0x34;
inline constexpr uint8_t kConnectedNumber = 0x4C;
inline constexpr uint8_t kCallingPartyNumber = 0x6C;
inline constexpr uint8_t kCalledPartyNumber = 0x70;
inline constexpr uint8_t kUserUser = 0x7E;
}  // namespace q931_ie

struct Q931InformationElement {
  uint8_t codeset = 0;  // 0 = Q.931; others after a shift (5 national, 6 network, 7 user)
  uint8_t id = 0;       // single-octet elements (bit 8 set) carry their value in `id` itself
  std::vector<uint8_t> contents;

  bool single_octet() const { return id & 0x80; }
  bool operator==(const Q931InformationElement&) const = default;
};

struct Q931Message {
  uint8_t call_reference_length = 2;  // octets: 0 (dummy), 1 or 2
  uint16_t call_reference = 0;        // without the flag bit
  bool from_destination = false;      // call reference flag: sent by the side that did not originate the call
  uint8_t message_type = 0;
  std::vector<Q931InformationElement> ies;

  Q931MessageType type() const { return static_cast<Q931MessageType>(message_type); }
  // The first codeset-0 element with `id`, or nullptr.
  const Q931InformationElement* Find(uint8_t id) const;
  // Replaces the first codeset-0 element with `id` (or inserts it in ascending order, as
  // Q.931 4.5.1 requires, before any shift).
  void Set(uint8_t id, std::vector<uint8_t> contents);
  bool operator==(const Q931Message&) const = default;
};

struct Q931Error {
  std::string message;
  size_t offset = 0;  // octet where parsing stopped
};

// Parses one Q.931 message (the whole payload of a TPKT frame). The User-user element has a
// two-octet length in H.225.0 (7.2.2.11); every other variable-length element one.
Result<Q931Message, Q931Error> ParseQ931(std::span<const uint8_t> data);
// Fails when an element is too long for its length field or the call reference does not fit.
Result<std::vector<uint8_t>, Q931Error> SerializeQ931(const Q931Message& message);

}  // namespace tessera::signaling::h323
