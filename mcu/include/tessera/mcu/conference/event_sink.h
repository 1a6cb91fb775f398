#pragma once
// EventSink: where the core's rooms and conference manager report ControlEvents (control.h)
// to the one listener the control plane set. Emit is called from media strands and control
// threads, only when something changed (never per tick or per packet); the listener must
// not block.
//
// Thread safety: Set and Emit may be called from any thread. The listener is copied out
// under a short lock and called outside it, so a listener may be replaced while it runs.

#include <functional>
#include <memory>
#include <mutex>

#include "tessera/mcu/control.h"

namespace tessera::mcu::conference {

class EventSink {
 public:
  using Listener = std::function<void(const ControlEvent&)>;

  void Set(Listener listener) {
    auto shared = listener ? std::make_shared<const Listener>(std::move(listener)) : nullptr;
    std::lock_guard lock(mutex_);
    listener_ = std::move(shared);
  }
  bool active() const {
    std::lock_guard lock(mutex_);
    return listener_ != nullptr;
  }
  void Emit(const ControlEvent& event) const {
    std::shared_ptr<const Listener> listener;
    {
      std::lock_guard lock(mutex_);
      listener = listener_;
    }
    if (listener) (*listener)(event);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Listener> listener_;
};

}  // namespace tessera::mcu::conference
