#include "tessera/mcu/conference/prompt_player.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tessera::mcu::conference {
namespace {

// The prompt's first `ms` milliseconds.
std::vector<int16_t> Play(PromptPlayer& p, int ms) {
  std::vector<int16_t> out;
  for (int t = 0; t < ms; t += 20) {
    auto frame = p.Next();
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

// Relative power of `hz` in samples [from, to) (Goertzel, 1 for a pure tone).
double Share(const std::vector<int16_t>& x, size_t from, size_t to, double hz) {
  const double coeff = 2 * std::cos(2 * M_PI * hz / 48000);
  double s1 = 0, s2 = 0, energy = 0;
  for (size_t i = from; i < to; ++i) {
    const double s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += static_cast<double>(x[i]) * x[i];
  }
  if (energy == 0) return 0;
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (energy * static_cast<double>(to - from) / 2);
}

constexpr size_t Ms(int ms) {
  return static_cast<size_t>(ms) * 48;
}

TEST(PromptPlayer, EnterPinIsTwoRisingBeepsThenSilenceRepeated) {
  PromptPlayer p;
  p.Play(Prompt::kEnterPin);
  const auto x = Play(p, 6000);
  EXPECT_GT(Share(x, Ms(0), Ms(140), 600), 0.8);
  EXPECT_GT(Share(x, Ms(260), Ms(390), 900), 0.8);
  EXPECT_EQ(Share(x, Ms(500), Ms(2800), 600), 0);     // silence
  EXPECT_GT(Share(x, Ms(2900), Ms(3040), 600), 0.8);  // again after 2.9 s
}

TEST(PromptPlayer, WrongPinFallsThenHandsOverToEnterPin) {
  PromptPlayer p;
  p.Play(Prompt::kWrongPin);
  const auto x = Play(p, 1200);
  EXPECT_GT(Share(x, Ms(0), Ms(140), 700), 0.8);
  EXPECT_GT(Share(x, Ms(210), Ms(340), 500), 0.8);
  EXPECT_GT(Share(x, Ms(410), Ms(540), 350), 0.8);
  EXPECT_GT(Share(x, Ms(960), Ms(1090), 600), 0.8);  // kEnterPin's first beep
  EXPECT_EQ(p.playing(), Prompt::kEnterPin);
}

TEST(PromptPlayer, GoodbyeIsOneLowToneThenSilenceAndNoneIsSilent) {
  PromptPlayer p;
  p.Play(Prompt::kGoodbye);
  const auto x = Play(p, 2000);
  EXPECT_GT(Share(x, Ms(0), Ms(580), 400), 0.8);
  for (size_t i = Ms(620); i < x.size(); ++i)
    ASSERT_EQ(x[i], 0);
  PromptPlayer none;
  for (int16_t v : Play(none, 100))
    ASSERT_EQ(v, 0);
}

}  // namespace
}  // namespace tessera::mcu::conference
