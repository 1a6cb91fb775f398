#include "tessera/mcu/conference/rtp_link.h"

#include <boost/asio/ip/address.hpp>

#include "tessera/mcu/rtp/crypto_attribute.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::conference {

namespace {

class SpinGuard {
 public:
  explicit SpinGuard(std::atomic_flag& flag) : flag_(flag) {
    while (flag_.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~SpinGuard() { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag& flag_;
};

// Video bursts (a keyframe is a hundred packets) must fit between two 20 ms drains.
constexpr size_t kVideoQueue = 1024;
constexpr size_t kAudioQueue = 64;

Result<std::unique_ptr<rtp::SrtpSession>, std::string> MakeSrtp(rtp::SrtpSession::Direction direction,
                                                                 const SrtpRequest& request, std::string_view who) {
  auto attribute = rtp::ParseCryptoAttribute(std::to_string(request.tag) + " " + request.suite + " " +
                                             request.key_params);
  if (!attribute) return MakeUnexpected(std::string(who) + " a=crypto: " + attribute.error());
  if (auto unsupported = rtp::Unsupported(*attribute))
    return MakeUnexpected(std::string(who) + " a=crypto: " + *unsupported);
  auto session = rtp::SrtpSession::Create(direction, attribute->ToKeyMaterial());
  if (!session) return MakeUnexpected(std::string(who) + " SRTP: " + session.error());
  return std::move(*session);
}

}  // namespace

std::optional<transport::Endpoint> RemoteRtpOf(const MediaStreamRequest& request) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(request.remote_address, ec);
  if (ec || request.remote_rtp_port == 0) return std::nullopt;
  return transport::Endpoint(address, request.remote_rtp_port);
}

std::optional<transport::Endpoint> RemoteRtcpOf(const MediaStreamRequest& request) {
  auto rtp = RemoteRtpOf(request);
  if (!rtp) return std::nullopt;
  if (request.rtcp_mux) return rtp;
  const uint16_t port = request.remote_rtcp_port.value_or(static_cast<uint16_t>(request.remote_rtp_port + 1));
  return transport::Endpoint(rtp->address(), port);
}

RtpLink::RtpLink(std::string cname, uint32_t local_ssrc, uint32_t clock_rate, size_t queue_capacity)
    : cname_(std::move(cname)),
      local_ssrc_(local_ssrc),
      queue_(queue_capacity),
      sequence_(static_cast<uint16_t>(local_ssrc * 2654435761u >> 16)),
      send_statistics_(clock_rate),
      rtcp_schedule_(rtp::RtcpIntervalConfig{}, local_ssrc, rtp::Clock::now()) {}

RtpLink::~RtpLink() = default;

Result<std::shared_ptr<RtpLink>, std::string> RtpLink::Create(boost::asio::io_context& network,
                                                             transport::PortAllocator& ports,
                                                             const MediaStreamRequest& request, uint32_t local_ssrc,
                                                             std::string cname,
                                                             const std::optional<SrtpRequest>& local_srtp) {
  const bool video = request.kind == MediaKind::kVideo;
  std::shared_ptr<RtpLink> link(new RtpLink(std::move(cname), local_ssrc,
                                            static_cast<uint32_t>(request.format.clock_rate),
                                            video ? kVideoQueue : kAudioQueue));
  if (request.srtp.has_value() != local_srtp.has_value())
    return MakeUnexpected(std::string("SRTP must be on in both directions or in neither"));
  if (request.srtp) {
    auto in = MakeSrtp(rtp::SrtpSession::Direction::kInbound, *request.srtp, "the endpoint's");
    if (!in) return MakeUnexpected(in.error());
    auto out = MakeSrtp(rtp::SrtpSession::Direction::kOutbound, *local_srtp, "our");
    if (!out) return MakeUnexpected(out.error());
    link->srtp_in_ = std::move(*in);
    link->srtp_out_ = std::move(*out);
  }
  transport::RtpTransportConfig config;
  config.rtcp_mux = request.rtcp_mux;
  config.remote_rtp = RemoteRtpOf(request);
  config.remote_rtcp = RemoteRtcpOf(request);
  auto transport = transport::RtpTransport::Create(network, ports, config, link.get());
  if (!transport) return MakeUnexpected(transport.error());
  link->transport_ = std::move(*transport);
  return link;
}

void RtpLink::Start() { transport_->Start(); }
void RtpLink::Close() { transport_->Close(); }

void RtpLink::SetRemote(const MediaStreamRequest& request) {
  transport_->SetRemote(RemoteRtpOf(request), RemoteRtcpOf(request));
}

uint16_t RtpLink::local_rtp_port() const { return transport_->rtp_port(); }
uint16_t RtpLink::local_rtcp_port() const { return transport_->rtcp_port(); }

bool RtpLink::OnRtp(transport::RtpTransport&, std::span<uint8_t> data, const transport::Endpoint&,
                    rtp::TimePoint arrival) {
  if (data.size() < 12 || (data[0] >> 6) != 2) {
    stats_.not_rtp.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  SpinGuard guard(receiving_);
  size_t size = data.size();
  if (srtp_in_) {
    auto plain = srtp_in_->UnprotectRtp(data);
    if (!plain) {
      stats_.srtp_failures.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    size = *plain;
  }
  queue_.Push(data.first(size), false, arrival);  // a full queue counts the drop itself
  return true;
}

bool RtpLink::OnRtcp(transport::RtpTransport&, std::span<uint8_t> data, const transport::Endpoint&,
                     rtp::TimePoint arrival) {
  if (data.size() < 8 || (data[0] >> 6) != 2) {
    stats_.not_rtp.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  SpinGuard guard(receiving_);
  size_t size = data.size();
  if (srtp_in_) {
    auto plain = srtp_in_->UnprotectRtcp(data);
    if (!plain) {
      stats_.srtp_failures.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    size = *plain;
  }
  queue_.Push(data.first(size), true, arrival);
  return true;
}

bool RtpLink::SendRtp(std::span<uint8_t> buffer, size_t size) {
  if (srtp_out_) {
    auto protected_size = srtp_out_->ProtectRtp(buffer, size);
    if (!protected_size) return false;
    size = *protected_size;
  }
  return transport_->SendRtp(buffer.first(size));
}

bool RtpLink::SendRtcp(std::span<uint8_t> buffer, size_t size) {
  if (srtp_out_) {
    auto protected_size = srtp_out_->ProtectRtcp(buffer, size);
    if (!protected_size) return false;
    size = *protected_size;
  }
  return transport_->SendRtcp(buffer.first(size));
}

}  // namespace tessera::mcu::conference
