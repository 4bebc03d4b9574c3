// What `seqlab call` does with each kind of plugin: one function per kind, sharing the call's context.
#pragma once

#include "host/plugin_loader.hpp"
#include "runs/call_files.hpp"
#include "runs/plugin_call.hpp"

namespace seqlab {

struct CallContext {
  const CallOptions& options;
  const LoadedPlugin& plugin;
  const ParamValues& params;  // validated, defaults filled in
  const CallInputs& in;
  CallOutputs& out;
};

// model: x.npy [+ <parameter>.npy, grad_output.npy] -> output.npy, <parameter>.npy, grad_<parameter>.npy
void call_model(const CallContext& call);
// loss: prediction.npy, target.npy -> loss.npy, grad_prediction.npy
void call_loss(const CallContext& call);
// optimizer: <name>.npy, grad_<name>.npy pairs -> <name>.npy after options.steps updates
void call_optimizer(const CallContext& call);
// dataset: -> {train,validation,test}_{inputs,targets}.npy
void call_dataset(const CallContext& call);
// scheduler: [train_loss.npy, val_loss.npy] -> lr.npy, one rate per epoch (runs/call_scheduler.cpp)
void call_scheduler(const CallContext& call);

}  // namespace seqlab
