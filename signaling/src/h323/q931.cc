#include "tessera/signaling/h323/q931.h"

#include <algorithm>
#include <string>

namespace tessera::signaling::h323 {
namespace {

Unexpected<Q931Error> Fail(std::string message, size_t offset) {
  return MakeUnexpected(Q931Error{std::move(message), offset});
}

bool HasTwoOctetLength(uint8_t codeset, uint8_t id) {
  return codeset == 0 && id == q931_ie::kUserUser;
}

}  // namespace

const char* ToString(Q931MessageType t) {
  switch (t) {
    case Q931MessageType::kAlerting:
      return "ALERTING";
    case Q931MessageType::kCallProceeding:
      return "CALL PROCEEDING";
    case Q931MessageType::kProgress:
      return "PROGRESS";
    case Q931MessageType::kSetup:
      return "SETUP";
    case Q931MessageType::kConnect:
      return "CONNECT";
    case Q931MessageType::kSetupAcknowledge:
      return "SETUP ACKNOWLEDGE";
    case Q931MessageType::kConnectAcknowledge:
      return "CONNECT ACKNOWLEDGE";
    case Q931MessageType::kUserInformation:
      return "USER INFORMATION";
    case Q931MessageType::kDisconnect:
      return "DISCONNECT";
    case Q931MessageType::kRelease:
      return "RELEASE";
    case Q931MessageType::kReleaseComplete:
      return "RELEASE COMPLETE";
    case Q931MessageType::kFacility:
      return "FACILITY";
    case Q931MessageType::kNotify:
      return "NOTIFY";
    case Q931MessageType::kStatusEnquiry:
      return "STATUS ENQUIRY";
    case Q931MessageType::kInformation:
      return "INFORMATION";
    case Q931MessageType::kStatus:
      return "STATUS";
  }
  return "unknown";
}

const Q931InformationElement* Q931Message::Find(uint8_t id) const {
  for (const auto& ie : ies) {
    if (ie.codeset == 0 && ie.id == id) return &ie;
  }
  return nullptr;
}

void Q931Message::Set(uint8_t id, std::vector<uint8_t> contents) {
  for (auto& ie : ies) {
    if (ie.codeset == 0 && ie.id == id) {
      ie.contents = std::move(contents);
      return;
    }
  }
  // Codeset-0 variable-length elements go in ascending order of identifier, before any shift.
  auto it = std::find_if(ies.begin(), ies.end(), [&](const Q931InformationElement& ie) {
    return ie.codeset != 0 || (ie.id & 0xF0) == q931_ie::kShift || (!ie.single_octet() && ie.id > id);
  });
  ies.insert(it, Q931InformationElement{0, id, std::move(contents)});
}

Result<Q931Message, Q931Error> ParseQ931(std::span<const uint8_t> data) {
  Q931Message m;
  if (data.size() < 3) return Fail("Q.931 message shorter than its header", data.size());
  if (data[0] != kQ931ProtocolDiscriminator) {
    return Fail("protocol discriminator " + std::to_string(data[0]) + " is not Q.931 (8)", 0);
  }
  if (data[1] & 0xF0) return Fail("malformed call reference length octet", 1);
  const size_t crl = data[1] & 0x0F;
  if (crl > 2) return Fail("call reference of " + std::to_string(crl) + " octets (at most 2)", 1);
  size_t pos = 2;
  if (data.size() < pos + crl + 1) return Fail("Q.931 message ends inside its header", data.size());
  m.call_reference_length = static_cast<uint8_t>(crl);
  if (crl > 0) {
    m.from_destination = data[pos] & 0x80;
    uint16_t value = data[pos] & 0x7F;
    if (crl == 2) value = static_cast<uint16_t>((value << 8) | data[pos + 1]);
    m.call_reference = value;
  }
  pos += crl;
  m.message_type = data[pos++];
  if (m.message_type & 0x80) return Fail("message type with bit 8 set", pos - 1);
  if (m.message_type == 0) return Fail("escaped (national) message types are not supported", pos - 1);
  uint8_t locked = 0;  // codeset of a locking shift
  int one_shot = -1;   // codeset of a non-locking shift, for the next element only
  while (pos < data.size()) {
    const uint8_t id = data[pos];
    const uint8_t codeset = one_shot >= 0 ? static_cast<uint8_t>(one_shot) : locked;
    one_shot = -1;
    if (id & 0x80) {  // single-octet element
      m.ies.push_back({codeset, id, {}});
      if ((id & 0xF0) == q931_ie::kShift) {
        if (id & 0x08) {
          one_shot = id & 0x07;
        } else {
          locked = id & 0x07;
        }
      }
      ++pos;
      continue;
    }
    const size_t header = HasTwoOctetLength(codeset, id) ? 3 : 2;
    if (pos + header > data.size()) return Fail("information element " + std::to_string(id) + " truncated", pos);
    const size_t length = header == 3 ? (size_t{data[pos + 1]} << 8) | data[pos + 2] : data[pos + 1];
    if (pos + header + length > data.size()) {
      return Fail("information element " + std::to_string(id) + " of " + std::to_string(length) +
                      " octets runs past the message",
                  pos);
    }
    m.ies.push_back({codeset, id,
                     std::vector<uint8_t>(data.begin() + static_cast<std::ptrdiff_t>(pos + header),
                                          data.begin() + static_cast<std::ptrdiff_t>(pos + header + length))});
    pos += header + length;
  }
  return m;
}

Result<std::vector<uint8_t>, Q931Error> SerializeQ931(const Q931Message& m) {
  std::vector<uint8_t> out;
  if (m.call_reference_length > 2 || (m.call_reference_length == 1 && m.call_reference > 0x7F) ||
      (m.call_reference_length == 2 && m.call_reference > 0x7FFF) ||
      (m.call_reference_length == 0 && (m.call_reference != 0 || m.from_destination))) {
    return Fail("call reference does not fit its length", 1);
  }
  if (m.message_type & 0x80 || m.message_type == 0) return Fail("invalid message type", 0);
  out.push_back(kQ931ProtocolDiscriminator);
  out.push_back(m.call_reference_length);
  const uint8_t flag = m.from_destination ? 0x80 : 0;
  if (m.call_reference_length == 1) {
    out.push_back(static_cast<uint8_t>(flag | m.call_reference));
  } else if (m.call_reference_length == 2) {
    out.push_back(static_cast<uint8_t>(flag | (m.call_reference >> 8)));
    out.push_back(static_cast<uint8_t>(m.call_reference & 0xFF));
  }
  out.push_back(m.message_type);
  for (const auto& ie : m.ies) {
    out.push_back(ie.id);
    if (ie.single_octet()) {
      if (!ie.contents.empty()) return Fail("single-octet element with contents", out.size());
      continue;
    }
    const size_t n = ie.contents.size();
    if (HasTwoOctetLength(ie.codeset, ie.id)) {
      if (n > 0xFFFF) return Fail("User-user element longer than 65535 octets", out.size());
      out.push_back(static_cast<uint8_t>(n >> 8));
      out.push_back(static_cast<uint8_t>(n & 0xFF));
    } else {
      if (n > 0xFF) return Fail("information element longer than 255 octets", out.size());
      out.push_back(static_cast<uint8_t>(n));
    }
    out.insert(out.end(), ie.contents.begin(), ie.contents.end());
  }
  return out;
}

}  // namespace tessera::signaling::h323
