#include "tessera/mcu/stream/stream_sink.h"

#include <algorithm>
#include <chrono>

#include "tessera/base/log.h"
#include "tessera/mcu/stream/h264_parameter_sets.h"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

namespace tessera::mcu::stream {

namespace {

constexpr log::Component kLog{"stream", log::Tag::kMedia};

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

bool IsNetwork(StreamRequest::Kind kind) {
  return kind == StreamRequest::Kind::kRtmp || kind == StreamRequest::Kind::kSrt;
}

// Copies `bytes` into codec parameters' extradata (FFmpeg owns it, padded).
bool SetExtradata(AVCodecParameters* par, const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return true;
  par->extradata = static_cast<uint8_t*>(av_mallocz(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!par->extradata) return false;
  std::copy(bytes.begin(), bytes.end(), par->extradata);
  par->extradata_size = static_cast<int>(bytes.size());
  return true;
}

// Owns an output context and closes it (with the trailer when the header was written).
struct Muxer {
  AVFormatContext* context = nullptr;
  bool header_written = false;
  bool owns_io = false;

  ~Muxer() { Close(false); }
  // Returns the trailer's error, if any.
  int Close(bool write_trailer) {
    int rc = 0;
    if (!context) return 0;
    if (write_trailer && header_written) rc = av_write_trailer(context);
    if (owns_io && context->pb) avio_closep(&context->pb);
    avformat_free_context(context);
    context = nullptr;
    return rc;
  }
};

}  // namespace

const char* MuxerFor(StreamRequest::Kind kind) {
  switch (kind) {
    case StreamRequest::Kind::kRtmp: return "flv";
    case StreamRequest::Kind::kSrt: return "mpegts";
    case StreamRequest::Kind::kHls: return "hls";
    case StreamRequest::Kind::kRecording: return "mp4";
  }
  return "mp4";
}

StreamSink::StreamSink(StreamInfo info, SinkOptions options, StateCallback on_state)
    : options_(std::move(options)),
      on_state_(std::move(on_state)),
      info_height_(info.request.height),
      kind_(info.request.kind),
      info_(std::move(info)) {}

StreamSink::~StreamSink() { Stop(); }

void StreamSink::Start() { thread_ = std::thread([this] { Run(); }); }

void StreamSink::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  abort_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

StreamInfo StreamSink::info() const {
  std::lock_guard lock(mutex_);
  return info_;
}

bool StreamSink::ended() const {
  std::lock_guard lock(mutex_);
  return info_.state == StreamInfo::State::kStopped || info_.state == StreamInfo::State::kFailed;
}

void StreamSink::Enqueue(const MuxPacket& packet) {
  if (finished_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  if (waiting_keyframe_) {
    if (!packet.video || !packet.keyframe) return;
    waiting_keyframe_ = false;
    wants_keyframe_.store(false, std::memory_order_relaxed);
  }
  if (queue_.size() >= options_.queue_packets) {
    // The ingest cannot keep up: what is queued is stale; start again from a keyframe.
    dropped_ += queue_.size();
    queue_.clear();
    waiting_keyframe_ = true;
    wants_keyframe_.store(true, std::memory_order_relaxed);
    return;
  }
  queue_.push_back(packet);
  wake_.notify_one();
}

bool StreamSink::Pop(MuxPacket& packet) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  if (stopping_) return false;
  packet = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void StreamSink::SetState(StreamInfo::State state, std::string error) {
  StreamInfo copy;
  {
    std::lock_guard lock(mutex_);
    info_.state = state;
    // The error stays with the state it explains: a stream live again has none.
    if (!error.empty() || state == StreamInfo::State::kLive) info_.error = std::move(error);
    copy = info_;
  }
  if (on_state_) on_state_(copy);
}

int StreamSink::Interrupt(void* self) { return static_cast<StreamSink*>(self)->abort_.load() ? 1 : 0; }

void StreamSink::Run() {
  struct Finish {
    StreamSink* sink;
    ~Finish() {
      sink->finished_.store(true);
      std::lock_guard lock(sink->mutex_);
      sink->queue_.clear();
    }
  } finish{this};
  std::chrono::milliseconds backoff = options_.first_backoff;
  for (;;) {
    const Outcome outcome = Attempt();
    if (outcome == Outcome::kStopped) {
      SetState(StreamInfo::State::kStopped);
      return;
    }
    if (outcome == Outcome::kFail) return;  // the state says why
    // kRetry: wait, interruptibly, then open again from a fresh keyframe.
    std::unique_lock lock(mutex_);
    queue_.clear();
    waiting_keyframe_ = true;
    wants_keyframe_.store(true, std::memory_order_relaxed);
    if (wake_.wait_for(lock, backoff, [this] { return stopping_; })) {
      lock.unlock();
      SetState(StreamInfo::State::kStopped);
      return;
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

StreamSink::Outcome StreamSink::Attempt() {
  {
    std::lock_guard lock(mutex_);
    ++info_.attempts;
  }
  SetState(StreamInfo::State::kStarting);
  auto fail = [this](std::string what) {
    TLOG_WARN(kLog, "stream {}: {}", info_.id, what);
    if (IsNetwork(kind_)) {
      SetState(StreamInfo::State::kRetrying, std::move(what));
      return Outcome::kRetry;
    }
    SetState(StreamInfo::State::kFailed, std::move(what));
    return Outcome::kFail;
  };

  // The muxer's header needs the picture size and the SPS/PPS: they come with a keyframe.
  MuxPacket first;
  do {
    if (!Pop(first)) return Outcome::kStopped;
  } while (!first.video || !first.keyframe);
  const std::vector<uint8_t> parameter_sets = H264ParameterSets(*first.data);
  if (parameter_sets.empty()) return fail("the first keyframe has no SPS/PPS");

  Muxer mux;
  if (const int rc = avformat_alloc_output_context2(&mux.context, nullptr, MuxerFor(kind_), options_.url.c_str());
      rc < 0 || !mux.context)
    return fail("cannot make a " + std::string(MuxerFor(kind_)) + " muxer: " + AvError(rc));
  mux.context->interrupt_callback = AVIOInterruptCB{&StreamSink::Interrupt, this};

  AVStream* video = avformat_new_stream(mux.context, nullptr);
  AVStream* audio = avformat_new_stream(mux.context, nullptr);
  if (!video || !audio) return fail("out of memory");
  video->time_base = AVRational{1, 90000};
  video->avg_frame_rate = AVRational{first.fps, 1};
  AVCodecParameters* vp = video->codecpar;
  vp->codec_type = AVMEDIA_TYPE_VIDEO;
  vp->codec_id = AV_CODEC_ID_H264;
  vp->width = first.width;
  vp->height = first.height;
  vp->format = 0;  // AV_PIX_FMT_YUV420P
  if (!SetExtradata(vp, parameter_sets)) return fail("out of memory");
  audio->time_base = AVRational{1, 48000};
  AVCodecParameters* ap = audio->codecpar;
  ap->codec_type = AVMEDIA_TYPE_AUDIO;
  ap->codec_id = AV_CODEC_ID_AAC;
  ap->sample_rate = 48000;
  av_channel_layout_default(&ap->ch_layout, 2);
  ap->bit_rate = options_.audio_bitrate_bps;
  ap->frame_size = 1024;
  if (!SetExtradata(ap, options_.audio_extradata)) return fail("out of memory");

  AVDictionary* io_options = nullptr;
  AVDictionary* mux_options = nullptr;
  if (IsNetwork(kind_))
    av_dict_set_int(&io_options, "rw_timeout",
                    std::chrono::duration_cast<std::chrono::microseconds>(options_.network_timeout).count(), 0);
  switch (kind_) {
    case StreamRequest::Kind::kRtmp: av_dict_set(&mux_options, "flvflags", "no_duration_filesize", 0); break;
    case StreamRequest::Kind::kSrt: break;
    case StreamRequest::Kind::kHls: {
      av_dict_set_int(&mux_options, "hls_time", options_.hls_segment_s, 0);
      av_dict_set_int(&mux_options, "hls_list_size", options_.hls_list_size, 0);
      av_dict_set(&mux_options, "hls_flags", "delete_segments+independent_segments+temp_file", 0);
      const auto folder = std::filesystem::path(options_.url).parent_path();
      av_dict_set(&mux_options, "hls_segment_filename", (folder / "segment%05d.ts").c_str(), 0);
      break;
    }
    case StreamRequest::Kind::kRecording:
      av_dict_set(&mux_options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
      // Each finished fragment goes to the file at once: without this, libavformat's
      // buffer held everything but the ftyp box, and a file cut by SIGKILL had no moov.
      mux.context->flush_packets = 1;
      break;
  }
  if (!(mux.context->oformat->flags & AVFMT_NOFILE)) {
    const int rc = avio_open2(&mux.context->pb, options_.url.c_str(), AVIO_FLAG_WRITE, &mux.context->interrupt_callback,
                              &io_options);
    av_dict_free(&io_options);
    if (rc < 0) {
      av_dict_free(&mux_options);
      if (abort_.load()) return Outcome::kStopped;
      return fail("cannot open " + info_.request.target + ": " + AvError(rc));
    }
    mux.owns_io = true;
  } else {
    // Muxers that open their own files (HLS) take the I/O options with theirs.
    av_dict_copy(&mux_options, io_options, 0);
    av_dict_free(&io_options);
  }
  const int header = avformat_write_header(mux.context, &mux_options);
  av_dict_free(&mux_options);
  if (header < 0) {
    if (abort_.load()) return Outcome::kStopped;
    return fail("cannot start the " + std::string(MuxerFor(kind_)) + " stream: " + AvError(header));
  }
  mux.header_written = true;
  SetState(StreamInfo::State::kLive);
  TLOG_INFO(kLog, "stream {} live: {} {} {}x{}", info_.id, StreamKindName(kind_), info_.request.target, first.width,
            first.height);

  // Times start at the first keyframe; audio from before it is dropped.
  const int64_t origin = first.time_us;
  int64_t last_video = -1;
  int64_t last_audio = -1;
  AVPacket* packet = av_packet_alloc();
  if (!packet) return fail("out of memory");
  MuxPacket current = std::move(first);
  uint64_t bytes = 0;
  uint64_t frames = 0;
  auto last_report = std::chrono::steady_clock::now();
  Outcome outcome = Outcome::kStopped;
  for (;;) {
    const int64_t t = current.time_us - origin;
    AVStream* stream = current.video ? video : audio;
    int64_t& last = current.video ? last_video : last_audio;
    const int64_t ts = av_rescale_q(t, AVRational{1, 1'000'000}, stream->time_base);
    if (t >= 0 && ts > last) {
      last = ts;
      av_packet_unref(packet);
      packet->data = const_cast<uint8_t*>(current.data->data());
      packet->size = static_cast<int>(current.data->size());
      packet->stream_index = stream->index;
      packet->pts = packet->dts = ts;
      packet->duration = av_rescale_q(current.duration_us, AVRational{1, 1'000'000}, stream->time_base);
      packet->flags = current.keyframe ? AV_PKT_FLAG_KEY : 0;
      if (const int rc = av_interleaved_write_frame(mux.context, packet); rc < 0) {
        packet->data = nullptr;
        if (abort_.load()) break;
        outcome = fail("write failed: " + AvError(rc));
        break;
      }
      bytes += current.data->size();
      if (current.video) ++frames;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_report >= std::chrono::seconds(1)) {
      last_report = now;
      std::lock_guard lock(mutex_);
      info_.bytes = bytes;
      info_.video_frames = frames;
    }
    if (!Pop(current)) break;
  }
  packet->data = nullptr;
  av_packet_free(&packet);
  {
    std::lock_guard lock(mutex_);
    info_.bytes = bytes;
    info_.video_frames = frames;
  }
  // A stopped stream ends properly (final fragment, ENDLIST); so does a failed file, as
  // far as the disk lets it.
  abort_.store(false);
  if (const int rc = mux.Close(outcome != Outcome::kRetry); rc < 0 && outcome == Outcome::kStopped)
    TLOG_WARN(kLog, "stream {}: closing: {}", info_.id, AvError(rc));
  return outcome;
}

}  // namespace tessera::mcu::stream
