// A run's memory, estimated from the plugins' memory plans before anything is allocated, and the memory it may use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/experiment.hpp"

namespace seqlab {

struct MemoryEstimate {
  // Bytes; empty when the plugin that decides it declares no plan (seqlab/memory.hpp).
  std::optional<double> data;         // both splits, as load() returns them
  std::optional<double> model;        // parameters, gradients, the model's own copies
  std::optional<double> activations;  // every batch shape's cache, outputs and gathered batch
  std::optional<double> optimizer;    // optimizer state
  double process = 0;                 // seqlab itself: code, libraries, OpenBLAS's buffers
  double history = 0;                 // the epochs' records (metrics) a run of all its epochs holds
  std::vector<std::string> unknown;   // "model plugin 'x'" for each part with no plan
  double total() const;               // the known parts and the process
  // "about 1.21 GiB (data 400 MiB, model 1.2 MiB, activations 800 MiB, optimizer 0.5 MiB, seqlab 45 MiB)",
  // with ", epoch records 6 MiB" before seqlab's when they reach 1 MiB (above 5,000 epochs)
  std::string text() const;
};

// The bytes a run of `experiment` will hold at its peak, from the plugins' plans: the
// dataset's plan gives the shapes the model's plan and the trainer's batches are sized by.
MemoryEstimate estimate_memory(const ResolvedExperiment& experiment);

// The bytes this process may still allocate: /proc/meminfo's MemAvailable, or less
// when a cgroup (v2 or v1) limits the process; empty when neither can be read.
struct MemoryLimit {
  double bytes = 0;
  std::string source;  // "MemAvailable", "the cgroup limit"
};
std::optional<MemoryLimit> available_memory();

// Throws ConfigError at the section whose setting drives the largest part when the
// estimate exceeds the available memory, naming both numbers.
void check_memory_fits(const ResolvedExperiment& experiment, const MemoryEstimate& estimate);

// "1.21 GiB", "800 MiB", "12 KiB".
std::string format_bytes(double bytes);

}  // namespace seqlab
