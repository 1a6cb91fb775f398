#include "tessera/mcu/conference/conference_manager.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <fstream>
#include <future>
#include <random>

#include "tessera/base/log.h"
#include "tessera/mcu/conference/dtmf_receiver.h"
#include "tessera/mcu/rtp/crypto_attribute.h"

namespace tessera::mcu::conference {

namespace {

constexpr log::Component kLog{"conference", log::Tag::kMedia};
constexpr auto kNetworkWait = std::chrono::seconds(5);

ControlError Error(ControlError::Kind kind, std::string message) {
  return ControlError{kind, std::move(message)};
}

uint32_t RandomU32() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint32_t>(rng());
}

// Runs `fn` on the network thread and waits for it: RtpTransports are created, started and
// closed there (rtp_transport.h).
//
// The wait is bounded, so the task may run after the caller has given up: it is shared
// with the network thread and `fn` must own what it uses (capture by value), and a result
// that comes too late is dropped there (an RtpLink then closes on the network thread).
template <typename Fn>
auto OnNetwork(boost::asio::io_context& network, Fn fn) -> std::optional<decltype(fn())> {
  auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
  auto future = task->get_future();
  boost::asio::post(network, [task] { (*task)(); });
  if (future.wait_for(kNetworkWait) != std::future_status::ready) return std::nullopt;
  return future.get();
}

Result<SrtpRequest, std::string> MakeLocalKey(const SrtpRequest& theirs) {
  auto suite = rtp::SrtpSuiteFromName(theirs.suite);
  if (!suite) return MakeUnexpected("unsupported SRTP suite \"" + theirs.suite + "\"");
  auto attribute = rtp::GenerateCryptoAttribute(theirs.tag, *suite);
  if (!attribute) return MakeUnexpected(std::string("no random bytes for an SRTP key"));
  // "tag suite key-params" -> the three fields.
  const std::string text = rtp::FormatCryptoAttribute(*attribute);
  const size_t first = text.find(' ');
  const size_t second = text.find(' ', first + 1);
  SrtpRequest ours;
  ours.tag = theirs.tag;
  ours.suite = text.substr(first + 1, second - first - 1);
  ours.key_params = text.substr(second + 1);
  return ours;
}

constexpr const char* kSyntheticNames[] = {"Ada Lovelace",   "Grace Hopper",   "Alan Turing",     "Katherine Johnson",
                                           "Linus Torvalds", "Barbara Liskov", "Edsger Dijkstra", "Margaret Hamilton",
                                           "Dennis Ritchie", "Frances Allen",  "Claude Shannon",  "Radia Perlman",
                                           "Ken Thompson",   "Hedy Lamarr",    "John McCarthy",   "Sophie Wilson"};

// The media parts of a leg (its link, SSRC and timestamps are the caller's): decoder when
// the endpoint sends, output choice or encodings when it receives.
Result<VideoLeg, std::string> BuildVideoLeg(const MediaStreamRequest& s, uint32_t ssrc,
                                            const std::vector<RungConfig>& rungs) {
  VideoLeg leg;
  leg.send = s.send;
  leg.payload_type = s.payload_type;
  leg.format = s.format;
  if (s.receive) {
    auto input = VideoInput::Create(s, ssrc);
    if (!input) return MakeUnexpected(input.error());
    leg.input = std::move(*input);
  }
  if (s.send) {
    leg.choice = ChooseOutput(rungs, s.format);
    if (!leg.choice)
      return MakeUnexpected("cannot send video as " + std::string(codecs::CodecName(s.format.codec)) +
                            " within the endpoint's limits");
    leg.output_key = OutputKey(*leg.choice);
    // It will NACK what it misses: remember which of its packets carried what.
    if (s.nack) leg.sent = std::make_unique<SentSequenceMap>(VideoLeg::kResendWindow);
  }
  return leg;
}

Result<AudioLeg, std::string> BuildAudioLeg(const MediaStreamRequest& s) {
  AudioLeg leg;
  leg.send = s.send;
  leg.payload_type = s.payload_type;
  leg.format = s.format;
  if (s.receive) {
    auto input = AudioInput::Create(s);
    if (!input) return MakeUnexpected(input.error());
    leg.input = std::move(*input);
  }
  if (s.send) {
    leg.encoding_key = AudioEncoding::KeyOf(s.format);
    auto own = AudioEncoding::Create(s.format);
    if (!own) return MakeUnexpected(own.error());
    leg.own = std::move(*own);
  }
  return leg;
}

}  // namespace

ConferenceManager::ConferenceManager(const Config& config, boost::asio::io_context& network,
                                     boost::asio::io_context& media, int media_threads)
    : config_(config),
      layouts_(config.layouts),
      network_(network),
      media_(media),
      parallel_for_(media, media_threads),
      ports_(config.rtp.address, config.rtp.port_min, config.rtp.port_max) {
  auto text = mixer::CreateFreeTypeTextRenderer(mixer::kDefaultFontPath);
  if (text)
    text_ = std::move(*text);
  else
    TLOG_WARN(kLog, "participant names will not be drawn: {}", text.error());
  stream::StreamManagerOptions streaming;
  streaming.recordings_dir = config.streaming.recordings_dir;
  streaming.hls_dir = config.streaming.hls_dir;
  streams_ = std::make_unique<stream::StreamManager>(streaming, [this](const ControlEvent& e) { events_.Emit(e); });
}

ConferenceManager::~ConferenceManager() {
  Stop();
}

void ConferenceManager::Start() {
  std::vector<std::string> watched;
  {
    std::lock_guard lock(mutex_);
    for (const RoomConfig& rc : config_.rooms) {
      Entry& entry = OpenRoom(rc);
      for (int i = 0; i < rc.demo_participants; ++i) {
        auto demo = MakeSynthetic(*entry.room, i);
        // Registered like any participant, so the control API can mute, rename, pin and kick it.
        ParticipantRequest as_request;
        as_request.display_name = demo->name;
        as_request.protocol = demo->protocol;
        entry.participants[demo->id] = std::move(as_request);
        entry.room->Add(std::move(demo));
      }
    }
    for (auto& [id, entry] : rooms_)
      if (entry.room->config().watch) watched.push_back(id);
  }
  for (const std::string& id : watched)
    StartWatch(id);
}

ConferenceManager::Entry& ConferenceManager::OpenRoom(const RoomConfig& rc) {
  std::vector<RungConfig> rungs;
  for (const RungConfig& r : config_.rungs)
    if (rc.rungs.empty() || std::find(rc.rungs.begin(), rc.rungs.end(), r.name) != rc.rungs.end()) rungs.push_back(r);
  Entry& entry = rooms_[rc.id];
  entry.settings = rc;
  entry.room = std::make_unique<Room>(rc, layouts_.Find(rc.layout).value_or(mixer::LayoutSpec{}), std::move(rungs),
                                      media_, parallel_for_, network_, text_.get());
  for (const auto& [rung, layout] : rc.output_layouts)
    if (auto spec = layouts_.Find(layout))
      entry.room->SetOutputLayout(rung, std::move(*spec));  // checked by the config
  entry.room->SetEventSink(&events_);
  entry.room->Start();
  return entry;
}

void ConferenceManager::Stop() {
  // Streams end first (their files get their trailers) while the rooms still run.
  streams_->StopAll([this](const std::string& id) -> Room* {
    std::lock_guard lock(mutex_);
    const Entry* entry = Lookup(id);
    return entry ? entry->room.get() : nullptr;
  });
  std::vector<std::future<void>> stopped;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : rooms_) {
      auto promise = std::make_shared<std::promise<void>>();
      stopped.push_back(promise->get_future());
      entry.room->Stop([promise] { promise->set_value(); });
      entry.links.clear();
      entry.participants.clear();
    }
  }
  // Bounded: a media loop that is not running (a server being torn down before Run)
  // cannot confirm; the rooms are then destroyed with the loop already stopped. A loaded
  // machine can take seconds to reach the stop handlers, and destroying a room before its
  // strands confirm risks its pending handlers, so the bound is generous.
  for (auto& f : stopped)
    f.wait_for(std::chrono::seconds(10));
  std::lock_guard lock(mutex_);
  rooms_.clear();
  stopped_late_.clear();
}

ConferenceManager::Entry* ConferenceManager::Lookup(std::string_view id_or_alias) {
  return const_cast<Entry*>(static_cast<const ConferenceManager*>(this)->Lookup(id_or_alias));
}

const ConferenceManager::Entry* ConferenceManager::Lookup(std::string_view id_or_alias) const {
  if (auto it = rooms_.find(id_or_alias); it != rooms_.end()) return &it->second;
  for (auto& [id, entry] : rooms_)
    for (const std::string& alias : entry.settings.aliases)
      if (alias == id_or_alias) return &entry;
  return nullptr;
}

Result<std::pair<ConferenceManager::Entry*, ConferenceManager::Participants::iterator>, ControlError>
ConferenceManager::FindParticipant(std::string_view room_name, std::string_view participant_id) {
  using Kind = ControlError::Kind;
  Entry* entry = Lookup(room_name);
  if (!entry) return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room_name) + "\""));
  auto it = entry->participants.find(std::string(participant_id));
  if (it == entry->participants.end())
    return MakeUnexpected(Error(Kind::kNotFound, "no participant \"" + std::string(participant_id) + "\""));
  return std::pair{entry, it};
}

RoomSummary ConferenceManager::SummaryOf(const Entry& entry) const {
  const RoomConfig& c = entry.settings;
  RoomSummary summary{c.id,
                      c.name,
                      c.aliases,
                      c.locked,
                      !c.pin.empty(),
                      false,
                      entry.room->counters().participants.load(),
                      c.max_participants};
  summary.layout = c.layout;
  if (entry.posted_layout) {
    summary.custom_layout = DescribeCustomLayout(*entry.posted_layout);
  } else if (auto spec = layouts_.Find(c.layout); spec && spec->family == mixer::LayoutFamily::kCustom) {
    summary.custom_layout = DescribeCustomLayout(*spec);
  }
  for (const RungConfig& r : entry.room->rungs())
    summary.rungs.push_back(r.name);
  for (const auto& [rung, layout] : c.output_layouts) {
    OutputLayout& own = summary.output_layouts.emplace_back(OutputLayout{rung, layout, std::nullopt});
    if (auto posted = entry.posted_output_layouts.find(rung); posted != entry.posted_output_layouts.end())
      own.custom_layout = DescribeCustomLayout(posted->second);
    else if (auto spec = layouts_.Find(layout); spec && spec->family == mixer::LayoutFamily::kCustom)
      own.custom_layout = DescribeCustomLayout(*spec);
  }
  return summary;
}

std::optional<RoomSummary> ConferenceManager::FindRoom(std::string_view id_or_alias) const {
  std::lock_guard lock(mutex_);
  const Entry* entry = Lookup(id_or_alias);
  if (!entry) return std::nullopt;
  return SummaryOf(*entry);
}

std::vector<RoomSummary> ConferenceManager::ListRooms() const {
  std::lock_guard lock(mutex_);
  std::vector<RoomSummary> rooms;
  for (auto& [id, entry] : rooms_)
    rooms.push_back(SummaryOf(entry));
  return rooms;
}

const Room* ConferenceManager::room(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const Entry* entry = Lookup(id);
  return entry ? entry->room.get() : nullptr;
}

Result<ParticipantResult, ControlError> ConferenceManager::AddParticipant(std::string_view room_name,
                                                                          const ParticipantRequest& request) {
  using Kind = ControlError::Kind;
  int audio_streams = 0;
  int video_streams = 0;
  for (const MediaStreamRequest& s : request.streams)
    (s.kind == MediaKind::kAudio ? audio_streams : video_streams)++;
  if (request.streams.empty()) return MakeUnexpected(Error(Kind::kBadRequest, "no media streams"));
  if (audio_streams > 1 || video_streams > 1)
    return MakeUnexpected(Error(Kind::kBadRequest, "at most one audio and one video stream per participant"));

  Room* room = nullptr;
  std::string id;
  ParticipantResult result;
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(room_name);
    if (!entry) return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room_name) + "\""));
    const RoomConfig& rc = entry->settings;
    if (rc.locked) return MakeUnexpected(Error(Kind::kForbidden, "room " + rc.id + " is locked"));
    if (static_cast<int>(entry->participants.size()) >= rc.max_participants)
      return MakeUnexpected(Error(Kind::kUnavailable, "room " + rc.id + " is full"));
    room = entry->room.get();
    id = "p" + std::to_string(next_participant_++);
    result.room_id = rc.id;
  }
  result.participant_id = id;

  auto participant = std::make_shared<Participant>();
  participant->id = id;
  participant->name = request.display_name.empty() ? id : request.display_name;
  participant->protocol = request.protocol;
  participant->remote = request.remote;
  if (request.lobby) {
    participant->lobby.store(true);
    participant->prompt_request.store(1u << 8 | static_cast<uint32_t>(Prompt::kEnterPin));
  }
  std::vector<std::shared_ptr<RtpLink>> links;
  auto fail = [&](Kind kind, std::string message) -> Result<ParticipantResult, ControlError> {
    if (!links.empty())
      boost::asio::post(network_, [links = std::move(links)] {
        for (auto& link : links)
          link->Close();
      });
    TLOG_WARN(kLog, "room {}: refused {} ({}): {}", result.room_id, request.remote, request.protocol, message);
    return MakeUnexpected(Error(kind, std::move(message)));
  };

  const std::string local_address =
      config_.rtp.public_address.empty() ? config_.rtp.address : config_.rtp.public_address;
  for (const MediaStreamRequest& s : request.streams) {
    const bool video = s.kind == MediaKind::kVideo;
    const char* what = video ? "video" : "audio";
    if (codecs::IsVideo(s.format.codec) != video)
      return fail(Kind::kBadRequest,
                  std::string(what) + " stream with codec " + std::string(codecs::CodecName(s.format.codec)));
    const uint32_t ssrc = RandomU32();
    std::optional<SrtpRequest> local_srtp;
    if (s.srtp) {
      auto key = MakeLocalKey(*s.srtp);
      if (!key) return fail(Kind::kBadRequest, std::string(what) + ": " + key.error());
      local_srtp = std::move(*key);
    }
    auto link = OnNetwork(network_, [this, s, ssrc, cname = "tessera-" + id, local_srtp] {
      return RtpLink::Create(network_, ports_, s, ssrc, cname, local_srtp);
    });
    if (!link) return fail(Kind::kInternal, "the network thread did not answer");
    if (!*link) {
      const std::string& message = link->error();
      const bool ours = message.find("no free") != std::string::npos || message.find("bind") != std::string::npos;
      return fail(ours ? Kind::kInternal : Kind::kBadRequest, std::string(what) + ": " + message);
    }
    std::shared_ptr<RtpLink> rtp_link = **link;
    links.push_back(rtp_link);
    result.streams.push_back(
        MediaStreamResult{local_address, rtp_link->local_rtp_port(), rtp_link->local_rtcp_port(), ssrc, local_srtp});
    if (video) {
      auto leg = BuildVideoLeg(s, ssrc, room->rungs());
      if (!leg) return fail(Kind::kBadRequest, leg.error());
      leg->link = rtp_link;
      leg->timestamp_offset = RandomU32();
      participant->video = std::move(*leg);
    } else {
      auto leg = BuildAudioLeg(s);
      if (!leg) return fail(Kind::kBadRequest, leg.error());
      leg->link = rtp_link;
      leg->timestamp = RandomU32();
      participant->audio = std::move(*leg);
    }
  }

  boost::asio::post(network_, [links] {
    for (auto& link : links)
      link->Start();
  });
  {
    std::lock_guard lock(mutex_);
    Entry* entry = Lookup(result.room_id);
    entry->participants[id] = request;
    entry->links[id] = links;
    if (request.lobby) entry->lobby[id] = participant;
    entry->keyframes_asked[id] = participant->keyframes_asked;
    entry->dtmf_out[id] = participant->dtmf_out.outbox();
  }
  room->Add(std::move(participant));
  EmitParticipant("participant.joined", result.room_id, id, request);
  return result;
}

Result<ParticipantResult, ControlError> ConferenceManager::UpdateParticipant(std::string_view room_name,
                                                                             std::string_view participant_id,
                                                                             const ParticipantRequest& request) {
  using Kind = ControlError::Kind;
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room_name, participant_id);
  if (!found) return MakeUnexpected(found.error());
  auto [entry, it] = *found;
  const ParticipantRequest& before = it->second;
  if (request.streams.size() != before.streams.size())
    return MakeUnexpected(Error(Kind::kBadRequest, "adding or removing streams in an update is not supported yet"));
  std::vector<std::shared_ptr<RtpLink>>& links = entry->links[it->first];
  Room& room = *entry->room;
  ParticipantResult result{it->first, room.config().id, {}};
  // Check everything before changing anything, so that a refused update changes nothing.
  std::vector<std::optional<AudioLeg>> audio(request.streams.size());
  std::vector<std::optional<VideoLeg>> video(request.streams.size());
  for (size_t i = 0; i < request.streams.size(); ++i) {
    const MediaStreamRequest& now = request.streams[i];
    const MediaStreamRequest& was = before.streams[i];
    if (now.kind != was.kind) return MakeUnexpected(Error(Kind::kBadRequest, "a stream cannot change its media kind"));
    if (now.srtp.has_value() != was.srtp.has_value() ||
        (now.srtp && (now.srtp->suite != was.srtp->suite || now.srtp->key_params != was.srtp->key_params)))
      return MakeUnexpected(Error(Kind::kBadRequest, "changing SRTP keys in an update is not supported yet"));
    const bool media_changed = now.format.codec != was.format.codec || now.payload_type != was.payload_type ||
                               now.send != was.send || now.receive != was.receive ||
                               now.format.max_bitrate_bps != was.format.max_bitrate_bps ||
                               now.format.params != was.format.params;
    if (!media_changed) continue;
    if (now.kind == MediaKind::kVideo) {
      auto leg = BuildVideoLeg(now, links[i]->local_ssrc(), room.rungs());
      if (!leg) return MakeUnexpected(Error(Kind::kBadRequest, leg.error()));
      video[i] = std::move(*leg);
    } else {
      auto leg = BuildAudioLeg(now);
      if (!leg) return MakeUnexpected(Error(Kind::kBadRequest, leg.error()));
      audio[i] = std::move(*leg);
    }
  }
  const std::string address = config_.rtp.public_address.empty() ? config_.rtp.address : config_.rtp.public_address;
  for (size_t i = 0; i < request.streams.size(); ++i) {
    const MediaStreamRequest& now = request.streams[i];
    const MediaStreamRequest& was = before.streams[i];
    if (now.remote_address != was.remote_address || now.remote_rtp_port != was.remote_rtp_port ||
        now.remote_rtcp_port != was.remote_rtcp_port || now.rtcp_mux != was.rtcp_mux) {
      boost::asio::post(network_, [link = links[i], now] { link->SetRemote(now); });
    }
    if (audio[i]) room.ReplaceAudio(it->first, std::move(*audio[i]));
    if (video[i]) room.ReplaceVideo(it->first, std::move(*video[i]));
    result.streams.push_back(MediaStreamResult{address, links[i]->local_rtp_port(), links[i]->local_rtcp_port(),
                                               links[i]->local_ssrc(), std::nullopt});
  }
  it->second = request;
  return result;
}

Result<void, ControlError> ConferenceManager::RemoveParticipant(std::string_view room_name,
                                                                std::string_view participant_id) {
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room_name, participant_id);
  if (!found) return MakeUnexpected(found.error());
  auto [entry, it] = *found;
  EmitParticipant("participant.left", entry->settings.id, it->first, it->second);
  entry->participants.erase(it);
  entry->links.erase(std::string(participant_id));  // the room releases the last references
  entry->lobby.erase(std::string(participant_id));
  entry->keyframes_asked.erase(std::string(participant_id));
  entry->dtmf_out.erase(std::string(participant_id));
  entry->room->Remove(std::string(participant_id), nullptr);
  return {};
}

Result<void, ControlError> ConferenceManager::RequestKeyframe(std::string_view room_name,
                                                              std::string_view participant_id) {
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room_name, participant_id);
  if (!found) return MakeUnexpected(found.error());
  found->first->room->RequestKeyframe(std::string(participant_id));
  return {};
}

Result<void, ControlError> ConferenceManager::PinParticipant(std::string_view room_name,
                                                             std::string_view participant_id, int position) {
  if (position < 0 || position > 256)
    return MakeUnexpected(Error(ControlError::Kind::kBadRequest, "pin position must be 0 (unpin) to 256"));
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room_name, participant_id);
  if (!found) return MakeUnexpected(found.error());
  found->first->room->Pin(std::string(participant_id), position);
  return {};
}

Result<StreamInfo, ControlError> ConferenceManager::StartStream(std::string_view room_name,
                                                                const StreamRequest& request) {
  // Under mutex_: DeleteRoom cannot take the room away meanwhile.
  std::shared_ptr<const mixer::LayoutSpec> layout;
  if (request.layout.name || request.layout.custom) {
    auto spec = ResolveLayout(request.layout);
    if (!spec) return MakeUnexpected(spec.error());
    layout = std::make_shared<const mixer::LayoutSpec>(std::move(*spec));
  }
  std::lock_guard lock(mutex_);
  Entry* entry = Lookup(room_name);
  if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room " + std::string(room_name)));
  return streams_->Start(*entry->room, request, std::move(layout));
}

Result<void, ControlError> ConferenceManager::StopStream(std::string_view room_name, std::string_view stream_id) {
  // Under mutex_ as StartStream; stopping a stream waits for its file or ingest to close
  // (bounded by the ingest's network timeout).
  std::lock_guard lock(mutex_);
  Entry* entry = Lookup(room_name);
  if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room " + std::string(room_name)));
  return streams_->Stop(*entry->room, stream_id);
}

Result<std::vector<StreamInfo>, ControlError> ConferenceManager::ListStreams(std::string_view room_name) const {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    const Entry* entry = Lookup(room_name);
    if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room " + std::string(room_name)));
    id = entry->room->config().id;
  }
  return streams_->List(id);
}

std::vector<RecordingFile> ConferenceManager::ListRecordings() const {
  return streams_->ListRecordings();
}

Result<bool, ControlError> ConferenceManager::CheckPin(std::string_view room_name, std::string_view pin) const {
  std::lock_guard lock(mutex_);
  const Entry* entry = Lookup(room_name);
  if (!entry) return MakeUnexpected(Error(ControlError::Kind::kNotFound, "no room \"" + std::string(room_name) + "\""));
  const std::string& want = entry->settings.pin;
  // Constant time in the PIN's contents: every byte is compared whatever the mismatches.
  unsigned diff = want.size() != pin.size();
  for (size_t i = 0; i < want.size(); ++i)
    diff |= static_cast<unsigned>(want[i] ^ (i < pin.size() ? pin[i] : 0));
  return !want.empty() && diff == 0;
}

Result<void, ControlError> ConferenceManager::PlayPrompt(std::string_view room_name, std::string_view participant_id,
                                                         Prompt prompt) {
  std::lock_guard lock(mutex_);
  auto p = LobbyParticipant(room_name, participant_id);
  if (!p) return MakeUnexpected(p.error());
  const uint32_t before = (*p)->prompt_request.load();
  (*p)->prompt_request.store(((before >> 8) + 1) << 8 | static_cast<uint32_t>(prompt));
  return {};
}

Result<std::string, ControlError> ConferenceManager::TakeDigits(std::string_view room_name,
                                                                std::string_view participant_id) {
  std::lock_guard lock(mutex_);  // also makes this the digit queues' single consumer
  auto p = LobbyParticipant(room_name, participant_id);
  if (!p) return MakeUnexpected(p.error());
  return (*p)->digits.TakeAll();
}

Result<uint32_t, ControlError> ConferenceManager::TakeKeyframeRequests(std::string_view room_name,
                                                                       std::string_view participant_id) {
  std::lock_guard lock(mutex_);
  auto found = FindParticipant(room_name, participant_id);
  if (!found) return MakeUnexpected(found.error());
  auto asked = found->first->keyframes_asked.find(found->second->first);
  if (asked == found->first->keyframes_asked.end()) return 0u;
  return asked->second->exchange(0, std::memory_order_relaxed);
}

Result<void, ControlError> ConferenceManager::SendDigits(std::string_view room_name, std::string_view participant_id,
                                                         const DtmfSendRequest& request) {
  using Kind = ControlError::Kind;
  for (char d : request.digits)
    if (DtmfEventOfDigit(d) < 0)
      return MakeUnexpected(Error(Kind::kBadRequest, "not a DTMF key: '" + std::string(1, d) + "'"));
  if (request.method == DtmfMethod::kRfc4733 && (request.payload_type < 96 || request.payload_type > 127))
    return MakeUnexpected(Error(Kind::kBadRequest, "telephone-event payload type must be dynamic (96-127)"));
  std::lock_guard lock(mutex_);  // also makes this the outboxes' single producer
  auto found = FindParticipant(room_name, participant_id);
  if (!found) return MakeUnexpected(found.error());
  auto out = found->first->dtmf_out.find(found->second->first);
  const auto& streams = found->second->second.streams;
  const bool sent_audio = std::any_of(streams.begin(), streams.end(), [](const MediaStreamRequest& s) {
    return s.kind == MediaKind::kAudio && s.send && s.remote_rtp_port != 0;
  });
  if (out == found->first->dtmf_out.end() || !sent_audio)
    return MakeUnexpected(
        Error(Kind::kBadRequest, "participant \"" + std::string(participant_id) + "\" is sent no audio"));
  for (char d : request.digits)
    if (!out->second->Push({d, request.method, static_cast<uint8_t>(request.payload_type)}))
      return MakeUnexpected(Error(Kind::kUnavailable, "too many digits queued"));
  return {};
}

Result<void, ControlError> ConferenceManager::AdmitParticipant(std::string_view room_name,
                                                               std::string_view participant_id) {
  std::lock_guard lock(mutex_);
  auto p = LobbyParticipant(room_name, participant_id);
  if (!p) return MakeUnexpected(p.error());
  Entry* entry = Lookup(room_name);
  entry->lobby.erase(std::string(participant_id));
  entry->participants[std::string(participant_id)].lobby = false;
  entry->room->Admit(std::string(participant_id));
  return {};
}

Result<std::shared_ptr<Participant>, ControlError> ConferenceManager::LobbyParticipant(
    std::string_view room_name, std::string_view participant_id) {
  using Kind = ControlError::Kind;
  Entry* entry = Lookup(room_name);
  if (!entry) return MakeUnexpected(Error(Kind::kNotFound, "no room \"" + std::string(room_name) + "\""));
  auto it = entry->lobby.find(std::string(participant_id));
  if (it == entry->lobby.end()) {
    if (entry->participants.contains(std::string(participant_id)))
      return MakeUnexpected(
          Error(Kind::kConflict, "participant \"" + std::string(participant_id) + "\" is not in the lobby"));
    return MakeUnexpected(Error(Kind::kNotFound, "no participant \"" + std::string(participant_id) + "\""));
  }
  return it->second;
}

std::shared_ptr<Participant> ConferenceManager::MakeSynthetic(const Room& room, int index) {
  auto p = std::make_shared<Participant>();
  const std::string name = kSyntheticNames[index % std::size(kSyntheticNames)];
  p->id = "demo-" + std::to_string(index + 1);
  p->name = name;
  p->protocol = "synthetic";
  p->remote = "room " + room.config().id;
  p->synthetic = std::make_unique<demo::SyntheticParticipant>(demo::SyntheticParticipantSpec{name, index});
  return p;
}

void ConferenceManager::StartWatch(const std::string& room_id) {
  const RoomConfig* config = nullptr;
  {
    std::lock_guard lock(mutex_);
    config = &Lookup(room_id)->room->config();  // rooms live until Stop
  }
  const RoomConfig& rc = *config;
  ParticipantRequest request;
  request.display_name = "watch";
  request.protocol = "watch";
  request.remote = rc.watch->ToString();
  MediaStreamRequest video;
  video.kind = MediaKind::kVideo;
  video.receive = false;
  video.payload_type = 96;
  video.format.codec = codecs::CodecId::kH264;
  video.format.clock_rate = 90000;
  codecs::H264Params h264;
  h264.profile_level_id = codecs::H264ProfileLevelId{0x42, 0xe0, 0x1f};  // constrained baseline 3.1: 720p30
  h264.packetization_mode = 1;
  video.format.params = h264;
  video.remote_address = rc.watch->host;
  video.remote_rtp_port = rc.watch->port;
  MediaStreamRequest audio;
  audio.kind = MediaKind::kAudio;
  audio.receive = false;
  audio.payload_type = 111;
  audio.format.codec = codecs::CodecId::kOpus;
  audio.format.clock_rate = 48000;
  audio.format.channels = 2;
  audio.format.params = codecs::OpusParams{};
  audio.remote_address = rc.watch->host;
  audio.remote_rtp_port = static_cast<uint16_t>(rc.watch->port + 2);
  request.streams = {video, audio};

  auto added = AddParticipant(rc.id, request);
  if (!added) {
    TLOG_WARN(kLog, "room {}: no watch stream to {}: {}", rc.id, request.remote, added.error().message);
    return;
  }
  std::ofstream sdp(rc.watch_sdp, std::ios::trunc);
  sdp << "v=0\r\n"
      << "o=- 0 0 IN IP4 " << rc.watch->host << "\r\n"
      << "s=Tessera room " << rc.id << "\r\n"
      << "c=IN IP4 " << rc.watch->host << "\r\n"
      << "t=0 0\r\n"
      << "m=video " << video.remote_rtp_port << " RTP/AVP 96\r\n"
      << "a=rtpmap:96 H264/90000\r\n"
      << "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\n"
      << "m=audio " << audio.remote_rtp_port << " RTP/AVP 111\r\n"
      << "a=rtpmap:111 opus/48000/2\r\n";
  sdp.close();
  if (!sdp) {
    TLOG_WARN(kLog, "room {}: cannot write the watch SDP file {}", rc.id, rc.watch_sdp);
    return;
  }
  TLOG_INFO(kLog, "room {}: watch the mix with: ffplay -protocol_whitelist file,udp,rtp -i {}", rc.id, rc.watch_sdp);
}

}  // namespace tessera::mcu::conference
