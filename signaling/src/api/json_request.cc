#include "tessera/signaling/api/json_request.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <limits>

namespace tessera::signaling::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxStringBytes = 1024;
constexpr size_t kMaxArrayItems = 64;
constexpr int kMaxDepth = 8;

const char* TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "something else";
  }
}

// Reads the fields of one JSON object; the first problem is kept and the rest is skipped.
class Fields {
 public:
  // `prefix` names where a nested object sits ("layout.tiles[2]."), for its errors' field.
  explicit Fields(const json& object, std::string prefix = {}) : object_(object), prefix_(std::move(prefix)) {}

  bool failed() const { return error_.has_value(); }
  FieldError error() const { return *error_; }
  void Fail(std::string field, std::string expected, std::string message) {
    if (!error_) error_ = FieldError{prefix_ + field, std::move(expected), std::move(message)};
  }

  const json* Get(std::string_view key) {
    known_.emplace_back(key);
    auto it = object_.find(std::string(key));
    return it == object_.end() ? nullptr : &*it;
  }

  std::optional<std::string> String(std::string_view key, std::string_view expected, size_t min_len = 0,
                                    size_t max_len = kMaxStringBytes) {
    const json* v = Get(key);
    if (!v || failed()) return std::nullopt;
    if (!v->is_string()) {
      Fail(std::string(key), std::string(expected), fmt::format("{} must be a string, got {}", key, TypeName(*v)));
      return std::nullopt;
    }
    const std::string& s = v->get_ref<const std::string&>();
    if (s.size() < min_len || s.size() > max_len) {
      Fail(std::string(key), std::string(expected),
           fmt::format("{} must be {} to {} bytes long, got {}", key, min_len, max_len, s.size()));
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> Bool(std::string_view key) {
    const json* v = Get(key);
    if (!v || failed()) return std::nullopt;
    if (!v->is_boolean()) {
      Fail(std::string(key), "true or false", fmt::format("{} must be a boolean, got {}", key, TypeName(*v)));
      return std::nullopt;
    }
    return v->get<bool>();
  }

  std::optional<int> Int(std::string_view key, int min, int max) {
    const json* v = Get(key);
    if (!v || failed()) return std::nullopt;
    const std::string expected = fmt::format("an integer from {} to {}", min, max);
    if (!v->is_number_integer()) {
      Fail(std::string(key), expected, fmt::format("{} must be an integer, got {}", key, TypeName(*v)));
      return std::nullopt;
    }
    // Compare in the widest type: a huge unsigned or negative value must not wrap.
    bool in_range = false;
    if (v->is_number_unsigned()) {
      const uint64_t u = v->get<uint64_t>();
      in_range = u <= static_cast<uint64_t>(std::max(max, 0)) && static_cast<int64_t>(u) >= min;
    } else {
      const int64_t i = v->get<int64_t>();
      in_range = i >= min && i <= max;
    }
    if (!in_range) {
      Fail(std::string(key), expected, fmt::format("{} is out of range", key));
      return std::nullopt;
    }
    return static_cast<int>(v->get<int64_t>());
  }

  std::optional<double> Number(std::string_view key, double min, double max) {
    const json* v = Get(key);
    if (!v || failed()) return std::nullopt;
    const std::string expected = fmt::format("a number from {} to {}", min, max);
    if (!v->is_number()) {
      Fail(std::string(key), expected, fmt::format("{} must be a number, got {}", key, TypeName(*v)));
      return std::nullopt;
    }
    const double d = v->get<double>();
    if (!(d >= min && d <= max)) {
      Fail(std::string(key), expected, fmt::format("{} is out of range", key));
      return std::nullopt;
    }
    return d;
  }

  std::optional<std::vector<std::string>> Names(std::string_view key) {
    const json* v = Get(key);
    if (!v || failed()) return std::nullopt;
    const std::string expected = "an array of names (1-64 of A-Z a-z 0-9 _ . -)";
    if (!v->is_array() || v->size() > kMaxArrayItems) {
      Fail(std::string(key), expected,
           v->is_array() ? fmt::format("{} has more than {} items", key, kMaxArrayItems)
                         : fmt::format("{} must be an array, got {}", key, TypeName(*v)));
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      if (!item.is_string() || !IsSafeName(item.get_ref<const std::string&>())) {
        Fail(fmt::format("{}[{}]", key, i), expected, fmt::format("{}[{}] is not a valid name", key, i));
        return std::nullopt;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  // {"<name>": "<layout name>", ...}: names (IsSafeName) to layout names (1-64 bytes).
  std::optional<std::vector<std::pair<std::string, std::string>>> NameMap(std::string_view key,
                                                                          std::string_view expected) {
    const json* v = Get(key);
    if (!v || failed()) return std::nullopt;
    if (!v->is_object() || v->size() > kMaxArrayItems) {
      Fail(std::string(key), std::string(expected),
           v->is_object() ? fmt::format("{} has more than {} entries", key, kMaxArrayItems)
                          : fmt::format("{} must be an object, got {}", key, TypeName(*v)));
      return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = v->begin(); it != v->end(); ++it) {
      const std::string field = fmt::format("{}.{}", key, it.key());
      if (!IsSafeName(it.key())) {
        Fail(field, std::string(expected), fmt::format("\"{}\" is not a valid name", it.key()));
        return std::nullopt;
      }
      if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
          it->get_ref<const std::string&>().size() > 64) {
        Fail(field, std::string(expected), fmt::format("{} must be a layout name of 1 to 64 bytes", field));
        return std::nullopt;
      }
      out.emplace_back(it.key(), it->get<std::string>());
    }
    return out;
  }

  // After every Get: a field nobody asked for is an error (a typo must not pass silently).
  void RejectUnknown() {
    if (failed()) return;
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (std::find(known_.begin(), known_.end(), it.key()) == known_.end()) {
        std::string known;
        for (const std::string& k : known_)
          known += (known.empty() ? "" : ", ") + k;
        Fail(it.key(), "one of: " + known, fmt::format("unknown field \"{}\"", it.key()));
        return;
      }
    }
  }

 private:
  const json& object_;
  std::string prefix_;
  std::vector<std::string> known_;
  std::optional<FieldError> error_;
};

// Parses `body` as a JSON object of bounded nesting.
Result<json, FieldError> ParseObject(std::string_view body) {
  bool too_deep = false;
  // The callback runs during parsing, so a deeply nested body is refused before it is built.
  json::parser_callback_t limit = [&](int d, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) && d >= kMaxDepth)
      too_deep = true;
    return !too_deep;
  };
  json parsed = json::parse(body.begin(), body.end(), limit, /*allow_exceptions=*/false);
  if (too_deep)
    return MakeUnexpected(FieldError{"", "a JSON object", fmt::format("JSON nested deeper than {}", kMaxDepth)});
  if (parsed.is_discarded()) {
    // Say where: nlohmann's own message needs exceptions, so find the position again.
    std::string where;
    try {
      const json again = json::parse(body.begin(), body.end());
      (void)again;
    } catch (const json::parse_error& e) {
      where = fmt::format(" at byte {}", e.byte);
    } catch (const json::exception&) {
      // A number too large for a double (1e400) is out_of_range, not a parse_error.
      where = ": a number out of range";
    }
    return MakeUnexpected(FieldError{"", "a JSON object", "invalid JSON" + where});
  }
  if (!parsed.is_object())
    return MakeUnexpected(
        FieldError{"", "a JSON object", fmt::format("the body must be a JSON object, got {}", TypeName(parsed))});
  return parsed;
}

std::optional<int> Height(Fields& f) {
  auto h = f.Int("height", 360, 1080);
  if (h && *h != 360 && *h != 720 && *h != 1080) {
    f.Fail("height", "360, 720 or 1080", "height must be 360, 720 or 1080");
    return std::nullopt;
  }
  return h;
}

}  // namespace

bool IsSafeName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

Result<mcu::RoomSettings, FieldError> ParseRoomRequest(std::string_view body, bool create) {
  auto object = ParseObject(body);
  if (!object) return MakeUnexpected(object.error());
  Fields f(*object);
  mcu::RoomSettings s;
  const char* kNameExpected = "1-64 of A-Z a-z 0-9 _ . - (not starting with '.')";
  if (create) {
    auto id = f.String("id", kNameExpected, 1, 64);
    if (!f.failed() && !id) f.Fail("id", kNameExpected, "id is required");
    if (id && !IsSafeName(*id)) f.Fail("id", kNameExpected, "id \"" + *id + "\" is not a valid room id");
    if (id) s.id = *id;
  }
  s.name = f.String("name", "a display name of 0-128 bytes", 0, 128);
  s.aliases = f.Names("aliases");
  s.pin = f.String("pin", "4-12 digits, or \"\" for none", 0, 12);
  if (s.pin && !s.pin->empty() && (s.pin->size() < 4 || !std::all_of(s.pin->begin(), s.pin->end(), [](unsigned char c) {
                                     return c >= '0' && c <= '9';
                                   })))
    f.Fail("pin", "4-12 digits, or \"\" for none", "pin must be 4 to 12 digits");
  s.locked = f.Bool("locked");
  s.layout = f.String("layout", "a layout name (GET /api/v1/rooms/{room}/layout lists them)", 1, 64);
  s.rungs = f.Names("rungs");
  s.output_layouts = f.NameMap("output_layouts", "an object of rung names to layout names ({\"360p\": \"1x1\"})");
  s.max_participants = f.Int("max_participants", 1, 100000);
  f.RejectUnknown();
  if (f.failed()) return MakeUnexpected(f.error());
  if (!create && !s.name && !s.aliases && !s.pin && !s.locked && !s.layout && !s.rungs && !s.output_layouts &&
      !s.max_participants)
    return MakeUnexpected(FieldError{"", "at least one field", "the body changes nothing"});
  return s;
}

Result<ParticipantPatch, FieldError> ParseParticipantPatch(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return MakeUnexpected(object.error());
  Fields f(*object);
  ParticipantPatch p;
  p.display_name = f.String("display_name", "a name of 1-128 bytes", 1, 128);
  p.audio_muted = f.Bool("audio_muted");
  p.video_muted = f.Bool("video_muted");
  p.pin = f.Int("pin", 0, 256);
  f.RejectUnknown();
  if (f.failed()) return MakeUnexpected(f.error());
  if (!p.display_name && !p.audio_muted && !p.video_muted && !p.pin)
    return MakeUnexpected(FieldError{"", "at least one field", "the body changes nothing"});
  return p;
}

namespace {

constexpr const char* kLayoutExpected = "a layout name, or an object {\"tiles\": [...], \"allow_overlap\": false}";

// The value of a "layout" field: a name, or custom tiles.
Result<mcu::LayoutChoice, FieldError> ParseLayoutValue(const json* layout) {
  constexpr const char* kExpected = kLayoutExpected;
  mcu::LayoutChoice choice;
  if (layout->is_string()) {
    const std::string& name = layout->get_ref<const std::string&>();
    if (name.empty() || name.size() > 64)
      return MakeUnexpected(FieldError{"layout", kExpected, "a layout name is 1 to 64 bytes long"});
    choice.name = name;
    return choice;
  }
  if (!layout->is_object())
    return MakeUnexpected(FieldError{"layout", kExpected,
                                     fmt::format("layout must be a string or an object, got {}", TypeName(*layout))});
  Fields spec(*layout, "layout.");
  mcu::CustomLayout& custom = choice.custom.emplace();
  if (auto overlap = spec.Bool("allow_overlap")) custom.allow_overlap = *overlap;
  const json* tiles = spec.Get("tiles");
  spec.RejectUnknown();
  if (spec.failed()) return MakeUnexpected(spec.error());
  constexpr size_t kMaxTiles = 256;  // the mixer's limit (mixer::kMaxTiles)
  if (!tiles || !tiles->is_array() || tiles->empty() || tiles->size() > kMaxTiles) {
    return MakeUnexpected(FieldError{"layout.tiles", fmt::format("an array of 1 to {} tile objects", kMaxTiles),
                                     "layout.tiles must be an array of 1 to 256 tiles"});
  }
  for (size_t i = 0; i < tiles->size(); ++i) {
    const json& item = (*tiles)[i];
    const std::string where = fmt::format("layout.tiles[{}]", i);
    if (!item.is_object())
      return MakeUnexpected(FieldError{where, "a tile object {\"x\", \"y\", \"width\", \"height\", ...}",
                                       fmt::format("{} must be an object, got {}", where, TypeName(item))});
    Fields t(item, where + ".");
    mcu::CustomTile& tile = custom.tiles.emplace_back();
    for (auto [key, out] :
         {std::pair{"x", &tile.x}, {"y", &tile.y}, {"width", &tile.width}, {"height", &tile.height}}) {
      auto v = t.Number(key, 0, 1);
      if (!t.failed() && !v)
        t.Fail(key, "a number from 0 to 1 (a fraction of the canvas)", fmt::format("{} is required", key));
      if (v) *out = *v;
    }
    if (auto z = t.Int("z", -1000, 1000)) tile.z = *z;
    if (auto role = t.String("role", "any, active-speaker, pinned, slot or presentation", 1, 32)) tile.role = *role;
    if (auto slot = t.Int("slot", 0, 256)) tile.slot = *slot;
    if (auto border = t.Int("border", 0, 64)) tile.border = *border;
    if (auto fit = t.String("fit", "letterbox or crop", 1, 16)) tile.fit = *fit;
    t.RejectUnknown();
    if (t.failed()) return MakeUnexpected(t.error());
  }
  return choice;
}

// A stream's optional "layout": the picture of its own (a separate output), instead of
// its output's.
bool StreamLayout(Fields& f, mcu::StreamRequest& r, FieldError* error) {
  const json* layout = f.Get("layout");
  if (!layout) return true;
  auto choice = ParseLayoutValue(layout);
  if (!choice) {
    *error = choice.error();
    return false;
  }
  r.layout = std::move(*choice);
  return true;
}

}  // namespace

Result<mcu::LayoutChoice, FieldError> ParseLayoutRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return MakeUnexpected(object.error());
  Fields f(*object);
  const json* layout = f.Get("layout");
  f.RejectUnknown();
  if (f.failed()) return MakeUnexpected(f.error());
  if (!layout) return MakeUnexpected(FieldError{"layout", kLayoutExpected, "layout is required"});
  return ParseLayoutValue(layout);
}

Result<std::string, FieldError> ParseDialRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return MakeUnexpected(object.error());
  Fields f(*object);
  const char* kExpected = "a sip:, sips: or h323: URI";
  auto uri = f.String("uri", kExpected, 1, 512);
  if (!f.failed() && !uri) f.Fail("uri", kExpected, "uri is required");
  if (uri && !(uri->starts_with("sip:") || uri->starts_with("sips:") || uri->starts_with("h323:")))
    f.Fail("uri", kExpected, "uri must start with sip:, sips: or h323:");
  if (uri && std::any_of(uri->begin(), uri->end(), [](unsigned char c) { return c <= ' ' || c >= 127; }))
    f.Fail("uri", kExpected, "uri must not contain spaces or control characters");
  f.RejectUnknown();
  if (f.failed()) return MakeUnexpected(f.error());
  return *uri;
}

Result<mcu::StreamRequest, FieldError> ParseBroadcastRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return MakeUnexpected(object.error());
  Fields f(*object);
  mcu::StreamRequest r;
  const char* kKinds = "\"rtmp\", \"srt\" or \"hls\"";
  auto kind = f.String("kind", kKinds, 1, 16);
  if (!f.failed() && !kind) f.Fail("kind", kKinds, "kind is required");
  if (kind) {
    if (*kind == "rtmp")
      r.kind = mcu::StreamRequest::Kind::kRtmp;
    else if (*kind == "srt")
      r.kind = mcu::StreamRequest::Kind::kSrt;
    else if (*kind == "hls")
      r.kind = mcu::StreamRequest::Kind::kHls;
    else
      f.Fail("kind", kKinds, "unknown kind \"" + *kind + "\"");
  }
  auto target = f.String("target", "a URL (rtmp, srt) or a name (hls)", 1, 1024);
  if (!f.failed() && !target) f.Fail("target", "a URL (rtmp, srt) or a name (hls)", "target is required");
  if (!f.failed() && target) {
    const bool printable =
        std::none_of(target->begin(), target->end(), [](unsigned char c) { return c <= ' ' || c >= 127; });
    switch (r.kind) {
      case mcu::StreamRequest::Kind::kRtmp:
        if (!printable || !(target->starts_with("rtmp://") || target->starts_with("rtmps://")))
          f.Fail("target", "an rtmp:// or rtmps:// URL", "target must be an rtmp:// or rtmps:// URL");
        break;
      case mcu::StreamRequest::Kind::kSrt:
        if (!printable || !target->starts_with("srt://"))
          f.Fail("target", "an srt:// URL", "target must be an srt:// URL");
        break;
      default:
        if (!IsSafeName(*target))
          f.Fail("target", "a name of 1-64 of A-Z a-z 0-9 _ . - (not starting with '.')",
                 "target is not a valid HLS name");
    }
    r.target = *target;
  }
  if (auto h = Height(f)) r.height = *h;
  FieldError layout_error;
  if (!StreamLayout(f, r, &layout_error)) return MakeUnexpected(layout_error);
  f.RejectUnknown();
  if (f.failed()) return MakeUnexpected(f.error());
  return r;
}

Result<mcu::StreamRequest, FieldError> ParseRecordingRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return MakeUnexpected(object.error());
  Fields f(*object);
  mcu::StreamRequest r;
  r.kind = mcu::StreamRequest::Kind::kRecording;
  const char* kExpected = "a file name of 1-64 of A-Z a-z 0-9 _ . - (not starting with '.')";
  auto name = f.String("name", kExpected, 1, 64);
  if (!f.failed() && !name) f.Fail("name", kExpected, "name is required");
  if (name && !IsSafeName(*name)) f.Fail("name", kExpected, "name \"" + *name + "\" is not a valid file name");
  if (name) r.target = *name;
  if (auto h = Height(f)) r.height = *h;
  FieldError layout_error;
  if (!StreamLayout(f, r, &layout_error)) return MakeUnexpected(layout_error);
  f.RejectUnknown();
  if (f.failed()) return MakeUnexpected(f.error());
  return r;
}

}  // namespace tessera::signaling::api
