#pragma once
// Batched UDP I/O on Linux: recvmmsg to drain a socket with one system call per batch, and
// sendmmsg to send many datagrams (one packet to many endpoints, or many packets to one)
// with one call. All buffers and message headers are allocated at construction; nothing
// is allocated per datagram. The plain recvfrom/sendto paths are kept for comparison
// (benchmarks/mcu/transport measures both).
//
// Thread safety: a receiver or sender object belongs to one thread; the sockets are
// file descriptors owned elsewhere.

#include <sys/socket.h>

#include <boost/asio/ip/udp.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

struct mmsghdr;

namespace tessera::mcu::transport {

using Endpoint = boost::asio::ip::udp::endpoint;

struct ReceivedDatagram {
  std::span<uint8_t> data;  // into the receiver's buffer; valid until the next Receive
  Endpoint from;
  bool truncated = false;  // larger than the buffer (MSG_TRUNC): drop it
};

class UdpBatchReceiver {
 public:
  UdpBatchReceiver(size_t batch, size_t buffer_size);
  ~UdpBatchReceiver();
  UdpBatchReceiver(const UdpBatchReceiver&) = delete;
  UdpBatchReceiver& operator=(const UdpBatchReceiver&) = delete;

  // Reads what is waiting on a non-blocking socket, up to the batch size: with recvmmsg,
  // or one recvfrom when `batched` is false. Returns how many; 0 when nothing waits (or
  // on an error, which `last_error()` keeps).
  size_t Receive(int fd, bool batched = true);
  ReceivedDatagram operator[](size_t i) const;
  size_t batch() const { return batch_; }
  int last_error() const { return last_error_; }

 private:
  size_t batch_;
  size_t buffer_size_;
  std::vector<uint8_t> buffers_;
  std::vector<sockaddr_storage> addresses_;
  std::vector<uint8_t> headers_;  // mmsghdr[batch_] + iovec[batch_], raw storage
  size_t received_ = 0;
  int last_error_ = 0;
};

class UdpBatchSender {
 public:
  explicit UdpBatchSender(size_t max_batch = 64);
  ~UdpBatchSender();
  UdpBatchSender(const UdpBatchSender&) = delete;
  UdpBatchSender& operator=(const UdpBatchSender&) = delete;

  // One packet to every destination: sendmmsg in batches of max_batch (or a sendto per
  // destination when `batched` is false). Returns how many were accepted by the kernel.
  size_t SendToMany(int fd, std::span<const uint8_t> packet, std::span<const Endpoint> destinations,
                    bool batched = true);
  // Several packets to one destination.
  size_t SendAll(int fd, std::span<const std::span<const uint8_t>> packets, const Endpoint& destination,
                 bool batched = true);
  int last_error() const { return last_error_; }

 private:
  size_t Flush(int fd, size_t count);

  size_t max_batch_;
  std::vector<uint8_t> headers_;  // mmsghdr[max_batch_] + iovec[max_batch_]
  int last_error_ = 0;
};

// One datagram with sendto (MSG_DONTWAIT); false if the kernel refused it (errno kept in
// *error when given).
bool SendDatagram(int fd, std::span<const uint8_t> packet, const Endpoint& destination, int* error = nullptr);

}  // namespace tessera::mcu::transport
