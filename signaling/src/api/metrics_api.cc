#include "tessera/signaling/api/metrics_api.h"

#include <unistd.h>

#include <fmt/format.h>
#include <boost/beast/http/field.hpp>

#include <fstream>
#include <initializer_list>
#include <sstream>

namespace tessera::signaling::api {
namespace {

// Label values: backslash, double quote and newline escaped (exposition format).
std::string Escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

class Writer {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(text_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void Sample(std::string_view name, std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
              double value) {
    text_ += name;
    if (labels.size() > 0) {
      text_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        fmt::format_to(std::back_inserter(text_), "{}{}=\"{}\"", first ? "" : ",", k, Escape(v));
        first = false;
      }
      text_ += '}';
    }
    fmt::format_to(std::back_inserter(text_), " {}\n", value);
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

struct ProcessStats {
  double rss_bytes = 0;
  double cpu_seconds = 0;
};

ProcessStats ReadProcess() {
  ProcessStats p;
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) p.rss_bytes = static_cast<double>(resident) * static_cast<double>(page);
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the command name (which may hold spaces, hence the last ')').
    const size_t close = line.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(line.substr(close + 2));
      std::string field;
      uint64_t utime = 0, stime = 0;
      for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
        if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
      }
      if (ticks > 0) p.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks);
    }
  }
  return p;
}

}  // namespace

std::string RenderMetrics(mcu::ConferenceControl& control) {
  Writer w;
  const mcu::ServerInfo info = control.GetServerInfo();
  w.Family("tessera_info", "gauge", "Constant 1, labelled with the server's name and version.");
  w.Sample("tessera_info", {{"name", info.name}, {"version", info.version}}, 1);
  w.Family("tessera_uptime_seconds", "gauge", "Seconds since the server started.");
  w.Sample("tessera_uptime_seconds", {}, std::chrono::duration<double>(info.uptime).count());
  const ProcessStats process = ReadProcess();
  w.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  w.Sample("process_resident_memory_bytes", {}, process.rss_bytes);
  w.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
  w.Sample("process_cpu_seconds_total", {}, process.cpu_seconds);

  const std::vector<mcu::RoomStats> rooms = control.GetRoomStats();
  const std::vector<mcu::RoomSummary> summaries = control.ListRooms();
  w.Family("tessera_room_participants", "gauge", "Participants in the room.");
  for (const mcu::RoomSummary& r : summaries)
    w.Sample("tessera_room_participants", {{"room", r.id}}, r.participants);

  struct Counter {
    const char* name;
    const char* help;
    uint64_t mcu::RoomStats::*field;
  };
  static constexpr Counter kRoomCounters[] = {
      {"tessera_room_audio_ticks_total", "Audio ticks run.", &mcu::RoomStats::audio_ticks},
      {"tessera_room_video_ticks_total", "Video ticks run.", &mcu::RoomStats::video_ticks},
      {"tessera_room_late_audio_ticks_total", "Audio ticks that started a period or more late.",
       &mcu::RoomStats::late_audio_ticks},
      {"tessera_room_late_video_ticks_total", "Video ticks that started a period or more late.",
       &mcu::RoomStats::late_video_ticks},
      {"tessera_room_frames_composed_total", "Canvases composed.", &mcu::RoomStats::frames_composed},
      {"tessera_room_frames_encoded_total", "Video frames encoded, all outputs.", &mcu::RoomStats::frames_encoded},
      {"tessera_room_frames_decoded_total", "Video frames decoded, all sources.", &mcu::RoomStats::frames_decoded},
      {"tessera_room_rtp_packets_sent_total", "RTP packets sent.", &mcu::RoomStats::rtp_packets_sent},
      {"tessera_room_rtp_packets_resent_total", "Video packets sent again for NACKs.",
       &mcu::RoomStats::rtp_packets_resent},
      {"tessera_room_rtp_packets_received_total", "RTP packets received.", &mcu::RoomStats::rtp_packets_received},
      {"tessera_room_packets_dropped_total", "Packets dropped (malformed, unknown payload type, queue overflow).",
       &mcu::RoomStats::packets_dropped},
      {"tessera_room_keyframes_forced_total", "Keyframes forced on outputs (new subscribers, PLI/FIR).",
       &mcu::RoomStats::keyframes_forced},
  };
  for (const Counter& c : kRoomCounters) {
    w.Family(c.name, "counter", c.help);
    for (const mcu::RoomStats& r : rooms)
      w.Sample(c.name, {{"room", r.room}}, static_cast<double>(r.*c.field));
  }
  const struct {
    const char* name;
    const char* help;
    mcu::RoomStats::TickDurations mcu::RoomStats::*field;
  } kTickHistograms[] = {
      {"tessera_room_video_tick_duration_seconds", "Time a video tick took (decode, compose, encode, send).",
       &mcu::RoomStats::video_tick_durations},
      {"tessera_room_audio_tick_duration_seconds", "Time an audio tick took (receive, mix, encode, send).",
       &mcu::RoomStats::audio_tick_durations},
  };
  for (const auto& h : kTickHistograms) {
    w.Family(h.name, "histogram", h.help);
    const std::string bucket = std::string(h.name) + "_bucket";
    for (const mcu::RoomStats& r : rooms) {
      const mcu::RoomStats::TickDurations& d = r.*h.field;
      for (size_t i = 0; i < d.bucket_us.size(); ++i)
        w.Sample(bucket, {{"room", r.room}, {"le", fmt::format("{}", d.bucket_us[i] / 1e6)}},
                 static_cast<double>(d.bucket_counts[i]));
      w.Sample(bucket, {{"room", r.room}, {"le", "+Inf"}}, static_cast<double>(d.count));
      w.Sample(std::string(h.name) + "_sum", {{"room", r.room}}, d.sum_us / 1e6);
      w.Sample(std::string(h.name) + "_count", {{"room", r.room}}, static_cast<double>(d.count));
    }
  }

  w.Family("tessera_room_cpu_seconds_total", "counter",
           "CPU time of the room's ticks by stage (decode includes receiving; audio is the whole audio tick).");
  for (const mcu::RoomStats& r : rooms)
    for (const auto& [stage, seconds] : r.cpu_seconds_by_stage)
      w.Sample("tessera_room_cpu_seconds_total", {{"room", r.room}, {"stage", stage}}, seconds);

  // Outputs: one encoder each.
  w.Family("tessera_output_frames_encoded_total", "counter", "Frames the output's encoder produced (rate() = fps).");
  for (const auto& r : rooms)
    for (const auto& o : r.outputs)
      w.Sample("tessera_output_frames_encoded_total", {{"room", r.room}, {"output", o.key}},
               static_cast<double>(o.frames_encoded));
  w.Family("tessera_output_bytes_encoded_total", "counter", "Bytes the output's encoder produced (rate()*8 = bit/s).");
  for (const auto& r : rooms)
    for (const auto& o : r.outputs)
      w.Sample("tessera_output_bytes_encoded_total", {{"room", r.room}, {"output", o.key}},
               static_cast<double>(o.bytes_encoded));
  w.Family("tessera_output_keyframes_total", "counter", "Keyframes the output's encoder produced.");
  for (const auto& r : rooms)
    for (const auto& o : r.outputs)
      w.Sample("tessera_output_keyframes_total", {{"room", r.room}, {"output", o.key}},
               static_cast<double>(o.keyframes));
  w.Family("tessera_output_qp", "gauge",
           "Quantizer of the output's last frame (H.264 0-51, VP8 0-63, H.263/H.261 1-31).");
  for (const auto& r : rooms)
    for (const auto& o : r.outputs)
      if (o.qp >= 0) w.Sample("tessera_output_qp", {{"room", r.room}, {"output", o.key}}, o.qp);
  w.Family("tessera_output_target_bitrate_bits", "gauge", "The output's target bitrate.");
  for (const auto& r : rooms)
    for (const auto& o : r.outputs)
      w.Sample("tessera_output_target_bitrate_bits", {{"room", r.room}, {"output", o.key}}, o.bitrate_kbps * 1000.0);
  w.Family("tessera_output_subscribers", "gauge", "Endpoints receiving the output.");
  for (const auto& r : rooms)
    for (const auto& o : r.outputs)
      w.Sample("tessera_output_subscribers", {{"room", r.room}, {"output", o.key}}, o.subscribers);

  // Participants, per media.
  struct Row {
    std::string room, id, media;
    mcu::MediaStats stats;
  };
  std::vector<Row> rows;
  // From the rooms' snapshots, taken in parallel: one slow room costs a scrape at most the
  // snapshot wait once, not once per room.
  for (const mcu::RoomStats& r : rooms) {
    for (const mcu::ParticipantInfo& p : r.participants) {
      if (p.audio.present) rows.push_back({r.room, p.id, "audio", p.audio});
      if (p.video.present) rows.push_back({r.room, p.id, "video", p.video});
    }
  }
  struct MediaMetric {
    const char* name;
    const char* type;
    const char* help;
    double (*value)(const mcu::MediaStats&);
  };
  static constexpr MediaMetric kMedia[] = {
      {"tessera_participant_packets_received_total", "counter", "RTP packets received from the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.packets_received); }},
      {"tessera_participant_bytes_received_total", "counter", "RTP payload bytes received from the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.bytes_received); }},
      {"tessera_participant_packets_lost", "gauge", "Cumulative packets lost (RFC 3550) from the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.packets_lost); }},
      {"tessera_participant_jitter_seconds", "gauge", "Interarrival jitter of the participant's packets.",
       [](const mcu::MediaStats& m) { return m.jitter_ms / 1000.0; }},
      {"tessera_participant_packets_sent_total", "counter", "RTP packets sent to the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.packets_sent); }},
      {"tessera_participant_bytes_sent_total", "counter", "RTP payload bytes sent to the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.bytes_sent); }},
      {"tessera_participant_nack_sent_total", "counter", "RTCP NACK messages sent to the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.nack_sent); }},
      {"tessera_participant_pli_sent_total", "counter", "PLIs sent to the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.pli_sent); }},
      {"tessera_participant_fir_sent_total", "counter", "FIRs sent to the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.fir_sent); }},
      {"tessera_participant_keyframe_requests_received_total", "counter", "PLI/FIR received from the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.keyframe_requests_received); }},
      {"tessera_participant_nack_received_total", "counter", "Packets the participant asked for again (NACK).",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.nack_received); }},
      {"tessera_participant_packets_resent_total", "counter", "Packets sent to the participant again for its NACKs.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.packets_resent); }},
      {"tessera_participant_frames_decoded_total", "counter", "Frames decoded from the participant.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.frames_decoded); }},
      {"tessera_participant_decode_errors_total", "counter", "Frames from the participant that failed to decode.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.decode_errors); }},
      {"tessera_participant_srtp_failures_total", "counter", "Packets from the participant SRTP refused.",
       [](const mcu::MediaStats& m) { return static_cast<double>(m.srtp_failures); }},
  };
  for (const MediaMetric& m : kMedia) {
    w.Family(m.name, m.type, m.help);
    for (const Row& r : rows)
      w.Sample(m.name, {{"room", r.room}, {"participant", r.id}, {"media", r.media}}, m.value(r.stats));
  }
  w.Family("tessera_participant_rtt_seconds", "gauge", "Round-trip time from the participant's receiver reports.");
  for (const Row& r : rows)
    if (r.stats.rtt_ms)
      w.Sample("tessera_participant_rtt_seconds", {{"room", r.room}, {"participant", r.id}, {"media", r.media}},
               *r.stats.rtt_ms / 1000.0);
  return w.Take();
}

void RegisterMetricsRoutes(http::Router& router, mcu::ConferenceControl& control) {
  router.Add(
      http::Verb::get, "/metrics",
      [&control](const http::Request&, const http::PathParams&) {
        http::Response response{http::Status::ok, 11};
        response.set(boost::beast::http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        response.set(boost::beast::http::field::cache_control, "no-store");
        response.body() = RenderMetrics(control);
        response.prepare_payload();
        return response;
      },
      http::Access::kRead);
}

}  // namespace tessera::signaling::api
