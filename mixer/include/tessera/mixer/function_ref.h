#pragma once
// FunctionRef<R(Args...)>: a non-owning reference to a callable, two pointers wide. The
// per-frame and per-tick paths take callbacks this way because std::function may allocate.
// The referenced callable must outlive the call it is passed to (pass lambdas directly).
//
// Thread safety: a plain value; calling it is as thread-safe as the callable.

#include <type_traits>
#include <utility>

namespace tessera::mixer {

template <typename Signature>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef> &&
                                                    std::is_invocable_r_v<R, F&, Args...>>>
  FunctionRef(F&& f)  // NOLINT: implicit by design, like std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace tessera::mixer
