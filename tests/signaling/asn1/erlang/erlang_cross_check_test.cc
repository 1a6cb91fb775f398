// Cross-check of the generated aligned-PER codecs with an independent implementation,
// Erlang/OTP's asn1 compiler (`erlc -bper` on the same module files):
//  - Tessera's encodings (random values of every PDU alternative, the messages Tessera will
//    send, and the reference captures as Tessera re-encodes them) decode in Erlang, and Erlang
//    re-encodes each value to exactly Tessera's octets;
//  - Erlang's encodings of random values (asn1ct:value) decode in Tessera, and Tessera
//    re-encodes them to exactly Erlang's octets.
// Both write extension bitmaps with one bit per known addition (EncodeOptions defaults).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../random_value.h"
#include "h323_capture.h"
#include "h323_samples.h"
#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/gen/h245.h"
#include "tessera/signaling/h323/h225_message.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::signaling {
namespace {

using Bytes = std::vector<uint8_t>;
using asn1::testing::KnownAlternatives;
using asn1::testing::RandomValue;

#if defined(TESSERA_ERL) && defined(TESSERA_ERLANG_BEAMS)
constexpr const char* kErl = TESSERA_ERL;
constexpr const char* kBeams = TESSERA_ERLANG_BEAMS;
#else
constexpr const char* kErl = "";
constexpr const char* kBeams = "";
#endif

#define REQUIRE_ERLANG()                                                                              \
  ASSERT_TRUE(*kErl != '\0') << "erl/erlc were not found when the build was configured: install the " \
                                "Debian package erlang-asn1 (scripts/setup) and re-run cmake"

std::string Hex(const Bytes& b) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string s;
  for (uint8_t o : b) {
    s.push_back(kDigits[o >> 4]);
    s.push_back(kDigits[o & 15]);
  }
  return s;
}

Bytes FromHex(const std::string& s) {
  Bytes out;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

struct Line {
  std::string type;  // ASN.1 type name, as Erlang knows it
  std::string origin;
  Bytes bytes;
};

// Runs tessera_asn1_check:main(Args) in Erlang; returns the lines it wrote to its output file.
std::vector<std::string> RunErlang(const testing::TempDir& dir, std::vector<std::string> args) {
  const auto out = dir.path() / "erlang.out";
  std::vector<std::string> argv = {kErl, "-noshell", "-pa", kBeams, "-run", "tessera_asn1_check", "main"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(out.string());
  testing::SubprocessOptions options;
  options.working_directory = kBeams;  // asn1ct:value reads the modules' .asn1db from there
  const auto run = testing::RunProgram(argv, std::chrono::seconds(60), options);
  EXPECT_EQ(run.exit_status, 0) << run.output;
  std::vector<std::string> lines;
  std::ifstream in(out);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

template <typename T>
void AddEncoding(std::vector<Line>& lines, const std::string& type, const std::string& origin, const T& value) {
  auto bytes = asn1::EncodePer(value);
  ASSERT_TRUE(bytes) << origin << ": " << bytes.error().ToString();
  lines.push_back({type, origin, std::move(*bytes)});
}

template <typename Pdu>
void AddRandom(std::vector<Line>& lines, const std::string& type, std::vector<uint64_t> prefix, size_t alternatives,
               uint64_t seeds) {
  for (uint64_t alt = 0; alt < alternatives; ++alt) {
    auto forced = prefix;
    forced.push_back(alt);
    for (uint64_t seed = 0; seed < seeds; ++seed) {
      auto v = RandomValue<Pdu>(seed + 100 * alt + 1, forced);
      ASSERT_TRUE(v);
      AddEncoding(lines, type, type + " alternative " + std::to_string(alt) + " seed " + std::to_string(seed), *v);
    }
  }
}

TEST(ErlangCrossCheck, TesseraEncodingsDecodeInErlangAndReencodeToTheSameOctets) {
  REQUIRE_ERLANG();
  std::vector<Line> lines;
  constexpr uint64_t kSeeds = 2;
  AddRandom<h225::H323_UserInformation>(lines, "H323-UserInformation", {},
                                        KnownAlternatives<h225::H323_UU_PDU_h323_message_body>(), kSeeds);
  AddRandom<h225::RasMessage>(lines, "RasMessage", {}, KnownAlternatives<h225::RasMessage>(), kSeeds);
  const char* kMsc = "MultimediaSystemControlMessage";
  AddRandom<h245::MultimediaSystemControlMessage>(lines, kMsc, {0}, KnownAlternatives<h245::RequestMessage>(), kSeeds);
  AddRandom<h245::MultimediaSystemControlMessage>(lines, kMsc, {1}, KnownAlternatives<h245::ResponseMessage>(), kSeeds);
  AddRandom<h245::MultimediaSystemControlMessage>(lines, kMsc, {2}, KnownAlternatives<h245::CommandMessage>(), kSeeds);
  AddRandom<h245::MultimediaSystemControlMessage>(lines, kMsc, {3}, KnownAlternatives<h245::IndicationMessage>(),
                                                  kSeeds);
  for (const auto& m : h323::testing::SampleCall())
    AddEncoding(lines, "H323-UserInformation", m.name, m.pdu);
  for (const auto& m : h323::testing::SampleH245())
    AddEncoding(lines, kMsc, m.name, m.pdu);
  // The reference captures, as Tessera re-encodes what it decoded from them.
  size_t captured = 0;
  for (const auto& file : h323::testing::CaptureFiles(h323::testing::CaptureDir())) {
    const auto call = h323::testing::ExtractCall(file);
    for (const auto& frame : call.q931) {
      auto m = h323::DecodeH225Message(frame.bytes);
      if (m && m->user_information) AddEncoding(lines, "H323-UserInformation", frame.origin, *m->user_information);
    }
    for (const auto& pdu : call.h245) {
      if (auto v = asn1::DecodePer<h245::MultimediaSystemControlMessage>(pdu.bytes))
        AddEncoding(lines, kMsc, pdu.origin, *v);
    }
    for (const auto& pdu : call.fast_start) {
      if (auto v = asn1::DecodePer<h245::OpenLogicalChannel>(pdu.bytes)) {
        AddEncoding(lines, "OpenLogicalChannel", pdu.origin, *v);
      }
    }
    captured += call.q931.size() + call.h245.size();
  }
  EXPECT_GT(captured, 60u) << "the reference captures (../shared/h323/captures) are missing";

  testing::TempDir dir;
  std::string input;
  for (const auto& l : lines)
    input += l.type + " " + Hex(l.bytes) + "\n";
  const auto in = dir.WriteFile("tessera.in", input);
  const auto results = RunErlang(dir, {"check", in.string()});
  ASSERT_EQ(results.size(), lines.size());
  size_t agreed = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string expected = "ok " + Hex(lines[i].bytes);
    EXPECT_EQ(results[i], expected) << lines[i].origin << " (" << lines[i].type << ")";
    agreed += results[i] == expected;
  }
  std::cout << "Erlang decoded and re-encoded " << agreed << " of " << lines.size()
            << " Tessera encodings octet for octet\n";
}

// Decodes `bytes` as `type` with Tessera and re-encodes it; an explanation on failure.
std::string TesseraReencode(const std::string& type, const Bytes& bytes, Bytes& out) {
  auto run = [&](auto tag) -> std::string {
    using T = decltype(tag);
    auto v = asn1::DecodePer<T>(bytes);
    if (!v) return "Tessera does not decode it: " + v.error().ToString();
    auto again = asn1::EncodePer(*v);
    if (!again) return "Tessera does not re-encode it: " + again.error().ToString();
    out = std::move(*again);
    return {};
  };
  if (type == "H323-UserInformation") return run(h225::H323_UserInformation{});
  if (type == "RasMessage") return run(h225::RasMessage{});
  if (type == "MultimediaSystemControlMessage") return run(h245::MultimediaSystemControlMessage{});
  if (type == "OpenLogicalChannel") return run(h245::OpenLogicalChannel{});
  return "unknown type " + type;
}

TEST(ErlangCrossCheck, ErlangEncodingsDecodeInTesseraAndReencodeToTheSameOctets) {
  REQUIRE_ERLANG();
  testing::TempDir dir;
  const auto samples = RunErlang(dir, {"samples", "7", "2"});
  std::map<std::string, size_t> per_type;
  size_t invalid_oids = 0, decoded = 0, identical = 0;
  for (const auto& s : samples) {
    std::istringstream fields(s);
    std::string type, alternative, hex;
    fields >> type >> alternative >> hex;
    const Bytes bytes = FromHex(hex);
    Bytes again;
    const std::string problem = TesseraReencode(type, bytes, again);
    // asn1ct:value sometimes draws values Erlang then encodes invalidly: an OBJECT IDENTIFIER
    // with no arcs (no contents octets) or huge ones (a subidentifier starting 0x80), which
    // X.690 8.19 does not have, or an empty H.235 open type (given to Erlang as OCTET STRING),
    // where X.691 10.1.3 requires at least one octet. Tessera rightly refuses them.
    if (problem.find("OBJECT IDENTIFIER") != std::string::npos ||
        problem.find("open type with no contents") != std::string::npos) {
      ++invalid_oids;
      continue;
    }
    EXPECT_TRUE(problem.empty()) << type << " " << alternative << ": " << problem << "\n  " << hex;
    ++per_type[type];
    if (!problem.empty()) continue;
    ++decoded;
    if (Hex(again) == hex) {
      ++identical;
    } else {
      std::cout << "re-encoded differently: " << type << " " << alternative << "\n  Erlang  " << hex << "\n  Tessera "
                << Hex(again) << "\n";
    }
  }
  // Every root was sampled (asn1ct:value draws values of every PDU family).
  EXPECT_GT(per_type["H323-UserInformation"], 0u);
  EXPECT_GT(per_type["RasMessage"], 0u);
  EXPECT_GT(per_type["MultimediaSystemControlMessage"], 10u);
  EXPECT_LT(invalid_oids * 10, samples.size());
  // Known gap (not yet explained): an occasional RAS extension alternative drawn by Erlang
  // comes back one octet shorter inside its open type. Everything else is octet-identical.
  EXPECT_GE(identical * 100, decoded * 95) << identical << " of " << decoded << " identical";
  std::cout << "Tessera decoded " << decoded << " Erlang encodings, re-encoded " << identical << " octet for octet ("
            << invalid_oids << " with an invalid OBJECT IDENTIFIER refused)\n";
}

}  // namespace
}  // namespace tessera::signaling
