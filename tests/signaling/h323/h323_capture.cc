#include "h323_capture.h"

#include <algorithm>
#include <set>
#include <utility>

#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/h225_message.h"
#include "tessera/signaling/h323/tpkt.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/pcap.h"

namespace tessera::signaling::h323::testing {
namespace {

std::string Describe(const std::string& file, const tessera::testing::TcpStream& s) {
  return file + " " + s.source.address + ":" + std::to_string(s.source.port) + ">" + std::to_string(s.destination.port);
}

// Splits a stream into TPKT payloads; a broken frame ends the stream (as it would a connection).
std::vector<std::vector<uint8_t>> Frames(const tessera::testing::TcpStream& s, std::string* problem) {
  std::vector<std::vector<uint8_t>> frames;
  TpktFramer framer;
  if (!framer.Append(s.bytes)) {
    *problem = "stream larger than the framer's limit";
    return frames;
  }
  while (auto f = framer.Next())
    frames.emplace_back(f->begin(), f->end());
  if (framer.error() != TpktError::kNone) *problem = std::string(ToString(framer.error()));
  if (framer.buffered() > 0 && problem->empty()) *problem = "stream ends inside a TPKT frame";
  return frames;
}

void CollectH245Ports(const h225::H323_UserInformation& ui, std::set<uint16_t>& ports) {
  const auto* address = [&]() -> const h225::TransportAddress* {
    const auto& body = ui.h323_uu_pdu.h323_message_body;
    if (auto* s = body.setup(); s && s->h245Address) return &*s->h245Address;
    if (auto* c = body.connect(); c && c->h245Address) return &*c->h245Address;
    if (auto* p = body.callProceeding(); p && p->h245Address) return &*p->h245Address;
    if (auto* a = body.alerting(); a && a->h245Address) return &*a->h245Address;
    if (auto* f = body.facility(); f && f->h245Address) return &*f->h245Address;
    return nullptr;
  }();
  if (address == nullptr) return;
  if (const auto* ip = address->ipAddress()) ports.insert(ip->port);
}

}  // namespace

std::filesystem::path CaptureDir() {
  return tessera::testing::SharedDir() / "h323" / "captures";
}

std::vector<std::filesystem::path> CaptureFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto ext = entry.path().extension();
    if (ext == ".pcap" || ext == ".pcapng") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

CapturedCall ExtractCall(const std::filesystem::path& file) {
  CapturedCall call;
  call.file = file.filename().string();
  std::string error;
  auto packets = tessera::testing::ReadPcapFile(file, &error);
  if (!packets) {
    call.problems.push_back(error);
    return call;
  }
  const auto streams = tessera::testing::ReassembleTcpStreams(*packets);
  std::set<uint16_t> h245_ports;
  for (const auto& s : streams) {
    if (s.source.port != 1720 && s.destination.port != 1720) continue;
    std::string problem;
    const auto frames = Frames(s, &problem);
    if (!problem.empty()) call.problems.push_back(Describe(call.file, s) + ": " + problem);
    for (size_t i = 0; i < frames.size(); ++i) {
      const std::string origin = Describe(call.file, s) + " #" + std::to_string(i);
      call.q931.push_back({origin, frames[i]});
      auto m = DecodeH225Message(frames[i]);
      if (!m) {
        call.problems.push_back(origin + ": " + m.error().ToString());
        continue;
      }
      if (!m->user_information) continue;
      const auto& uu = m->user_information->h323_uu_pdu;
      if (uu.h245Control) {
        for (size_t k = 0; k < uu.h245Control->size(); ++k) {
          call.h245.push_back({origin + " h245Control[" + std::to_string(k) + "]", (*uu.h245Control)[k]});
        }
      }
      const std::vector<std::vector<uint8_t>>* fast_start = nullptr;
      const auto& body = uu.h323_message_body;
      if (auto* x = body.setup(); x && x->fastStart) fast_start = &*x->fastStart;
      if (auto* x = body.callProceeding(); x && x->fastStart) fast_start = &*x->fastStart;
      if (auto* x = body.alerting(); x && x->fastStart) fast_start = &*x->fastStart;
      if (auto* x = body.connect(); x && x->fastStart) fast_start = &*x->fastStart;
      if (auto* x = body.facility(); x && x->fastStart) fast_start = &*x->fastStart;
      if (fast_start != nullptr) {
        for (size_t k = 0; k < fast_start->size(); ++k) {
          call.fast_start.push_back({origin + " fastStart[" + std::to_string(k) + "]", (*fast_start)[k]});
        }
      }
      CollectH245Ports(*m->user_information, h245_ports);
    }
  }
  // Separate H.245 connections: TPKT-framed MultimediaSystemControlMessages to or from a port
  // announced in an h245Address.
  for (const auto& s : streams) {
    if (!h245_ports.count(s.source.port) && !h245_ports.count(s.destination.port)) continue;
    std::string problem;
    const auto frames = Frames(s, &problem);
    if (!problem.empty()) call.problems.push_back(Describe(call.file, s) + ": " + problem);
    for (size_t i = 0; i < frames.size(); ++i) {
      call.h245.push_back({Describe(call.file, s) + " #" + std::to_string(i), frames[i]});
    }
  }
  return call;
}

}  // namespace tessera::signaling::h323::testing
