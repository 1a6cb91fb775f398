// Tessera's decoding of the reference captures agrees with Wireshark's H.225.0/H.245
// dissectors (tshark, an independent PER decoder) on the fields call control depends on:
// protocolIdentifier, callIdentifier, conferenceID, the fast-start proposals, h245Tunnelling,
// and in tunnelled H.245 the capability table entry numbers, the terminal type and the
// logical channel numbers. One row per H.225.0 message, compared as multisets per capture.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "h323_capture.h"
#include "h323_samples.h"
#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/gen/h245.h"
#include "tessera/signaling/h323/h225_message.h"
#include "tessera/signaling/h323/tpkt.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::signaling::h323::testing {
namespace {

// The fields, in tshark's -e order; aggregated values are joined with ';'.
const std::vector<std::string> kFields = {"h225.protocolIdentifier", "h225.guid",
                                          "h225.conferenceID",       "h225.FastStart_item",
                                          "h225.h245Tunnelling",     "h245.capabilityTableEntryNumber",
                                          "h245.terminalType",       "h245.forwardLogicalChannelNumber"};

std::string Join(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i)
    s += (i ? ";" : "") + items[i];
  return s;
}

std::string Oid(const asn1::ObjectIdentifier& oid) {
  std::string s;
  for (size_t i = 0; i < oid.arcs.size(); ++i)
    s += (i ? "." : "") + std::to_string(oid.arcs[i]);
  return s;
}

// A 16-octet GUID as Wireshark prints FT_GUID fields (octets in wire order, 8-4-4-4-12).
std::string Guid(const std::vector<uint8_t>& b) {
  std::string s;
  char hex[3];
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    std::snprintf(hex, sizeof(hex), "%02x", b[i]);
    s += hex;
  }
  return s;
}

struct H225Fields {
  const asn1::ObjectIdentifier* protocol = nullptr;
  const h225::CallIdentifier* call_id = nullptr;
  const std::vector<uint8_t>* conference_id = nullptr;
  const std::vector<std::vector<uint8_t>>* fast_start = nullptr;
};

// A component that is mandatory in one message and optional (an extension addition) in another.
template <typename T>
const T* Ptr(const T& v) {
  return &v;
}
template <typename T>
const T* Ptr(const std::optional<T>& v) {
  return v ? &*v : nullptr;
}

H225Fields Fields(const h225::H323_UserInformation& ui) {
  H225Fields f;
  const auto& body = ui.h323_uu_pdu.h323_message_body;
  auto take = [&](const auto* m) {
    if (m == nullptr) return;
    f.protocol = &m->protocolIdentifier;
    f.call_id = Ptr(m->callIdentifier);
    if constexpr (requires { m->fastStart; }) f.fast_start = Ptr(m->fastStart);
    if constexpr (requires { m->conferenceID; }) f.conference_id = Ptr(m->conferenceID);
  };
  take(body.setup());
  take(body.callProceeding());
  take(body.connect());
  take(body.alerting());
  take(body.information());
  take(body.releaseComplete());
  take(body.facility());
  take(body.progress());
  return f;
}

// Tessera's row for one H.225.0 message.
std::string TesseraRow(const h225::H323_UserInformation& ui) {
  const H225Fields f = Fields(ui);
  std::vector<std::string> row(kFields.size());
  if (f.protocol) row[0] = Oid(*f.protocol);
  if (f.call_id) row[1] = Guid(f.call_id->guid);
  if (f.conference_id) row[2] = Guid(*f.conference_id);
  std::vector<std::string> fast, entries, terminal, channels;
  if (f.fast_start) {
    for (const auto& p : *f.fast_start) {
      fast.push_back(std::to_string(p.size()));
      if (auto olc = asn1::DecodePer<h245::OpenLogicalChannel>(p)) {
        channels.push_back(std::to_string(olc->forwardLogicalChannelNumber));
      }
    }
  }
  row[3] = Join(fast);
  const auto& uu = ui.h323_uu_pdu;
  if (uu.h245Tunnelling) row[4] = *uu.h245Tunnelling ? "1" : "0";
  if (uu.h245Control) {
    for (const auto& bytes : *uu.h245Control) {
      auto m = asn1::DecodePer<h245::MultimediaSystemControlMessage>(bytes);
      if (!m) continue;
      // Every message that names a logical channel by its forwardLogicalChannelNumber
      // (OpenLogicalChannel, its Ack and Reject, CloseLogicalChannel, ...).
      auto channel_of = [&](const auto& choice) {
        std::visit(
            [&](const auto& alternative) {
              if constexpr (requires { alternative.forwardLogicalChannelNumber; }) {
                channels.push_back(std::to_string(alternative.forwardLogicalChannelNumber));
              }
            },
            choice.value);
      };
      if (const auto* r = m->request()) channel_of(*r);
      if (const auto* r = m->response()) channel_of(*r);
      if (const auto* r = m->command()) channel_of(*r);
      if (const auto* r = m->indication()) channel_of(*r);
      const auto* req = m->request();
      if (req == nullptr) continue;
      if (const auto* tcs = req->terminalCapabilitySet(); tcs && tcs->capabilityTable) {
        for (const auto& e : *tcs->capabilityTable)
          entries.push_back(std::to_string(e.capabilityTableEntryNumber));
      }
      if (const auto* msd = req->masterSlaveDetermination()) terminal.push_back(std::to_string(msd->terminalType));
    }
  }
  row[5] = Join(entries);
  row[6] = Join(terminal);
  row[7] = Join(channels);
  return Join(row);
}

std::vector<std::string> TsharkRows(const std::filesystem::path& file) {
  std::vector<std::string> argv = {"tshark",      "-r", file.string(),  "-Y", "h225",        "-T", "fields", "-E",
                                   "separator=;", "-E", "aggregator=;", "-E", "occurrence=a"};
  for (const auto& f : kFields) {
    argv.push_back("-e");
    argv.push_back(f);
  }
  const auto run = tessera::testing::RunProgram(argv, std::chrono::seconds(60));
  EXPECT_EQ(run.exit_status, 0) << run.output;
  std::vector<std::string> rows;
  std::istringstream in(run.output);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.find("Running as user") != std::string::npos) continue;
    // Empty fields leave separators; normalise runs so both sides compare field by field.
    rows.push_back(line);
  }
  return rows;
}

TEST(H323Tshark, CapturedMessagesDecodeToTheSameKeyFieldsAsWireshark) {
  const auto files = CaptureFiles(CaptureDir());
  ASSERT_FALSE(files.empty()) << "no H.323 reference captures in " << CaptureDir();
  size_t compared = 0;
  for (const auto& file : files) {
    const auto call = ExtractCall(file);
    std::vector<std::string> ours;
    for (const auto& frame : call.q931) {
      auto m = DecodeH225Message(frame.bytes);
      ASSERT_TRUE(m) << frame.origin << ": " << m.error().ToString();
      if (m->user_information) ours.push_back(TesseraRow(*m->user_information));
    }
    auto theirs = TsharkRows(file);
    ASSERT_FALSE(theirs.empty()) << "tshark found no H.225.0 in " << file;
    // tshark's ';'-joined fields and aggregates cannot be split apart again, so each side's
    // row is compared as the same flat string.
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    std::vector<std::string> only_ours, only_theirs;
    std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(), std::back_inserter(only_ours));
    std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(), std::back_inserter(only_theirs));
    for (const auto& r : only_ours)
      ADD_FAILURE() << file.filename() << ": only Tessera has " << r;
    for (const auto& r : only_theirs)
      ADD_FAILURE() << file.filename() << ": only tshark has " << r;
    compared += ours.size();
  }
  EXPECT_GT(compared, 30u);
}

// The messages Tessera will send (h323_samples: SETUP with fast start ... RELEASE COMPLETE,
// with tunnelled H.245), TPKT-framed into a pcap by text2pcap, are dissected by tshark as
// H.225.0 and H.245 without a malformed packet or an expert error.
TEST(H323Tshark, TesseraMessagesAreDissectedWithoutMalformedPacketsOrExpertErrors) {
  tessera::testing::TempDir dir;
  std::string hexdump;
  size_t messages = 0;
  for (const auto& m : SampleCall()) {
    auto bytes = EncodeH225Message(m.q931, m.pdu);
    ASSERT_TRUE(bytes) << m.name << ": " << bytes.error().ToString();
    std::vector<uint8_t> frame;
    ASSERT_TRUE(AppendTpkt(*bytes, frame));
    // text2pcap's input: one packet per offset-0 block, octets as hex.
    char line[32];  // room for any size_t offset
    for (size_t i = 0; i < frame.size(); ++i) {
      if (i % 16 == 0) {
        std::snprintf(line, sizeof(line), "%s%06zx", i ? "\n" : "", i);
        hexdump += line;
      }
      std::snprintf(line, sizeof(line), " %02x", frame[i]);
      hexdump += line;
    }
    hexdump += "\n";
    ++messages;
  }
  const auto text = dir.WriteFile("messages.txt", hexdump);
  const auto pcap = dir.path() / "messages.pcap";
  auto made = tessera::testing::RunProgram({"text2pcap", "-q", "-T", "34854,1720", text.string(), pcap.string()},
                                           std::chrono::seconds(30));
  ASSERT_EQ(made.exit_status, 0) << made.output;
  auto dissected = tessera::testing::RunProgram({"tshark", "-r", pcap.string(), "-V"}, std::chrono::seconds(60));
  ASSERT_EQ(dissected.exit_status, 0) << dissected.output;
  const std::string& v = dissected.output;
  EXPECT_EQ(v.find("Malformed"), std::string::npos) << v;
  EXPECT_EQ(v.find("Expert Info (Error"), std::string::npos) << v;
  EXPECT_EQ(v.find("Expert Info (Warning"), std::string::npos) << v;
  // Every message reached the H.225.0 dissector, and the tunnelled H.245 the H.245 one.
  size_t h225 = 0;
  for (size_t at = v.find("H.225.0 CS"); at != std::string::npos; at = v.find("H.225.0 CS", at + 1))
    ++h225;
  EXPECT_EQ(h225, messages);
  EXPECT_NE(v.find("terminalCapabilitySet"), std::string::npos);
  EXPECT_NE(v.find("dialledDigits: 1000"), std::string::npos);
  EXPECT_NE(v.find("videoFastUpdatePicture"), std::string::npos);
}

}  // namespace
}  // namespace tessera::signaling::h323::testing
