#pragma once
// Console output as usual, plus a closing table that pairs each ".../raw" benchmark with
// its ".../wrapper" twin (same inputs, same run) and prints the wrapper's cost relative to
// the raw library, from median CPU times when run with repetitions:
//   --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// The last line is the headline, `name: value` (docs/development.md).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace tessera::codecs_benchmarks {

class PairReporter : public benchmark::ConsoleReporter {
 public:
  explicit PairReporter(std::string headline) : headline_(std::move(headline)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (!median && !single) continue;
      const double seconds = run.GetAdjustedCPUTime() * Multiplier(run.time_unit);
      times_[run.run_name.function_name] = seconds;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    double worst = 0;
    bool any = false;
    std::printf("\n--- wrapper vs raw library: median CPU time per item, same inputs, same run ---\n");
    for (const auto& [name, raw] : times_) {
      const auto at = name.rfind("/raw");
      if (at == std::string::npos || at + 4 != name.size()) continue;
      const std::string base = name.substr(0, at);
      const auto wrapped = times_.find(base + "/wrapper");
      if (wrapped == times_.end() || raw <= 0) continue;
      const double ratio = wrapped->second / raw;
      std::printf("%-44s raw %10.1f us  wrapper %10.1f us  (%7.1f vs %7.1f per s)  wrapper/raw %.3f\n", base.c_str(),
                  raw * 1e6, wrapped->second * 1e6, 1.0 / raw, 1.0 / wrapped->second, ratio);
      worst = any ? std::max(worst, ratio) : ratio;
      any = true;
    }
    if (any) std::printf("%s: %.3f\n", headline_.c_str(), worst);
  }

 private:
  static double Multiplier(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kSecond:
        return 1.0;
      case benchmark::kMillisecond:
        return 1e-3;
      case benchmark::kMicrosecond:
        return 1e-6;
      case benchmark::kNanosecond:
        return 1e-9;
    }
    return 1.0;
  }

  std::string headline_;
  std::map<std::string, double> times_;  // benchmark name -> seconds per iteration
};

// Runs the registered benchmarks with a PairReporter.
inline int RunWithPairReport(int argc, char** argv, const std::string& headline) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  PairReporter reporter(headline);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace tessera::codecs_benchmarks
