#include "tessera/signaling/sip/dtmf.h"

#include "sip/grammar.h"

namespace tessera::signaling::sip {
namespace {

// RFC 4733 event codes 0-15 and their characters; some phones send the code.
std::optional<char> Digit(std::string_view v) {
  v = grammar::Trim(v);
  if (v.size() == 1) {
    const char c = v[0];
    if (grammar::IsDigit(c) || c == '*' || c == '#') return c;
    if ((c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd')) return static_cast<char>(c & ~0x20);
    return std::nullopt;
  }
  const auto code = grammar::ParseUint(v, 15);
  if (!code) return std::nullopt;
  static constexpr char kCodes[] = "0123456789*#ABCD";
  return kCodes[*code];
}

}  // namespace

std::optional<DtmfEvent> ParseDtmfRelay(std::string_view body) {
  std::optional<DtmfEvent> out;
  uint64_t duration = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = grammar::Trim(body.substr(pos, end - pos));
    if (!line.empty() && line.back() == '\r') line = grammar::Trim(line.substr(0, line.size() - 1));
    pos = end + 1;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = grammar::Trim(line.substr(0, eq));
    const std::string_view value = grammar::Trim(line.substr(eq + 1));
    if (grammar::EqualsIgnoreCase(key, "Signal")) {
      const auto d = Digit(value);
      if (!d) return std::nullopt;
      out = DtmfEvent{*d, {}};
    } else if (grammar::EqualsIgnoreCase(key, "Duration")) {
      duration = grammar::ParseUint(value, 60000).value_or(0);
    }
  }
  if (out) out->duration = std::chrono::milliseconds(duration);
  return out;
}

std::optional<DtmfEvent> ParseDtmf(std::string_view body) {
  const auto d = Digit(grammar::Trim(std::string_view(body).substr(0, body.find_first_of("\r\n"))));
  if (!d) return std::nullopt;
  return DtmfEvent{*d, {}};
}

bool IsPictureFastUpdate(std::string_view body) {
  return body.find("picture_fast_update") != std::string_view::npos &&
         body.find("media_control") != std::string_view::npos;
}

}  // namespace tessera::signaling::sip
