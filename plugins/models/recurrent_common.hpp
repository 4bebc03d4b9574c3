// What the `rnn` and `lstm` model plugins share: parameters, layout, layer loop, Linear head.
//
// A stacked recurrent network followed by a Linear head, as PyTorch's
// nn.RNN / nn.LSTM (batch_first=True, h0 = c0 = 0) followed by nn.Linear. The
// two plugins differ only in their cell: what one step does with its gate
// pre-activations (forward_step) and how it turns dL/dh_t back into dL/da_t
// (backward_step). Everything else lives here, once:
//
//   per layer l, with x = the inputs (l = 0) or layer l-1's h sequence, G = gates * H:
//     a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh       (B, G), h_{-1} = 0
//     h_t = cell(a_t, ...)                                   (B, H)
//   head, on the top layer's h:
//     last:     y   = h_{T-1} W_fc^T + b_fc                  outputs (B, 1, O)
//     sequence: y_t = h_t W_fc^T + b_fc for every t          outputs (B, T, O)
//
//   backward (BPTT), per layer from the top, t from T-1 down to 0:
//     dh_t = dL/dh_t from above (head or layer l+1) + da_{t+1} W_hh
//     da_t = cell_backward(dh_t, ...)
//   then, over all steps at once:
//     dW_ih = sum_t da_t^T x_t      dW_hh = sum_{t>=1} da_t^T h_{t-1}
//     db_ih = db_hh = sum_t,b da_t  dx_t  = da_t W_ih   (layer l-1's dL/dh)
//
// Layout. Inputs and outputs cross the Model interface batch-major (B, T, F).
// Inside, every sequence is stored TIME-MAJOR (T, B, F): the rows of step t are
// the contiguous (B, F) block at offset t*B*F. So one GEMM covers one step, a
// GEMM over all steps sees a single (T*B, F) matrix, and "steps 1..T-1" or
// "steps 0..T-2" are single contiguous matrices too (used for dW_hh). Inputs are
// transposed into that layout once per forward, outputs and their gradients
// once per call.
//
// Parameters, in order, with PyTorch's state_dict names and layouts
// (prefix "rnn." or "lstm."):
//   for l in 0..L-1: weight_ih_l<l> (G, I or H), weight_hh_l<l> (G, H),
//                    bias_ih_l<l> (G), bias_hh_l<l> (G)
//   fc.weight (O, H), fc.bias (O)
// All initialised U(-1/sqrt(H), 1/sqrt(H)) in this order, each flat row-major,
// as PyTorch does for both modules (nn.Linear's bound is 1/sqrt(in_features) = 1/sqrt(H)).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <seqlab/blas.hpp>
#include <seqlab/plugin.hpp>
#include <stdexcept>
#include <string>
#include <vector>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace seqlab::recurrent {

enum class Head { last, sequence };

// The parameters both plugins declare.
inline ParamSchema schema() {
  return {integer("hidden_size", 32, "hidden units per layer").at_least(1),
          integer("num_layers", 1, "stacked recurrent layers").at_least(1),
          choice("head", {"auto", "last", "sequence"}, "auto",
                 "Linear on the last step only (last) or every step (sequence); "
                 "auto: last when the dataset predicts one step, else sequence")};
}

struct Sizes {
  std::size_t input = 1, hidden = 1, output = 1, layers = 1;
  std::size_t gates = 1;  // weight blocks per layer: 1 (rnn) or 4 (lstm: i, f, g, o)
  Head head = Head::last;
  std::size_t gate_width() const { return gates * hidden; }  // G
  std::size_t layer_input(std::size_t layer) const { return layer == 0 ? input : hidden; }
};

// Index of each parameter in Model::parameters().
inline std::size_t weight_ih_index(std::size_t layer) { return 4 * layer; }
inline std::size_t weight_hh_index(std::size_t layer) { return 4 * layer + 1; }
inline std::size_t bias_ih_index(std::size_t layer) { return 4 * layer + 2; }
inline std::size_t bias_hh_index(std::size_t layer) { return 4 * layer + 3; }
inline std::size_t fc_weight_index(const Sizes& s) { return 4 * s.layers; }
inline std::size_t fc_bias_index(const Sizes& s) { return 4 * s.layers + 1; }

// A 1-d window onto n floats, for xtensor (and so xsimd) elementwise kernels.
// Assign to it through xt::noalias: plain `=` would evaluate into a temporary.
inline auto span(float* data, std::size_t n) {
  return xt::adapt(data, n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}
inline auto span(const float* data, std::size_t n) { return span(const_cast<float*>(data), n); }

// (B, T, F) batch-major -> (T, B, F) time-major, and back.
inline void to_time_major(const float* src, std::size_t batch, std::size_t steps, std::size_t features, float* dst) {
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t t = 0; t < steps; ++t)
      std::memcpy(dst + (t * batch + b) * features, src + (b * steps + t) * features, features * sizeof(float));
}
inline void to_batch_major(const float* src, std::size_t batch, std::size_t steps, std::size_t features, float* dst) {
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t t = 0; t < steps; ++t)
      std::memcpy(dst + (b * steps + t) * features, src + (t * batch + b) * features, features * sizeof(float));
}

// Adds `bias` (cols) to every row of the (rows, cols) matrix m.
inline void add_rows(float* m, std::size_t rows, std::size_t cols, const float* bias) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = m + r * cols;
    for (std::size_t c = 0; c < cols; ++c) row[c] += bias[c];
  }
}

// out[c] = sum over rows of m[r, c]. Accumulated in double (acc: cols doubles of
// scratch) because a bias gradient sums T*B rows, and a float sum over tens of
// thousands of rows loses the digits the PyTorch comparison checks.
inline void column_sums(const float* m, std::size_t rows, std::size_t cols, double* acc, float* out) {
  std::fill(acc, acc + cols, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = m + r * cols;
    for (std::size_t c = 0; c < cols; ++c) acc[c] += row[c];
  }
  for (std::size_t c = 0; c < cols; ++c) out[c] = static_cast<float>(acc[c]);
}

// Activations and scratch for one (batch, steps), all time-major, sized once.
// A cell that needs more (the LSTM's c) derives from it.
struct Cache : ModelCache {
  Cache(const Sizes& s, std::size_t batch_, std::size_t steps_) : batch(batch_), steps(steps_) {
    if (batch == 0 || steps == 0) throw std::logic_error("recurrent model: a cache needs batch >= 1 and steps >= 1");
    inputs = Tensor3::from_shape({steps, batch, s.input});
    for (std::size_t l = 0; l < s.layers; ++l) {
      gates.push_back(Tensor3::from_shape({steps, batch, s.gate_width()}));
      hidden.push_back(Tensor3::from_shape({steps, batch, s.hidden}));
    }
    if (s.head == Head::sequence) head = Tensor3::from_shape({steps, batch, s.output});
    grad_gates = Tensor3::from_shape({steps, batch, s.gate_width()});
    grad_hidden = Tensor3::from_shape({steps, batch, s.hidden});
    sums.resize(std::max(s.gate_width(), s.output));
  }

  // Pointer to step t's (B, F) block of a time-major sequence.
  static float* at(Tensor3& seq, std::size_t t) { return seq.data() + t * seq.shape()[1] * seq.shape()[2]; }

  std::size_t batch, steps;
  Tensor3 inputs;               // (T, B, I): the forward's inputs, time-major
  std::vector<Tensor3> gates;   // per layer (T, B, G): a_t, or whatever the cell keeps in its place
  std::vector<Tensor3> hidden;  // per layer (T, B, H): h_t
  Tensor3 head;                 // (T, B, O): the sequence head's outputs before transposing
  Tensor3 grad_gates;           // (T, B, G): dL/da_t of the layer being differentiated
  Tensor3 grad_hidden;          // (T, B, H): dL/dh_t of the layer being differentiated
  std::vector<double> sums;     // column_sums scratch
};

// The recurrent network and its head; a plugin supplies the cell.
class RecurrentModel : public Model {
 public:
  // prefix: "rnn" or "lstm"; gates: weight blocks per layer (1 or 4).
  RecurrentModel(const PluginArgs& args, const std::string& prefix, std::size_t gates)
      : sizes_(read_sizes(args, gates)) {
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::string suffix = "_l" + std::to_string(l);
      const std::size_t g = sizes_.gate_width(), in = sizes_.layer_input(l), h = sizes_.hidden;
      parameters_.emplace_back(prefix + ".weight_ih" + suffix, std::vector<std::size_t>{g, in});
      parameters_.emplace_back(prefix + ".weight_hh" + suffix, std::vector<std::size_t>{g, h});
      parameters_.emplace_back(prefix + ".bias_ih" + suffix, std::vector<std::size_t>{g});
      parameters_.emplace_back(prefix + ".bias_hh" + suffix, std::vector<std::size_t>{g});
    }
    parameters_.emplace_back("fc.weight", std::vector<std::size_t>{sizes_.output, sizes_.hidden});
    parameters_.emplace_back("fc.bias", std::vector<std::size_t>{sizes_.output});
    const double bound = 1.0 / std::sqrt(static_cast<double>(sizes_.hidden));
    for (Parameter& p : parameters_)
      for (float& v : p.value) v = static_cast<float>(args.random.uniform(-bound, bound));
  }

  std::vector<Parameter>& parameters() override { return parameters_; }

  std::size_t output_steps(std::size_t steps) const override { return sizes_.head == Head::last ? 1 : steps; }

  void forward(const Tensor3& inputs, ModelCache& cache_base, Tensor3& outputs) override {
    Cache& cache = checked_cache(cache_base, inputs);
    const std::size_t b = cache.batch, t_max = cache.steps, g = sizes_.gate_width(), h = sizes_.hidden;
    to_time_major(inputs.data(), b, t_max, sizes_.input, cache.inputs.data());

    const float* x = cache.inputs.data();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const float* w_ih = parameters_[weight_ih_index(l)].value.data();
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      float* a = cache.gates[l].data();
      // The input part of every step at once: (T*B, in) x W_ih^T -> (T*B, G).
      gemm(x, t_max * b, in, Transpose::no, w_ih, g, in, Transpose::yes, a);
      add_rows(a, t_max * b, g, parameters_[bias_ih_index(l)].value.data());
      add_rows(a, t_max * b, g, parameters_[bias_hh_index(l)].value.data());
      for (std::size_t t = 0; t < t_max; ++t) {
        if (t > 0)  // a_t += h_{t-1} W_hh^T; h_{-1} = 0 adds nothing
          gemm(Cache::at(cache.hidden[l], t - 1), b, h, Transpose::no, w_hh, g, h, Transpose::yes,
               Cache::at(cache.gates[l], t), 1.0f, 1.0f);
        forward_step(l, t, cache);
      }
      x = cache.hidden[l].data();
    }
    forward_head(cache, outputs);
  }

  void backward(const Tensor3& inputs, ModelCache& cache_base, const Tensor3& grad_outputs) override {
    Cache& cache = checked_cache(cache_base, inputs);
    const std::size_t b = cache.batch, t_max = cache.steps, g = sizes_.gate_width(), h = sizes_.hidden;
    const std::array<std::size_t, 3> expected{b, output_steps(t_max), sizes_.output};
    if (grad_outputs.shape() != expected)
      throw std::logic_error("recurrent model: grad_outputs do not have the outputs' shape");
    backward_head(cache, grad_outputs);  // fills cache.grad_hidden for the top layer

    for (std::size_t l = sizes_.layers; l-- > 0;) {
      const std::size_t in = sizes_.layer_input(l);
      const float* x = l == 0 ? cache.inputs.data() : cache.hidden[l - 1].data();
      Parameter& w_ih = parameters_[weight_ih_index(l)];
      Parameter& w_hh = parameters_[weight_hh_index(l)];
      float* da = cache.grad_gates.data();
      for (std::size_t t = t_max; t-- > 0;) {
        if (t + 1 < t_max)  // dh_t += da_{t+1} W_hh
          gemm(Cache::at(cache.grad_gates, t + 1), b, g, Transpose::no, w_hh.value.data(), g, h, Transpose::no,
               Cache::at(cache.grad_hidden, t), 1.0f, 1.0f);
        backward_step(l, t, cache);
      }
      // Weight gradients over all steps at once.
      gemm(da, t_max * b, g, Transpose::yes, x, t_max * b, in, Transpose::no, w_ih.grad.data());
      if (t_max > 1)  // steps 1..T-1 of da against steps 0..T-2 of h: both contiguous
        gemm(da + b * g, (t_max - 1) * b, g, Transpose::yes, cache.hidden[l].data(), (t_max - 1) * b, h, Transpose::no,
             w_hh.grad.data());
      else
        w_hh.grad.fill(0.0f);
      float* db_ih = parameters_[bias_ih_index(l)].grad.data();
      column_sums(da, t_max * b, g, cache.sums.data(), db_ih);
      std::copy(db_ih, db_ih + g, parameters_[bias_hh_index(l)].grad.data());
      if (l > 0)  // dL/dx = da W_ih is layer l-1's dL/dh; da is done with grad_hidden
        gemm(da, t_max * b, g, Transpose::no, w_ih.value.data(), g, in, Transpose::no, cache.grad_hidden.data());
    }
  }

 protected:
  // Step t of `layer`, forward: Cache::at(cache.gates[layer], t) holds a_t (B, G).
  // Writes h_t to Cache::at(cache.hidden[layer], t) and keeps what backward_step
  // needs (it may overwrite a_t, e.g. with the activated gates).
  virtual void forward_step(std::size_t layer, std::size_t t, Cache& cache) const = 0;

  // Step t of `layer`, backward, called for t = T-1 down to 0 after forward:
  // Cache::at(cache.grad_hidden, t) holds the full dL/dh_t (B, H). Writes dL/da_t
  // to Cache::at(cache.grad_gates, t) (B, G); a cell with state carries its own
  // dL/dc from step t to t-1 (starting from zero at t = T-1).
  virtual void backward_step(std::size_t layer, std::size_t t, Cache& cache) const = 0;

  const Sizes sizes_;

 private:
  static Sizes read_sizes(const PluginArgs& args, std::size_t gates) {
    Sizes s;
    s.input = args.shape.input_size;
    s.output = args.shape.output_size;
    s.hidden = static_cast<std::size_t>(args.params.integer("hidden_size"));
    s.layers = static_cast<std::size_t>(args.params.integer("num_layers"));
    s.gates = gates;
    if (s.input == 0 || s.output == 0)
      throw std::logic_error("recurrent model: input_size and output_size must be >= 1");
    const std::string& head = args.params.text("head");
    const std::size_t target_steps = args.shape.target_steps;
    if (head == "auto") {
      s.head = target_steps == 1 ? Head::last : Head::sequence;
    } else if (head == "last") {
      s.head = Head::last;
      if (target_steps != 1)
        throw ParamError("head", "head 'last' predicts one step, but the dataset has " + std::to_string(target_steps) +
                                     " target steps per sequence (use head: sequence or auto)");
    } else {
      s.head = Head::sequence;
      if (target_steps != args.shape.steps)
        throw ParamError("head", "head 'sequence' predicts every one of the " + std::to_string(args.shape.steps) +
                                     " steps, but the dataset has " + std::to_string(target_steps) +
                                     " target steps per sequence (use head: last or auto)");
    }
    return s;
  }

  Cache& checked_cache(ModelCache& cache_base, const Tensor3& inputs) const {
    auto* cache = dynamic_cast<Cache*>(&cache_base);
    if (!cache) throw std::logic_error("recurrent model: the cache was not made by this model");
    const auto& shape = inputs.shape();
    if (shape[0] != cache->batch || shape[1] != cache->steps || shape[2] != sizes_.input ||
        cache->hidden.size() != sizes_.layers || cache->inputs.shape()[2] != sizes_.input)
      throw std::logic_error("recurrent model: inputs of shape (" + std::to_string(shape[0]) + ", " +
                             std::to_string(shape[1]) + ", " + std::to_string(shape[2]) +
                             ") do not fit the cache, made for (" + std::to_string(cache->batch) + ", " +
                             std::to_string(cache->steps) + ", " + std::to_string(sizes_.input) + ")");
    return *cache;
  }

  void forward_head(Cache& cache, Tensor3& outputs) {
    const std::size_t b = cache.batch, t_max = cache.steps, h = sizes_.hidden, o = sizes_.output;
    const std::size_t rows = sizes_.head == Head::last ? b : t_max * b;
    const std::array<std::size_t, 3> shape{b, output_steps(t_max), o};
    if (outputs.shape() != shape) outputs.resize(shape);
    const float* w = parameters_[fc_weight_index(sizes_)].value.data();
    const float* bias = parameters_[fc_bias_index(sizes_)].value.data();
    // last: (B, H) x W^T straight into outputs (B, 1, O); sequence: (T*B, H) x W^T
    // into the time-major cache.head, then transposed into outputs (B, T, O).
    const float* x = sizes_.head == Head::last ? Cache::at(cache.hidden.back(), t_max - 1) : cache.hidden.back().data();
    float* y = sizes_.head == Head::last ? outputs.data() : cache.head.data();
    gemm(x, rows, h, Transpose::no, w, o, h, Transpose::yes, y);
    add_rows(y, rows, o, bias);
    if (sizes_.head == Head::sequence) to_batch_major(y, b, t_max, o, outputs.data());
  }

  // dL/dW_fc, dL/db_fc, and dL/dh of the top layer into cache.grad_hidden.
  void backward_head(Cache& cache, const Tensor3& grad_outputs) {
    const std::size_t b = cache.batch, t_max = cache.steps, h = sizes_.hidden, o = sizes_.output;
    Parameter& w = parameters_[fc_weight_index(sizes_)];
    Parameter& bias = parameters_[fc_bias_index(sizes_)];
    if (sizes_.head == Head::last) {
      const float* dy = grad_outputs.data();  // (B, 1, O) is (B, O)
      gemm(dy, b, o, Transpose::yes, Cache::at(cache.hidden.back(), t_max - 1), b, h, Transpose::no, w.grad.data());
      column_sums(dy, b, o, cache.sums.data(), bias.grad.data());
      // Only the last step feeds the head.
      std::fill(cache.grad_hidden.data(), Cache::at(cache.grad_hidden, t_max - 1), 0.0f);
      gemm(dy, b, o, Transpose::no, w.value.data(), o, h, Transpose::no, Cache::at(cache.grad_hidden, t_max - 1));
    } else {
      float* dy = cache.head.data();  // reused: the outputs are no longer needed
      to_time_major(grad_outputs.data(), b, t_max, o, dy);
      gemm(dy, t_max * b, o, Transpose::yes, cache.hidden.back().data(), t_max * b, h, Transpose::no, w.grad.data());
      column_sums(dy, t_max * b, o, cache.sums.data(), bias.grad.data());
      gemm(dy, t_max * b, o, Transpose::no, w.value.data(), o, h, Transpose::no, cache.grad_hidden.data());
    }
  }

  std::vector<Parameter> parameters_;
};

}  // namespace seqlab::recurrent
