// `seqlab call` for schedulers: the rate (and momentum, for one that sets it) of each epoch, as a run asks for
// them with step_on: epoch (start(), then next() per epoch).
// Kept apart from the other kinds: the scheduler interface is the one most likely to grow.
// Tested in tests/cli/test_call_command.cpp, tests/cli/call_torch_test.py
#include <cmath>
#include <string>
#include <vector>

#include "runs/call_kinds.hpp"

namespace seqlab {

void call_scheduler(const CallContext& call) {
  const CallOptions& o = call.options;
  const std::string reader = std::string(kind_name(call.plugin.kind())) + " plugin '" + call.plugin.name() + "'";
  call.in.refuse_unknown({"train_loss", "val_loss"}, {"lr", "momentum"}, reader);
  const auto epochs = static_cast<std::size_t>(o.epochs);
  // The losses each epoch ended with, for schedulers that read them; by default 1 every epoch (a plateau).
  const std::optional<NpyArray> train = call.in.read("train_loss", std::vector<std::size_t>{epochs});
  const std::optional<NpyArray> val = call.in.read("val_loss", std::vector<std::size_t>{epochs});

  Random unused = Random::stream(o.seed, "scheduler");
  Handle<Scheduler> scheduler = create_scheduler(call.plugin, {call.params, unused, {}, nullptr});
  ScheduleStart run;  // stepped per epoch, one optimizer step each: steps and epochs are the same count
  run.base_lr = o.base_lr;
  run.epochs = o.epochs;
  run.momentum = o.momentum;
  std::vector<float> rates = {static_cast<float>(scheduler->start(run))};
  // A scheduler that sets the momentum (onecycle) says so from the start; its momenta are written beside the rates.
  const bool sets_momentum = scheduler->momentum().has_value();
  std::vector<float> momenta;
  if (sets_momentum) momenta.push_back(static_cast<float>(*scheduler->momentum()));
  for (int epoch = 1; epoch < o.epochs; ++epoch) {
    const auto i = static_cast<std::size_t>(epoch - 1);
    const EpochLosses ended{epoch, train ? train->data[i] : 1.0, val ? val->data[i] : 1.0};
    rates.push_back(static_cast<float>(scheduler->next(ended)));
    if (sets_momentum) momenta.push_back(static_cast<float>(scheduler->momentum().value_or(0.0)));
  }
  call.out.write("lr", rates.data(), {epochs});
  if (sets_momentum) call.out.write("momentum", momenta.data(), {epochs});
}

}  // namespace seqlab
