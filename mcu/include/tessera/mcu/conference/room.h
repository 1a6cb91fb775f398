#pragma once
// Room: one conference's media loop (design.md §2): its participants, the audio mixer,
// the layout and compositor, its outputs (one encoder each) and the fan-out to their
// subscribers, driven by a media clock of absolute deadlines on the monotonic clock:
//
//   audio tick every 20 ms   drain received packets -> jitter buffers; pull 20 ms from
//                            every audio source; mix once (loudest K, total minus own);
//                            encode once per listener codec and once per talker; send
//   video tick every 1/fps   drain; decode visible sources (in parallel on the pool);
//                            compose once at the largest output size; scale to the other
//                            sizes; encode each output once (in parallel); packetize once;
//                            send to every subscriber with its own header (+SRTP)
//
// A tick that starts late is counted and the clock moves to the next deadline still
// ahead (it never tries to catch up with a burst). Commands from the control plane are
// posted onto the strands, so they apply between ticks.
//
// Thread safety: two strands of the media pool, so that a long video tick (compose and
// encode take milliseconds) never delays the audio clock. The audio strand owns the mixer,
// the listener encodings and every participant's audio leg; the video strand owns the
// scene, the compositor, the outputs and every participant's video leg and picture. They
// share only the Participant objects (each touching its own half) and one message: the
// audio strand posts active-speaker changes to the video strand. The public entry points
// post to the strands; counters are atomics readable anywhere.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/mcu/conference/event_sink.h"
#include "tessera/mcu/conference/participant.h"
#include "tessera/mcu/conference/pool_parallel_for.h"
#include "tessera/mcu/conference/stage_cpu.h"
#include "tessera/mcu/conference/trouble_gate.h"
#include "tessera/mcu/conference/video_output.h"
#include "tessera/mcu/config.h"
#include "tessera/mcu/stream/media_tap.h"
#include "tessera/mixer/audio/audio_mixer.h"
#include "tessera/mixer/video/compositor.h"
#include "tessera/mixer/video/layout.h"
#include "tessera/mixer/video/text_renderer.h"

namespace tessera::mcu::conference {

struct RoomOptions {
  std::chrono::milliseconds stall_hold{2000};        // last picture, then the placeholder
  std::chrono::milliseconds keyframe_interval{500};  // at most one forced keyframe per output
  int video_fps = 30;                                // the video clock (outputs at lower rates skip ticks)
};

// Counters readable from any thread (metrics, tests, the load benchmark).
struct RoomCounters {
  std::atomic<uint64_t> audio_ticks{0};
  std::atomic<uint64_t> video_ticks{0};
  std::atomic<uint64_t> late_audio_ticks{0};
  std::atomic<uint64_t> late_video_ticks{0};
  std::atomic<uint64_t> frames_composed{0};
  std::atomic<uint64_t> frames_encoded{0};
  std::atomic<uint64_t> frames_decoded{0};
  std::atomic<uint64_t> rtp_packets_sent{0};
  std::atomic<uint64_t> rtp_packets_resent{0};  // answers to NACKs, not in rtp_packets_sent
  std::atomic<uint64_t> rtp_packets_received{0};
  std::atomic<uint64_t> audio_packets_received{0};  // of rtp_packets_received: audio and its events
  std::atomic<uint64_t> packets_dropped{0};         // malformed, unknown payload type, queue overflow
  std::atomic<uint64_t> keyframes_forced{0};
  StageCounters stage_cpu_ns{};               // CPU time of the ticks by stage (stage_cpu.h)
  std::atomic<int64_t> video_tick_us_max{0};  // slowest video tick since start
  // Tick durations as histograms (metrics): ticks at most kBounds[i] long land in bucket i,
  // longer ones in the last; and the sum of all durations. Video ticks take milliseconds
  // (a 30 fps tick has 33 ms), audio ticks a fraction of one (of 20 ms).
  template <size_t N>
  struct TickHistogram {
    const std::array<int64_t, N>& bounds_us;
    std::array<std::atomic<uint64_t>, N + 1> buckets{};
    std::atomic<uint64_t> sum_us{0};
    void Record(int64_t us) {
      size_t i = 0;
      while (i < N && us > bounds_us[i])
        ++i;
      buckets[i].fetch_add(1, std::memory_order_relaxed);
      sum_us.fetch_add(static_cast<uint64_t>(std::max<int64_t>(us, 0)), std::memory_order_relaxed);
    }
  };
  static constexpr std::array<int64_t, 10> kVideoTickBoundsUs = {1000,  2000,  5000,   10000,  20000,
                                                                 33333, 50000, 100000, 250000, 1000000};
  static constexpr std::array<int64_t, 10> kAudioTickBoundsUs = {100,  250,   500,   1000,  2000,
                                                                 5000, 10000, 20000, 50000, 100000};
  TickHistogram<10> video_tick_us{kVideoTickBoundsUs};
  TickHistogram<10> audio_tick_us{kAudioTickBoundsUs};
  std::atomic<int> participants{0};
  std::atomic<int> outputs{0};
  // Added latency, per source frame shown: from the arrival of its last packet to the
  // sending of the first packet of the first composed frame that shows it, in 1 ms buckets
  // (the last bucket holds everything from kLatencyBuckets - 1 ms up).
  static constexpr int kLatencyBuckets = 256;
  std::array<std::atomic<uint64_t>, kLatencyBuckets> latency_ms{};
  // The latency below which `fraction` (0.5, 0.99) of the samples fall, in ms; -1 if none.
  double LatencyPercentile(double fraction) const;
};

class Room {
 public:
  // `layout`: the room's layout to start with (config.layout resolved by the caller, which
  // knows the custom layouts).
  Room(const RoomConfig& config, mixer::LayoutSpec layout, std::vector<RungConfig> rungs,
       boost::asio::io_context& media, PoolParallelFor& parallel_for, boost::asio::io_context& network,
       mixer::TextRenderer* text, const RoomOptions& options = {});
  ~Room();
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  // Control thread.
  void Start();
  // Stops the clock and closes every participant's sockets (on the network thread);
  // `done` runs on the strand once no tick will run again.
  void Stop(std::function<void()> done);
  void Add(std::shared_ptr<Participant> participant);
  // `done(found)` runs on the strand.
  void Remove(std::string participant_id, std::function<void(bool)> done);
  void RequestKeyframe(std::string participant_id);
  // Pins the participant's picture at `position` (0 unpins); see ConferenceControl.
  void Pin(std::string participant_id, int position);
  // A lobby participant enters the room: into the mix and the layout, hearing the mix.
  void Admit(std::string participant_id);
  // A re-negotiation changed a stream's codec or direction: `leg` (without link, SSRC or
  // timestamps, which the participant keeps) replaces the media parts of its leg.
  void ReplaceAudio(std::string participant_id, AudioLeg leg);
  void ReplaceVideo(std::string participant_id, VideoLeg leg);
  // Broadcasts and recordings (mcu/stream): the tap receives the room's H.264 output of its
  // height (shared with subscribers of the same output, so not encoded again), with a
  // keyframe at least every 2 s while it is attached; the audio tap receives the mix.
  void AttachVideoTap(std::shared_ptr<stream::VideoTap> tap);
  void DetachVideoTap(std::shared_ptr<stream::VideoTap> tap);
  void AttachAudioTap(std::shared_ptr<stream::AudioTap> tap);
  void DetachAudioTap();

  // Control API (room_control.cc). Control thread.
  // Where the room reports talking and speaker changes; set before Start(), not owned.
  void SetEventSink(const EventSink* events) { events_ = events; }
  // Stops mixing the participant's audio / showing its picture (placeholder) while muted.
  void Mute(const std::string& participant_id, MediaKind kind, bool muted);
  void Rename(std::string participant_id, std::string name);
  // `layout` must be a name FindNamedLayout accepts.
  void SetLayout(mixer::LayoutSpec layout);
  // The outputs of rung `rung` (its subscribers and the streams that tap it) show `layout`
  // instead of the room's; nullopt makes them follow the room's again. The rung's outputs
  // then compose a canvas of their own; their receivers move to them with a keyframe.
  void SetOutputLayout(std::string rung, std::optional<mixer::LayoutSpec> layout);
  // A snapshot of every participant's state and statistics and of the outputs, taken on
  // the audio strand and then the video strand; `done` runs on the video strand.
  struct Snapshot {
    std::vector<ParticipantInfo> participants;
    std::vector<OutputStats> outputs;
  };
  void TakeSnapshot(std::function<void(Snapshot)> done);
  // room_preview.cc: the canvas as last composed (a copy), or, when the room composes
  // none or `spec` is given, the tiles of its layout (or of `spec`) for its current
  // participants drawn at `size`; `done` runs on the video strand. `rung`: the picture
  // that rung's outputs show (its own layout, if it has one); empty: the room's.
  void TakePreview(mixer::Size size, std::optional<mixer::LayoutSpec> spec, std::function<void(I420Buffer)> done,
                   std::string rung = {});

  const RoomConfig& config() const { return config_; }
  const std::vector<RungConfig>& rungs() const { return rungs_; }
  const RoomCounters& counters() const { return counters_; }

 private:
  // room_lifecycle.cc
  void AddAudio(const std::shared_ptr<Participant>& participant);
  void AddVideo(const std::shared_ptr<Participant>& participant);
  // Removes from the audio strand's list; returns the participant (null if unknown).
  std::shared_ptr<Participant> RemoveAudio(const std::string& id);
  void RemoveVideo(const std::string& id, const std::function<void(bool)>& done);
  void OnActiveSpeaker(uint32_t number);
  void AttachVideo(Participant& p);
  void DetachVideo(Participant& p);
  // The output for `choice` (made if new, counted as one more subscriber), or null. `key`
  // is OutputKey(choice); outputs of a rung with a layout of its own get a key of their own.
  // `view`: the picture it shows; nullopt = ViewOf(choice.rung).
  VideoOutput* AcquireOutput(const OutputChoice& choice, const std::string& key, const std::string& for_whom,
                             std::optional<std::string> view = std::nullopt);
  // The view the outputs of rung `rung` show: the rung's name when it has a layout of its
  // own, else "" (the room's layout).
  std::string ViewOf(const std::string& rung) const;
  const mixer::LayoutSpec& SpecOfView(const std::string& view) const;
  // The rung's outputs changed view: their subscribers and taps move to outputs for it.
  void MoveRungToItsView(const std::string& rung);
  void ReleaseOutput(VideoOutput* output);
  // room_video.cc: the streaming taps get this tick's frames; keyframes they need.
  void FeedVideoTaps(rtp::TimePoint now);
  void CloseLinks(Participant& p);
  void MarkSceneDirty() { scene_dirty_ = true; }
  // room_rtp.cc
  void DrainPackets(bool video, rtp::TimePoint now);
  void DrainLink(Participant& p, bool video, rtp::TimePoint now);
  void HandleRtcp(Participant& p, bool video, std::span<const uint8_t> rtcp, rtp::TimePoint arrival);
  // Sends a NACKed video packet again, as it was, if its output still holds it.
  void Resend(Participant& p, uint16_t sequence_number, rtp::TimePoint now);
  void SendReports(bool video, rtp::TimePoint now);
  void SendReport(Participant& p, bool video, rtp::TimePoint now);
  // room_audio.cc
  void ScheduleAudio();
  void AudioTick();
  void SendAudio(Participant& p, std::span<const uint8_t> payload);
  // The participant's DTMF (ConferenceControl::SendDigits) in place of this tick's audio;
  // false when there is none to send.
  bool SendDtmf(Participant& p);
  // A lobby participant's tick: its audio is only listened to for DTMF (in-band).
  void ListenForDigits(Participant& p, rtp::TimePoint now);
  // room_video.cc
  void ScheduleVideo();
  void VideoTick();
  void RebuildScene();
  void FanOut(VideoOutput& output, rtp::TimePoint now);
  // Once a second: subscribers whose bandwidth changed move to the rung it allows.
  void AdaptRungs(rtp::TimePoint now);
  void RecordLatency(rtp::TimePoint sent);
  uint32_t VideoClock(rtp::TimePoint now) const;
  // room_control.cc: talking.started/stopped and speaker.changed, only on changes.
  void NoteTalkers(const mixer::MixResult& mix);
  void Emit(const char* type, uint32_t number, const char* field = nullptr, std::string value = {}) const;
  // Once a second: counters of media trouble that grew become "error" events (trouble_gate.h).
  // The audio strand looks at its half (SRTP on audio), the video strand at the rest.
  void LookForAudioTrouble(rtp::TimePoint now);
  void LookForVideoTrouble(rtp::TimePoint now);
  void EmitTrouble(Trouble trouble, const std::string& participant, std::string message,
                   std::vector<std::pair<std::string, std::string>> fields) const;

  RoomConfig config_;
  std::vector<RungConfig> rungs_;
  RoomOptions options_;
  boost::asio::strand<boost::asio::io_context::executor_type> audio_strand_;
  boost::asio::strand<boost::asio::io_context::executor_type> video_strand_;
  boost::asio::io_context& network_;
  PoolParallelFor& parallel_for_;
  mixer::TextRenderer* text_;  // not owned
  boost::asio::steady_timer audio_timer_;
  boost::asio::steady_timer video_timer_;
  rtp::TimePoint epoch_;
  rtp::TimePoint next_audio_;
  rtp::TimePoint next_video_;
  std::atomic<uint32_t> next_number_{1};

  // Audio strand.
  bool audio_stopped_ = false;
  // Set on the video strand just before Stop's `done` runs. A timer whose wait completed
  // before Stop cancelled it still runs its handler, possibly after the room is gone: the
  // handlers hold this flag (not the room) and look at it before touching anything else.
  std::shared_ptr<std::atomic<bool>> clocks_stopped_ = std::make_shared<std::atomic<bool>>(false);
  int64_t audio_tick_ = 0;
  std::vector<std::shared_ptr<Participant>> audio_participants_;  // join order
  mixer::AudioMixer mixer_;
  std::map<std::string, std::unique_ptr<AudioEncoding>> listener_encodings_;
  std::vector<mixer::AudioInput> mix_inputs_;
  std::vector<uint8_t> audio_send_buffer_;  // one packet + SRTP trailer
  std::shared_ptr<stream::AudioTap> audio_tap_;
  std::array<uint32_t, 17> talking_{};  // numbers of the sources talking last tick (the first 17)
  size_t talking_count_ = 0;
  const EventSink* events_ = nullptr;  // not owned; set before Start
  TroubleGate audio_trouble_;

  // Video strand.
  bool video_stopped_ = false;
  int64_t video_tick_ = 0;
  std::vector<std::shared_ptr<Participant>> video_participants_;  // join order
  std::map<std::string, std::unique_ptr<VideoOutput>> outputs_;
  mixer::AudioSourceId active_speaker_ = mixer::kNoAudioSource;
  struct AttachedTap {
    std::shared_ptr<stream::VideoTap> tap;
    VideoOutput* output;
    int64_t last_keyframe_us = std::numeric_limits<int64_t>::min() / 2;  // media clock
  };
  std::vector<AttachedTap> video_taps_;

  // Video scene: sources in layout order, rebuilt when participants or the floor change.
  // Each view (the room's layout, or a rung's own) composes its canvas once per tick when
  // one of its outputs is due, at the size of its largest output; smaller outputs scale it.
  struct View {
    std::unique_ptr<mixer::Compositor> compositor;
    mixer::Size size{0, 0};
    I420Buffer canvas;
    std::map<std::pair<int, int>, I420Buffer> scaled;  // the canvas scaled to smaller outputs
    bool due = false;                                  // one of its outputs is due this tick
    bool composed = false;                             // the canvas holds a picture
  };
  bool scene_dirty_ = true;
  std::optional<mixer::LayoutSpec> layout_spec_;           // the room's layout
  std::map<std::string, mixer::LayoutSpec> rung_layouts_;  // rungs with a layout of their own
  // Streams with a layout of their own, by view ("stream:" + the tap's key).
  std::map<std::string, const mixer::LayoutSpec*> stream_layouts_;
  std::map<std::string, View> views_;                      // by ViewOf; only views an output shows
  std::vector<Participant*> video_sources_;
  std::vector<bool> visible_;  // on a tile of any view
  std::vector<I420View> pictures_;
  std::vector<VideoOutput*> due_outputs_;
  std::vector<View*> due_views_;  // the view of each due output

  TroubleGate video_trouble_;
  std::vector<uint8_t> video_send_buffer_;  // one packet + SRTP trailer
  RoomCounters counters_;
};

}  // namespace tessera::mcu::conference
