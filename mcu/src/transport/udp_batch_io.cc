#include "tessera/mcu/transport/udp_batch_io.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace tessera::mcu::transport {
namespace {

mmsghdr* Messages(std::vector<uint8_t>& raw) {
  return reinterpret_cast<mmsghdr*>(raw.data());
}

iovec* Vectors(std::vector<uint8_t>& raw, size_t count) {
  return reinterpret_cast<iovec*>(raw.data() + sizeof(mmsghdr) * count);
}

std::vector<uint8_t> HeaderStorage(size_t count) {
  // mmsghdr and iovec both need pointer alignment; vector<uint8_t> storage from operator
  // new is aligned for any fundamental type.
  return std::vector<uint8_t>(count * (sizeof(mmsghdr) + sizeof(iovec)));
}

}  // namespace

UdpBatchReceiver::UdpBatchReceiver(size_t batch, size_t buffer_size)
    : batch_(batch == 0 ? 1 : batch),
      buffer_size_(buffer_size),
      buffers_(batch_ * buffer_size),
      addresses_(batch_),
      headers_(HeaderStorage(batch_)) {
  mmsghdr* msgs = Messages(headers_);
  iovec* iov = Vectors(headers_, batch_);
  for (size_t i = 0; i < batch_; ++i) {
    iov[i].iov_base = buffers_.data() + i * buffer_size_;
    iov[i].iov_len = buffer_size_;
    std::memset(&msgs[i], 0, sizeof(mmsghdr));
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &addresses_[i];
  }
}

UdpBatchReceiver::~UdpBatchReceiver() = default;

size_t UdpBatchReceiver::Receive(int fd, bool batched) {
  mmsghdr* msgs = Messages(headers_);
  received_ = 0;
  if (batched) {
    for (size_t i = 0; i < batch_; ++i) {
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      msgs[i].msg_hdr.msg_flags = 0;
    }
    const int n = recvmmsg(fd, msgs, static_cast<unsigned>(batch_), MSG_DONTWAIT, nullptr);
    if (n < 0) {
      last_error_ = errno;
      return 0;
    }
    received_ = static_cast<size_t>(n);
    return received_;
  }
  socklen_t len = sizeof(sockaddr_storage);
  // MSG_TRUNC makes recvfrom return the real length, so a truncated datagram is detected.
  const ssize_t n = recvfrom(fd, buffers_.data(), buffer_size_, MSG_DONTWAIT | MSG_TRUNC,
                             reinterpret_cast<sockaddr*>(&addresses_[0]), &len);
  if (n < 0) {
    last_error_ = errno;
    return 0;
  }
  msgs[0].msg_len = static_cast<unsigned>(n);
  msgs[0].msg_hdr.msg_namelen = len;
  msgs[0].msg_hdr.msg_flags = static_cast<size_t>(n) > buffer_size_ ? MSG_TRUNC : 0;
  received_ = 1;
  return 1;
}

ReceivedDatagram UdpBatchReceiver::operator[](size_t i) const {
  const mmsghdr* msgs = reinterpret_cast<const mmsghdr*>(headers_.data());
  ReceivedDatagram d;
  const size_t len = std::min<size_t>(msgs[i].msg_len, buffer_size_);
  d.data = std::span<uint8_t>(const_cast<uint8_t*>(buffers_.data()) + i * buffer_size_, len);
  d.truncated = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
  const socklen_t name_len = msgs[i].msg_hdr.msg_namelen;
  if (name_len <= d.from.capacity()) {
    std::memcpy(d.from.data(), &addresses_[i], name_len);
    d.from.resize(name_len);
  }
  return d;
}

UdpBatchSender::UdpBatchSender(size_t max_batch)
    : max_batch_(max_batch == 0 ? 1 : max_batch), headers_(HeaderStorage(max_batch_)) {}

UdpBatchSender::~UdpBatchSender() = default;

size_t UdpBatchSender::Flush(int fd, size_t count) {
  mmsghdr* msgs = Messages(headers_);
  size_t done = 0, sent = 0;
  while (done < count) {
    const int n = sendmmsg(fd, msgs + done, static_cast<unsigned>(count - done), MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
      sent += static_cast<size_t>(n);
      continue;
    }
    const int error = n < 0 ? errno : EIO;
    if (error == EINTR) continue;
    // sendmmsg stops at the first datagram the kernel refuses (buffer full, a pending ICMP
    // error for that destination): skip it, so one bad destination does not hold back the
    // others.
    last_error_ = error;
    ++done;
  }
  return sent;
}

size_t UdpBatchSender::SendToMany(int fd, std::span<const uint8_t> packet, std::span<const Endpoint> destinations,
                                  bool batched) {
  if (!batched) {
    size_t sent = 0;
    for (const Endpoint& d : destinations)
      sent += SendDatagram(fd, packet, d, &last_error_) ? 1 : 0;
    return sent;
  }
  mmsghdr* msgs = Messages(headers_);
  iovec* iov = Vectors(headers_, max_batch_);
  size_t sent = 0;
  for (size_t start = 0; start < destinations.size(); start += max_batch_) {
    const size_t count = std::min(max_batch_, destinations.size() - start);
    for (size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<uint8_t*>(packet.data());
      iov[i].iov_len = packet.size();
      std::memset(&msgs[i], 0, sizeof(mmsghdr));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = const_cast<void*>(static_cast<const void*>(destinations[start + i].data()));
      msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(destinations[start + i].size());
    }
    sent += Flush(fd, count);
  }
  return sent;
}

size_t UdpBatchSender::SendAll(int fd, std::span<const std::span<const uint8_t>> packets, const Endpoint& destination,
                               bool batched) {
  if (!batched) {
    size_t sent = 0;
    for (const auto& p : packets)
      sent += SendDatagram(fd, p, destination, &last_error_) ? 1 : 0;
    return sent;
  }
  mmsghdr* msgs = Messages(headers_);
  iovec* iov = Vectors(headers_, max_batch_);
  size_t sent = 0;
  for (size_t start = 0; start < packets.size(); start += max_batch_) {
    const size_t count = std::min(max_batch_, packets.size() - start);
    for (size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<uint8_t*>(packets[start + i].data());
      iov[i].iov_len = packets[start + i].size();
      std::memset(&msgs[i], 0, sizeof(mmsghdr));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = const_cast<void*>(static_cast<const void*>(destination.data()));
      msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(destination.size());
    }
    sent += Flush(fd, count);
  }
  return sent;
}

bool SendDatagram(int fd, std::span<const uint8_t> packet, const Endpoint& destination, int* error) {
  const ssize_t n = sendto(fd, packet.data(), packet.size(), MSG_DONTWAIT, destination.data(),
                           static_cast<socklen_t>(destination.size()));
  if (n < 0) {
    if (error) *error = errno;
    return false;
  }
  return true;
}

}  // namespace tessera::mcu::transport
