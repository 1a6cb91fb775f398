#include "tessera/testing/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tessera::testing {
namespace {

int BindSocket(const std::string& host, uint16_t port, bool tcp, uint16_t* bound) {
  const int fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || (tcp && listen(fd, 16) != 0)) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *bound = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

uint16_t FreeTcpPort(const std::string& host) {
  uint16_t port = 0;
  const int fd = BindSocket(host, 0, true, &port);
  if (fd >= 0) close(fd);
  return port;
}

uint16_t FreeUdpPort(const std::string& host) {
  uint16_t port = 0;
  const int fd = BindSocket(host, 0, false, &port);
  if (fd >= 0) close(fd);
  return port;
}

BoundSocket::BoundSocket(const std::string& host, uint16_t port, bool tcp) {
  fd_ = BindSocket(host, port, tcp, &port_);
}

BoundSocket::~BoundSocket() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace tessera::testing
