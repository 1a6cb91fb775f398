#pragma once
// ConferenceControl: the one door from the control plane (SIP, H.323, HTTP/WebSocket in
// signaling/) into the core. Signalling code holds a ConferenceControl& and never touches
// media objects; each call is either a snapshot read or a command that the core queues and
// applies at its next tick boundary (design.md §2, §4).
//
// Thread safety: every method may be called from any control-plane thread.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tessera::mcu {

struct ServerInfo {
  std::string name;
  std::string version;
  std::chrono::steady_clock::duration uptime{};
  // (library, version) of the codec libraries in use.
  std::vector<std::pair<std::string, std::string>> libraries;
};

class ConferenceControl {
 public:
  virtual ~ConferenceControl() = default;

  virtual ServerInfo GetServerInfo() const = 0;
};

}  // namespace tessera::mcu
