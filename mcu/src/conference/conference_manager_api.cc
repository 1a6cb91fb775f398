// ConferenceManager: the control API's side — rooms created, changed and deleted at run
// time, participant snapshots with live statistics, mutes, names, layouts, engine counters
// for /metrics, and the participant events. Control threads only; the media strands are
// reached through Room's posted commands and snapshots.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <future>

#include "server/png.h"
#include "tessera/base/log.h"
#include "tessera/mcu/conference/conference_manager.h"
#include "tessera/mixer/video/layout.h"

namespace tessera::mcu::conference {

namespace {

constexpr log::Component kLog{"conference.api", log::Tag::kApi};
// A snapshot waits for both strands to run one handler: normally well under a tick.
constexpr auto kSnapshotWait = std::chrono::seconds(2);
constexpr auto kStopWait = std::chrono::seconds(2);
constexpr size_t kDeletedRemembered = 1024;

ControlError Error(ControlError::Kind kind, std::string message) {
  return ControlError{kind, std::move(message)};
}

// A layout name the catalogue does not have, asked for in `field`.
ControlError UnknownLayout(std::string field, const std::string& name) {
  std::string message = (field == "layout" ? "" : field + ": ") + "unknown layout \"" + name + "\"";
  return ControlError{ControlError::Kind::kBadRequest, std::move(message), std::move(field),
                      "a layout name (GET /api/v1/rooms/{room}/layout lists them)"};
}

// Custom tiles that do not make a layout; `problem` is BuildCustomLayout's first, as
// "tiles[2].width: must be in (0, 1]; got 1.5".
ControlError BadTiles(const std::string& problem) {
  const std::string message = "layout." + problem;
  const size_t colon = message.find(": ");
  return ControlError{ControlError::Kind::kBadRequest, message,
                      colon == std::string::npos ? "layout" : message.substr(0, colon),
                      "a valid custom layout (see docs/openapi.yaml)"};
}

bool IsName(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

// The checks ParseRoom makes on a [[rooms]] table, for the fields the request set (the
// layout name is checked by ConferenceManager::CheckSettings, which knows the catalogue).
Result<void, ControlError> CheckFields(const RoomSettings& s) {
  using Kind = ControlError::Kind;
  if (s.aliases)
    for (const std::string& a : *s.aliases)
      if (!IsName(a))
        return MakeUnexpected(Error(Kind::kBadRequest, "alias \"" + a + "\" is not 1-64 of [A-Za-z0-9_.-]"));
  if (s.pin && !s.pin->empty()) {
    const bool digits = std::all_of(s.pin->begin(), s.pin->end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || s.pin->size() < 4 || s.pin->size() > 12)
      return MakeUnexpected(Error(Kind::kBadRequest, "pin must be 4 to 12 digits, or \"\" for none"));
  }
  if (s.max_participants && (*s.max_participants < 1 || *s.max_participants > 100000))
    return MakeUnexpected(Error(Kind::kBadRequest, "max_participants must be 1 to 100000"));
  return {};
}

void Apply(const RoomSettings& s, RoomConfig& c) {
  if (s.name) c.name = s.name->empty() ? c.id : *s.name;
  if (s.aliases) c.aliases = *s.aliases;
  if (s.pin) c.pin = *s.pin;
  if (s.locked) c.locked = *s.locked;
  if (s.layout) c.layout = *s.layout;
  if (s.output_layouts) c.output_layouts = *s.output_layouts;
  if (s.rungs) c.rungs = *s.rungs;
  if (s.max_participants) c.max_participants = *s.max_participants;
}

}  // namespace

Result<void, ControlError> ConferenceManager::CheckSettings(const RoomSettings& s) const {
  if (auto ok = CheckFields(s); !ok) return ok;
  if (s.layout && !layouts_.Find(*s.layout)) return MakeUnexpected(UnknownLayout("layout", *s.layout));
  if (s.output_layouts)
    for (const auto& [rung, layout] : *s.output_layouts)
      if (!layouts_.Find(layout)) return MakeUnexpected(UnknownLayout("output_layouts." + rung, layout));
  return {};
}

Result<void, ControlError> ConferenceManager::CheckNames(const RoomConfig& settings, const Entry* self) const {
  std::vector<std::string> names = settings.aliases;
  names.push_back(settings.id);
  for (const std::string& n : names) {
    const Entry* other = Lookup(n);
    if (other && other != self)
      return MakeUnexpected(
          Error(ControlError::Kind::kConflict, "\"" + n + "\" already names room " + other->settings.id));
  }
  return {};
}

Result<RoomSummary, ControlError> ConferenceManager::CreateRoom(const RoomSettings& request) {
  using Kind = ControlError::Kind;
  if (!IsName(request.id)) return MakeUnexpected(Error(Kind::kBadRequest, "id must be 1-64 of [A-Za-z0-9_.-]"));
  if (auto ok = CheckSettings(request); !ok) return MakeUnexpected(ok.error());
  RoomConfig rc;
  rc.id = request.id;
  rc.name = request.id;
  Apply(request, rc);
  for (const std::string& name : rc.rungs)
    if (std::none_of(config_.rungs.begin(), config_.rungs.end(), [&](const RungConfig& r) { return r.name == name; }))
      return MakeUnexpected(Error(Kind::kBadRequest, "no rung named \"" + name + "\" in the config"));
  for (const auto& own : rc.output_layouts) {
    const std::string& rung = own.first;  // named: lambdas cannot capture bindings before clang 16
    const bool offered = rc.rungs.empty() ? std::any_of(config_.rungs.begin(), config_.rungs.end(),
                                                        [&](const RungConfig& r) { return r.name == rung; })
                                          : std::find(rc.rungs.begin(), rc.rungs.end(), rung) != rc.rungs.end();
    if (!offered)
      return MakeUnexpected(
          Error(Kind::kBadRequest, "output_layouts." + rung + ": the room has no rung \"" + rung + "\""));
  }

  RoomSummary summary;
  {
    std::lock_guard lock(mutex_);
    if (auto ok = CheckNames(rc, nullptr); !ok) return MakeUnexpected(ok.error());
    std::erase(deleted_, rc.id);
    summary = SummaryOf(OpenRoom(rc));
  }
  TLOG_INFO(kLog, "room {} created", rc.id);
  events_.Emit(ControlEvent{"room.created", rc.id, {}, {}});
  return summary;
}

Result<RoomSummary, ControlError> ConferenceManager::UpdateRoom(std::string_view room, const RoomSettings& changes) {
  using Kind = ControlError::Kind;
  if (auto ok = CheckSettings(changes); !ok) return MakeUnexpected(ok.error());
  RoomSummary summary;
  std::optional<mixer::LayoutSpec> layout;
  bool output_layouts_changed = false;
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    if (changes.rungs && *changes.rungs != entry->settings.rungs)
      return MakeUnexpected(Error(Kind::kConflict, "the rungs of a room are fixed when it is created"));
    RoomConfig next = entry->settings;
    Apply(changes, next);
    if (auto ok = CheckNames(next, entry); !ok) return MakeUnexpected(ok.error());
    if (changes.output_layouts)
      for (const auto& [rung, name] : *changes.output_layouts)
        if (auto ok = CheckOutput(*entry, rung); !ok)
          return MakeUnexpected(Error(Kind::kBadRequest, "output_layouts." + rung + ": " + ok.error().message));
    if (changes.layout && (*changes.layout != entry->settings.layout || entry->posted_layout))
      layout = layouts_.Find(*changes.layout);
    if (layout) entry->posted_layout.reset();
    if (changes.output_layouts) {
      // The whole set: rungs left out follow the room's layout again.
      for (const auto& before : entry->settings.output_layouts)
        if (std::none_of(next.output_layouts.begin(), next.output_layouts.end(),
                         [&](const auto& o) { return o.first == before.first; }))
          entry->room->SetOutputLayout(before.first, std::nullopt);
      entry->posted_output_layouts.clear();
      for (const auto& [rung, name] : next.output_layouts)
        entry->room->SetOutputLayout(rung, layouts_.Find(name));
      output_layouts_changed = true;
    }
    entry->settings = std::move(next);
    if (layout) entry->room->SetLayout(*layout);
    summary = SummaryOf(*entry);
  }
  if (layout) events_.Emit(ControlEvent{"layout.changed", summary.id, {}, {{"layout", summary.layout}}});
  if (output_layouts_changed)
    for (const OutputLayout& own : summary.output_layouts)
      events_.Emit(ControlEvent{"layout.changed", summary.id, {}, {{"layout", own.layout}, {"output", own.output}}});
  events_.Emit(ControlEvent{"room.updated", summary.id, {}, {}});
  return summary;
}

Result<void, ControlError> ConferenceManager::DeleteRoom(std::string_view room) {
  using Kind = ControlError::Kind;
  std::unique_ptr<Room> doomed;
  std::string id;
  std::vector<std::pair<std::string, ParticipantRequest>> left;
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) {
      if (std::find(deleted_.begin(), deleted_.end(), room) != deleted_.end())
        return MakeUnexpected(Error(Kind::kConflict, "room \"" + std::string(room) + "\" was deleted already"));
      return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    }
    id = entry->settings.id;
    left.assign(entry->participants.begin(), entry->participants.end());
    doomed = std::move(entry->room);
    rooms_.erase(id);
    deleted_.push_back(id);
    if (deleted_.size() > kDeletedRemembered) deleted_.erase(deleted_.begin());
  }
  // Its broadcasts and recordings end first (files get their trailers); the room then
  // closes every participant's sockets and is destroyed once its strands let go.
  streams_->StopRoom(*doomed);
  auto promise = std::make_shared<std::promise<void>>();
  auto stopped = promise->get_future();
  doomed->Stop([promise] { promise->set_value(); });
  if (stopped.wait_for(kStopWait) != std::future_status::ready) {
    TLOG_WARN(kLog, "room {} did not stop in time; kept until shutdown", id);
    std::lock_guard lock(mutex_);
    stopped_late_.push_back(std::move(doomed));
  }
  for (const auto& [pid, request] : left)
    EmitParticipant("participant.left", id, pid, request);
  TLOG_INFO(kLog, "room {} deleted ({} participant(s) left)", id, left.size());
  events_.Emit(ControlEvent{"room.deleted", id, {}, {}});
  // Their calls end too (BYE, RELEASE COMPLETE): the adapters' own removals then find
  // nobody, so participant.left stays the one above.
  for (const auto& [pid, request] : left)
    EndCall(request.protocol, id, pid, "the room was deleted");
  return {};
}

Result<void, ControlError> ConferenceManager::KickParticipant(std::string_view room, std::string_view participant_id) {
  std::string room_id;
  std::string protocol;
  {
    std::lock_guard lock(mutex_);
    auto found = FindParticipant(room, participant_id);
    if (!found) return MakeUnexpected(found.error());
    room_id = found->first->settings.id;
    protocol = found->second->second.protocol;
  }
  // If the call ended meanwhile its adapter removed it first: kNotFound, nothing to end.
  auto removed = RemoveParticipant(room_id, participant_id);
  if (!removed) return removed;
  TLOG_INFO(kLog, "room {}: {} ({}) removed by the operator", room_id, participant_id, protocol);
  EndCall(protocol, room_id, std::string(participant_id), "removed by the operator");
  return {};
}

void ConferenceManager::SetCallEnder(std::string_view protocol, ConferenceControl::CallEnder ender) {
  std::lock_guard lock(enders_mutex_);
  if (ender)
    enders_.insert_or_assign(std::string(protocol), std::move(ender));
  else if (auto it = enders_.find(protocol); it != enders_.end())
    enders_.erase(it);
}

void ConferenceManager::EndCall(const std::string& protocol, const std::string& room, const std::string& id,
                                const std::string& reason) const {
  ConferenceControl::CallEnder ender;
  {
    std::lock_guard lock(enders_mutex_);
    if (auto it = enders_.find(protocol); it != enders_.end()) ender = it->second;
  }
  if (ender) ender(room, id, reason);
}

Result<std::vector<ParticipantInfo>, ControlError> ConferenceManager::ListParticipants(std::string_view room) {
  using Kind = ControlError::Kind;
  auto promise = std::make_shared<std::promise<Room::Snapshot>>();
  auto future = promise->get_future();
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    entry->room->TakeSnapshot([promise](Room::Snapshot s) { promise->set_value(std::move(s)); });
  }
  if (future.wait_for(kSnapshotWait) != std::future_status::ready)
    return MakeUnexpected(Error(Kind::kUnavailable, "the room's media loop did not answer in time"));
  return std::move(future.get().participants);
}

Result<void, ControlError> ConferenceManager::MuteParticipant(std::string_view room, std::string_view participant_id,
                                                              MediaKind kind, bool muted) {
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room, participant_id);
  if (!found) return MakeUnexpected(found.error());
  found->first->room->Mute(std::string(participant_id), kind, muted);
  return {};
}

Result<void, ControlError> ConferenceManager::SetDisplayName(std::string_view room, std::string_view participant_id,
                                                             std::string_view name) {
  if (name.empty() || name.size() > 128)
    return MakeUnexpected(Error(ControlError::Kind::kBadRequest, "display name must be 1 to 128 bytes"));
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room, participant_id);
  if (!found) return MakeUnexpected(found.error());
  found->second->second.display_name = std::string(name);
  found->first->room->Rename(std::string(participant_id), std::string(name));
  return {};
}

Result<void, ControlError> ConferenceManager::SetLayout(std::string_view room, std::string_view layout) {
  RoomSettings changes;
  changes.layout = std::string(layout);
  auto updated = UpdateRoom(room, changes);
  if (!updated) return MakeUnexpected(updated.error());
  return {};
}

Result<void, ControlError> ConferenceManager::SetCustomLayout(std::string_view room, const CustomLayout& layout) {
  auto spec = BuildCustomLayout("custom", layout);
  if (!spec) return MakeUnexpected(BadTiles(spec.error().front()));
  std::string id;
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    entry->posted_layout = *spec;
    entry->settings.layout = "custom";
    entry->room->SetLayout(std::move(*spec));
    id = entry->settings.id;
  }
  events_.Emit(ControlEvent{"layout.changed", id, {}, {{"layout", "custom"}}});
  return {};
}

std::vector<RoomStats> ConferenceManager::GetRoomStats() {
  std::vector<RoomStats> all;
  std::vector<std::future<Room::Snapshot>> snapshots;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : rooms_) {
      const RoomCounters& c = entry.room->counters();
      RoomStats& s = all.emplace_back();
      s.room = id;
      auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
      s.audio_ticks = get(c.audio_ticks);
      s.video_ticks = get(c.video_ticks);
      s.late_audio_ticks = get(c.late_audio_ticks);
      s.late_video_ticks = get(c.late_video_ticks);
      s.frames_composed = get(c.frames_composed);
      s.frames_encoded = get(c.frames_encoded);
      s.frames_decoded = get(c.frames_decoded);
      s.rtp_packets_sent = get(c.rtp_packets_sent);
      s.rtp_packets_resent = get(c.rtp_packets_resent);
      s.rtp_packets_received = get(c.rtp_packets_received);
      s.packets_dropped = get(c.packets_dropped);
      s.keyframes_forced = get(c.keyframes_forced);
      auto durations = [&](const auto& histogram, RoomStats::TickDurations& out) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i < histogram.buckets.size(); ++i) {
          cumulative += get(histogram.buckets[i]);
          if (i < histogram.bounds_us.size()) {
            out.bucket_us.push_back(static_cast<double>(histogram.bounds_us[i]));
            out.bucket_counts.push_back(cumulative);
          }
        }
        out.count = cumulative;
        out.sum_us = static_cast<double>(get(histogram.sum_us));
      };
      durations(c.video_tick_us, s.video_tick_durations);
      durations(c.audio_tick_us, s.audio_tick_durations);
      for (int stage = 0; stage < kStageCount; ++stage)
        s.cpu_seconds_by_stage.emplace_back(kStageNames[static_cast<size_t>(stage)],
                                            static_cast<double>(get(c.stage_cpu_ns[static_cast<size_t>(stage)])) / 1e9);
      // The outputs (encoder counters) live on the video strand: ask for a snapshot.
      auto promise = std::make_shared<std::promise<Room::Snapshot>>();
      snapshots.push_back(promise->get_future());
      entry.room->TakeSnapshot([promise](Room::Snapshot snap) { promise->set_value(std::move(snap)); });
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + kSnapshotWait;
  for (size_t i = 0; i < all.size(); ++i)
    if (snapshots[i].wait_until(deadline) == std::future_status::ready) {
      Room::Snapshot snapshot = snapshots[i].get();
      all[i].outputs = std::move(snapshot.outputs);
      all[i].participants = std::move(snapshot.participants);
    }
  return all;
}

Result<mixer::LayoutSpec, ControlError> ConferenceManager::ResolveLayout(const LayoutChoice& choice) const {
  if (choice.custom) {
    auto custom = BuildCustomLayout("custom", *choice.custom);
    if (!custom) return MakeUnexpected(BadTiles(custom.error().front()));
    return std::move(*custom);
  }
  const std::string name = choice.name.value_or("");
  auto spec = layouts_.Find(name);
  if (!spec) return MakeUnexpected(UnknownLayout("layout", name));
  return std::move(*spec);
}

Result<void, ControlError> ConferenceManager::CheckOutput(const Entry& entry, std::string_view output) const {
  std::vector<std::string> names;
  for (const RungConfig& r : entry.room->rungs()) {
    if (r.name == output) return {};
    names.push_back(r.name);
  }
  return MakeUnexpected(Error(ControlError::Kind::kNotFound,
                              fmt::format("room \"{}\" has no output \"{}\" (its outputs are the rungs {})",
                                          entry.settings.id, output, fmt::join(names, ", "))));
}

Result<void, ControlError> ConferenceManager::SetOutputLayout(std::string_view room, std::string_view output,
                                                              const LayoutChoice& layout) {
  auto spec = ResolveLayout(layout);
  if (!spec) return MakeUnexpected(spec.error());
  const std::string name = layout.custom ? "custom" : *layout.name;
  std::string id;
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    if (auto ok = CheckOutput(*entry, output); !ok) return MakeUnexpected(ok.error());
    auto& own = entry->settings.output_layouts;
    std::erase_if(own, [&](const auto& o) { return o.first == output; });
    own.emplace_back(std::string(output), name);
    entry->posted_output_layouts.erase(std::string(output));
    if (layout.custom) entry->posted_output_layouts.emplace(std::string(output), *spec);
    entry->room->SetOutputLayout(std::string(output), std::move(*spec));
    id = entry->settings.id;
  }
  events_.Emit(ControlEvent{"layout.changed", id, {}, {{"layout", name}, {"output", std::string(output)}}});
  return {};
}

Result<void, ControlError> ConferenceManager::ClearOutputLayout(std::string_view room, std::string_view output) {
  std::string id;
  std::string layout;
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    if (auto ok = CheckOutput(*entry, output); !ok) return MakeUnexpected(ok.error());
    auto& own = entry->settings.output_layouts;
    if (std::erase_if(own, [&](const auto& o) { return o.first == output; }) == 0) return {};  // followed already
    entry->posted_output_layouts.erase(std::string(output));
    entry->room->SetOutputLayout(std::string(output), std::nullopt);
    id = entry->settings.id;
    layout = entry->settings.layout;
  }
  events_.Emit(ControlEvent{"layout.changed", id, {}, {{"layout", layout}, {"output", std::string(output)}}});
  return {};
}

Result<std::string, ControlError> ConferenceManager::RenderLayoutPreview(std::string_view room, int width, int height,
                                                                         const LayoutChoice& asked,
                                                                         std::string_view output) {
  using Kind = ControlError::Kind;
  if (width < 16 || width > 1920 || height < 16 || height > 1080 || width % 2 || height % 2)
    return MakeUnexpected(Error(Kind::kBadRequest, "width and height must be even, 16-1920 x 16-1080"));
  std::optional<mixer::LayoutSpec> spec;
  if (asked.custom || asked.name) {
    auto resolved = ResolveLayout(asked);
    if (!resolved) return MakeUnexpected(resolved.error());
    spec = std::move(*resolved);
  }
  auto promise = std::make_shared<std::promise<I420Buffer>>();
  auto future = promise->get_future();
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room);
    if (!entry) return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room) + "\""));
    if (!output.empty())
      if (auto ok = CheckOutput(*entry, output); !ok) return MakeUnexpected(ok.error());
    entry->room->TakePreview(
        {width, height}, std::move(spec), [promise](I420Buffer b) { promise->set_value(std::move(b)); },
        std::string(output));
  }
  if (future.wait_for(kSnapshotWait) != std::future_status::ready)
    return MakeUnexpected(Error(Kind::kUnavailable, "the room's media loop did not answer in time"));
  // Scaled and encoded here, on the control thread: the strand only copied the canvas.
  const I420Buffer picture = future.get();
  std::string png = EncodePngI420(picture.const_view(), width, height);
  if (png.empty()) return MakeUnexpected(Error(Kind::kInternal, "the preview could not be encoded"));
  return png;
}

void ConferenceManager::ReportError(std::string_view room, std::string_view participant, std::string_view code,
                                    std::string_view message, std::vector<std::pair<std::string, std::string>> fields) {
  std::string id(room);
  {
    std::lock_guard lock(mutex_);
    if (const Entry* entry = Lookup(room)) id = entry->settings.id;  // a deleted room keeps the name it was given
  }
  ControlEvent event{"error", std::move(id), std::string(participant), {}};
  event.fields.emplace_back("code", std::string(code));
  event.fields.emplace_back("message", std::string(message));
  for (auto& field : fields)
    event.fields.push_back(std::move(field));
  events_.Emit(event);
}

void ConferenceManager::EmitParticipant(const char* type, const std::string& room, const std::string& id,
                                        const ParticipantRequest& request) const {
  ControlEvent event{type, room, id, {}};
  event.fields = {{"display_name", request.display_name}, {"protocol", request.protocol}};
  events_.Emit(event);
}

}  // namespace tessera::mcu::conference
