// Built-in layouts by name, "auto", and the names of roles and fit modes, for the config
// file and the API.
#include <array>
#include <charconv>

#include "tessera/mixer/video/layout.h"

namespace tessera::mixer {
namespace {

// Parses a whole decimal number from `text` (no sign, no spaces).
std::optional<int> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

LayoutSpec Spec(std::string_view name, LayoutFamily family) {
  LayoutSpec s;
  s.name = std::string(name);
  s.family = family;
  return s;
}

std::optional<Side> ParseSide(std::string_view text) {
  if (text == "bottom") return Side::kBottom;
  if (text == "top") return Side::kTop;
  if (text == "left") return Side::kLeft;
  if (text == "right") return Side::kRight;
  return std::nullopt;
}

struct SpeakerGridShape {
  int thumbnails, grid_size, speaker_span;
  bool centre;
};
constexpr SpeakerGridShape kSpeakerGrids[] = {
    {5, 3, 2, false}, {7, 4, 3, false}, {9, 5, 4, false}, {12, 4, 2, true}, {16, 5, 3, true}, {20, 6, 4, true},
};

constexpr std::array<std::string_view, 45> kListedNames = {
    "auto",
    "1x1",
    "2x1",
    "1x2",
    "2x2",
    "3x2",
    "2x3",
    "3x3",
    "4x3",
    "4x4",
    "5x4",
    "5x5",
    "6x5",
    "6x6",
    "7x7",
    "8x8",
    "9x9",
    "10x10",
    "1+5",
    "1+7",
    "1+9",
    "1+12",
    "1+16",
    "1+20",
    "1+3-bottom",
    "1+4-bottom",
    "1+5-bottom",
    "1+6-bottom",
    "1+8-bottom",
    "1+4-top",
    "1+4-right",
    "1+6-right",
    "1+4-left",
    "pip",
    "1+3-overlay",
    "1+4-overlay",
    "2+0",
    "2+4",
    "2+6",
    "2+8",
    "presentation-right",
    "presentation-bottom",
    "presentation-pip",
    "presentation+speaker",
    "1+1",
};

}  // namespace

std::optional<LayoutSpec> FindNamedLayout(std::string_view name) {
  if (name == "auto") return Spec(name, LayoutFamily::kAuto);
  if (name == "pip" || name == "1+1") {
    LayoutSpec s = Spec(name, LayoutFamily::kOverlay);
    s.count = 1;
    return s;
  }
  if (name == "presentation-right" || name == "presentation-bottom") {
    LayoutSpec s = Spec(name, LayoutFamily::kSpeakerStrip);
    s.content = true;
    s.side = name == "presentation-right" ? Side::kRight : Side::kBottom;
    s.count = name == "presentation-right" ? 4 : 6;
    return s;
  }
  if (name == "presentation-pip") {
    LayoutSpec s = Spec(name, LayoutFamily::kOverlay);
    s.content = true;
    s.count = 1;
    return s;
  }
  if (name == "presentation+speaker") return Spec(name, LayoutFamily::kContentAndSpeaker);

  // "CxR"
  if (const size_t x = name.find('x'); x != std::string_view::npos) {
    const auto columns = ParseNumber(name.substr(0, x));
    const auto rows = ParseNumber(name.substr(x + 1));
    if (columns && rows && *columns >= 1 && *columns <= 10 && *rows >= 1 && *rows <= 10) {
      LayoutSpec s = Spec(name, LayoutFamily::kGrid);
      s.columns = *columns;
      s.rows = *rows;
      return s;
    }
    return std::nullopt;
  }
  // "1+N", "1+N-<side>", "1+N-overlay", "2+N"
  if (name.size() > 2 && name[1] == '+' && (name[0] == '1' || name[0] == '2')) {
    std::string_view rest = name.substr(2);
    std::string_view suffix;
    if (const size_t dash = rest.find('-'); dash != std::string_view::npos) {
      suffix = rest.substr(dash + 1);
      rest = rest.substr(0, dash);
    }
    const auto n = ParseNumber(rest);
    if (!n) return std::nullopt;
    if (name[0] == '2') {
      if (!suffix.empty() || *n > 12) return std::nullopt;
      LayoutSpec s = Spec(name, LayoutFamily::kTwoSpeakers);
      s.count = *n;
      return s;
    }
    if (suffix.empty()) {
      for (const auto& shape : kSpeakerGrids) {
        if (shape.thumbnails == *n) {
          LayoutSpec s = Spec(name, LayoutFamily::kSpeakerGrid);
          s.grid_size = shape.grid_size;
          s.speaker_span = shape.speaker_span;
          s.centre_speaker = shape.centre;
          return s;
        }
      }
      return std::nullopt;
    }
    if (suffix == "overlay") {
      if (*n < 1 || *n > 8) return std::nullopt;
      LayoutSpec s = Spec(name, LayoutFamily::kOverlay);
      s.count = *n;
      return s;
    }
    if (const auto side = ParseSide(suffix); side && *n >= 1 && *n <= 24) {
      LayoutSpec s = Spec(name, LayoutFamily::kSpeakerStrip);
      s.side = *side;
      s.count = *n;
      return s;
    }
  }
  return std::nullopt;
}

std::span<const std::string_view> NamedLayoutNames() {
  return kListedNames;
}

LayoutSpec AutoLayoutFor(std::span<const LayoutSource> sources) {
  int cameras = 0;
  bool content = false;
  for (const LayoutSource& s : sources) {
    if (s.presentation) {
      content = true;
    } else {
      ++cameras;
    }
  }
  if (content && cameras > 0) return *FindNamedLayout(cameras <= 4 ? "presentation-right" : "presentation-bottom");
  const int n = std::max(1, content ? 1 : cameras);
  // The smallest grid that holds n, as square as the canvas allows (one more column than
  // rows on a 16:9 canvas when that suffices); the last row is centred when not full.
  int columns = 1, rows = 1;
  while (columns * rows < n) {
    if (columns <= rows) {
      ++columns;
    } else {
      ++rows;
    }
  }
  LayoutSpec s;
  s.name = "auto";
  s.family = LayoutFamily::kGrid;
  s.columns = std::min(columns, 16);
  s.rows = std::min(rows, 16);
  s.count = std::min(n, kMaxTiles);
  return s;
}

std::string_view TileRoleName(TileRole role) {
  switch (role) {
    case TileRole::kAny:
      return "any";
    case TileRole::kActiveSpeaker:
      return "active-speaker";
    case TileRole::kPinned:
      return "pinned";
    case TileRole::kSlot:
      return "slot";
    case TileRole::kPresentation:
      return "presentation";
  }
  return "?";
}

std::optional<TileRole> ParseTileRole(std::string_view name) {
  for (TileRole r :
       {TileRole::kAny, TileRole::kActiveSpeaker, TileRole::kPinned, TileRole::kSlot, TileRole::kPresentation}) {
    if (TileRoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view FitModeName(FitMode fit) {
  return fit == FitMode::kCrop ? "crop" : "letterbox";
}

std::optional<FitMode> ParseFitMode(std::string_view name) {
  if (name == "letterbox") return FitMode::kLetterbox;
  if (name == "crop") return FitMode::kCrop;
  return std::nullopt;
}

}  // namespace tessera::mixer
