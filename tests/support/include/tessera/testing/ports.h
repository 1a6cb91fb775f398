#pragma once
// Free ports for tests on loopback. The kernel picks a free port, which is released at
// once; another process could take it in between, so tests that bind it retry on failure
// rather than assume it stays free.

#include <cstdint>
#include <string>

namespace tessera::testing {

uint16_t FreeTcpPort(const std::string& host = "127.0.0.1");
uint16_t FreeUdpPort(const std::string& host = "127.0.0.1");

// A socket bound (and, for TCP, listening) on a port, held until destruction: a test uses
// it to occupy a port on purpose.
class BoundSocket {
 public:
  BoundSocket(const std::string& host, uint16_t port, bool tcp);
  ~BoundSocket();
  BoundSocket(const BoundSocket&) = delete;
  BoundSocket& operator=(const BoundSocket&) = delete;
  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace tessera::testing
