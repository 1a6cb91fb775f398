#pragma once
// Participant: what a room holds for one endpoint (SIP, H.323, plain RTP) or synthetic
// demo source — protocol-agnostic (design.md §2): its RTP sessions, its sources going into
// the mix and the canvas, and its subscriptions coming out of them.
//
// Built on the control thread (RtpLinks, decoders and encoders are opened there: they
// allocate), then moved into the room at a tick boundary; from then on every field is
// owned by the room strand.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tessera/base/video_frame.h"
#include "tessera/mcu/conference/audio_encoding.h"
#include "tessera/mcu/conference/audio_input.h"
#include "tessera/mcu/conference/digit_queue.h"
#include "tessera/mcu/conference/dtmf_receiver.h"
#include "tessera/mcu/conference/dtmf_sender.h"
#include "tessera/mcu/conference/output_selection.h"
#include "tessera/mcu/conference/prompt_player.h"
#include "tessera/mcu/conference/retransmission.h"
#include "tessera/mcu/conference/rtp_link.h"
#include "tessera/mcu/conference/rung_adapter.h"
#include "tessera/mcu/conference/video_input.h"
#include "tessera/mcu/demo/synthetic_participant.h"
#include "tessera/mixer/audio/audio_mixer.h"

namespace tessera::mcu::conference {

class VideoOutput;

struct AudioLeg {
  std::shared_ptr<RtpLink> link;
  std::unique_ptr<AudioInput> input;  // null when the endpoint does not send
  bool send = false;
  int payload_type = 0;
  codecs::Capability format;
  std::string encoding_key;            // the listeners' encoding it shares
  std::unique_ptr<AudioEncoding> own;  // its own mix (total minus own) while it talks
  uint32_t timestamp = 0;              // RTP timestamp of the next frame we send
  bool marker_next = true;             // first packet of a talk spurt
};

struct VideoLeg {
  static constexpr size_t kResendWindow = 1024;  // packets a NACK can reach back

  std::shared_ptr<RtpLink> link;
  std::unique_ptr<VideoInput> input;  // null when the endpoint does not send
  bool send = false;
  int payload_type = 0;
  codecs::Capability format;
  std::optional<OutputChoice> choice;  // where its subscription goes (when send)
  std::string output_key;
  VideoOutput* output = nullptr;  // room strand; null until attached
  uint32_t timestamp_offset = 0;  // added to the room's 90 kHz clock
  bool waiting_keyframe = true;   // nothing sent until its output's next keyframe
  RungAdapter bandwidth;           // REMB/TMMBR and loss: which rung it can take
  uint64_t keyframe_requests = 0;  // PLI/FIR received
  // Sending: which output packet each sequence number carried, when the endpoint NACKs
  // (negotiated rtcp-fb nack); null otherwise.
  std::unique_ptr<SentSequenceMap> sent;
  uint64_t nacks_received = 0;  // packets it asked for again
  uint64_t packets_resent = 0;  // of those, sent again
  uint64_t rung_changes = 0;
};

struct Participant {
  std::string id;
  std::string name;
  std::string protocol;
  std::string remote;
  uint32_t number = 0;  // unique in the room: mixer source id, layout order
  std::optional<AudioLeg> audio;
  std::optional<VideoLeg> video;

  // Synthetic demo participants draw their own pictures and tones.
  std::unique_ptr<demo::SyntheticParticipant> synthetic;
  I420Buffer synthetic_picture;
  int64_t synthetic_sample = 0;
  std::array<int16_t, AudioInput::kTickSamples> synthetic_audio{};

  mixer::AudioSourceHandle mixer_source;  // audio strand
  bool in_mixer = false;
  int pin = 0;              // video strand: operator's pin position (0: none)
  int64_t last_spoke = -1;  // video strand: tick it last took the floor (speaker order)

  // PIN rooms' lobby. `lobby` and `prompt_request` are written by the control thread and
  // read by the strands each tick (no command round trip for a prompt change); admission
  // clears `lobby` on the audio strand and then attaches the video on the video strand.
  // prompt_request = (request number << 8) | Prompt: the same prompt asked again restarts.
  std::atomic<bool> lobby{false};
  // Operator mutes (control API): written by the control thread, read by the strands each
  // tick. A muted audio source is mixed as silence; a muted picture shows the placeholder.
  std::atomic<bool> audio_muted{false};
  std::atomic<bool> video_muted{false};
  std::atomic<uint32_t> prompt_request{0};
  uint32_t prompt_played = 0;      // audio strand: the request being played
  PromptPlayer prompt_player;      // audio strand
  InbandDtmfDetector inband_dtmf;  // audio strand
  DigitQueue digits;               // audio strand -> control thread
  DtmfSender dtmf_out;             // audio strand; its outbox: control thread -> audio strand
  // Keyframe requests (PLI/FIR) sent for its incoming video: video strand -> control thread
  // (ConferenceControl::TakeKeyframeRequests), shared with the manager's registry.
  std::shared_ptr<std::atomic<uint32_t>> keyframes_asked = std::make_shared<std::atomic<uint32_t>>(0);

  bool has_video_source() const { return synthetic || (video && video->input); }
  bool has_audio_source() const { return synthetic || (audio && audio->input); }
};

}  // namespace tessera::mcu::conference
