// What makes a .cpp file a plugin: its metadata, its descriptor and the one-line export.
//
//   class Huber : public seqlab::Loss {
//    public:
//     static seqlab::PluginMeta meta() { return {"huber", "Huber loss", {seqlab::real("delta", 1.0, "...")}}; }
//     explicit Huber(const seqlab::PluginArgs& args);
//     ...
//   };
//   SEQLAB_PLUGIN(Huber)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <xtensor/xtensor_config.hpp>

#include "seqlab/dataset.hpp"
#include "seqlab/loss.hpp"
#include "seqlab/memory.hpp"
#include "seqlab/model.hpp"
#include "seqlab/optimizer.hpp"
#include "seqlab/parallel.hpp"
#include "seqlab/params.hpp"
#include "seqlab/random.hpp"
#include "seqlab/scheduler.hpp"
#include "seqlab/version.hpp"

namespace seqlab {

enum class PluginKind { dataset, model, loss, optimizer, scheduler };

inline const char* kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::dataset:
      return "dataset";
    case PluginKind::model:
      return "model";
    case PluginKind::loss:
      return "loss";
    case PluginKind::optimizer:
      return "optimizer";
    case PluginKind::scheduler:
      return "scheduler";
  }
  return "?";
}

// What a plugin's constructor receives.
struct PluginArgs {
  const ParamValues& params;   // validated, defaults filled in
  Random& random;              // this plugin's own stream of the experiment's seed
  ModelShape shape;            // models only: sizes inferred from the dataset
  ThreadPool* pool = nullptr;  // the run's threads (training.threads), for the plugin's
                               // parallel loops; nullptr: run serially. Owned by the runner
                               // and alive as long as the plugin's objects.
};

// Declared by each plugin class as `static PluginMeta meta()`.
struct PluginMeta {
  std::string name;     // as written after `plugin:` in an experiment
  std::string summary;  // one line for `seqlab plugins`
  ParamSchema params;
};

// The C++ half of a plugin, read only after the loader has checked the build facts.
struct PluginInfo {
  PluginKind kind;
  PluginMeta meta;
  std::unique_ptr<Dataset> (*make_dataset)(const PluginArgs&) = nullptr;
  std::unique_ptr<Model> (*make_model)(const PluginArgs&) = nullptr;
  std::unique_ptr<Loss> (*make_loss)(const PluginArgs&) = nullptr;
  std::unique_ptr<Optimizer> (*make_optimizer)(const PluginArgs&) = nullptr;
  std::unique_ptr<Scheduler> (*make_scheduler)(const PluginArgs&) = nullptr;
  // The kind's memory plan (seqlab/memory.hpp), or nullptr when the class declares none.
  DataPlan (*plan_data)(const PlanArgs&) = nullptr;
  ModelPlan (*plan_model)(const PlanArgs&) = nullptr;
  OptimizerPlan (*plan_optimizer)(const PlanArgs&) = nullptr;
};

// Facts that must match between host and plugin for their objects to be
// exchanged safely. Plain C data, text included (characters, not pointers): the
// loader reads them from the library's file, before loading it, so a mis-built
// plugin is refused before any of its code (even a static constructor) runs.
// Each text is NUL-terminated; a longer one is cut to fit.
struct BuildFacts {
  char seqlab_version[32];
  char compiler[128];
  std::int32_t cxx11_abi;         // libstdc++'s dual ABI: std::string layout differs
  std::int32_t tensor_alignment;  // xtensor's allocator alignment (bytes; 0 = std::allocator)
  char simd_arch[32];             // xsimd's default architecture, "none" without xsimd
};

#if defined(XTENSOR_USE_XSIMD)
#define SEQLAB_DETAIL_SIMD_ARCH xsimd::default_arch::name()
#define SEQLAB_DETAIL_ALIGNMENT static_cast<int>(XTENSOR_DEFAULT_ALIGNMENT)
#else
#define SEQLAB_DETAIL_SIMD_ARCH "none"
#define SEQLAB_DETAIL_ALIGNMENT 0
#endif

#if defined(__clang__)
#define SEQLAB_DETAIL_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define SEQLAB_DETAIL_COMPILER "gcc " __VERSION__
#else
#define SEQLAB_DETAIL_COMPILER "unknown"
#endif

namespace detail {

template <std::size_t N>
constexpr void copy_fact(char (&to)[N], const char* from) {
  for (std::size_t i = 0; i + 1 < N && from[i] != '\0'; ++i) to[i] = from[i];
}

// Evaluated at compile time (the descriptor is constexpr): the facts are bytes in the library's file.
constexpr BuildFacts build_facts(const char* version, const char* compiler, int cxx11_abi, int tensor_alignment,
                                 const char* simd_arch) {
  BuildFacts facts{};
  copy_fact(facts.seqlab_version, version);
  copy_fact(facts.compiler, compiler);
  facts.cxx11_abi = cxx11_abi;
  facts.tensor_alignment = tensor_alignment;
  copy_fact(facts.simd_arch, simd_arch);
  return facts;
}

}  // namespace detail

// The facts of whatever translation unit expands it: the host's in the runner,
// the plugin's in SEQLAB_PLUGIN. A constant, so reading it runs no plugin code.
#define SEQLAB_BUILD_FACTS                                                                          \
  ::seqlab::detail::build_facts(::seqlab::kVersion, SEQLAB_DETAIL_COMPILER, _GLIBCXX_USE_CXX11_ABI, \
                                SEQLAB_DETAIL_ALIGNMENT, SEQLAB_DETAIL_SIMD_ARCH)

inline constexpr std::uint32_t kPluginMagic = 0x53514C42;  // "SQLB"

// The one symbol a plugin exports. Its first two fields never move, so any
// seqlab can read the API version of any plugin; `build` is checked next. The
// loader reads all three from the library's file, before loading it; only then
// is the library loaded and `info` (the plugin's first code) called.
struct PluginDescriptor {
  std::uint32_t magic;
  std::uint32_t api_version;
  BuildFacts build;
  const PluginInfo& (*info)();
};
static_assert(std::is_standard_layout_v<PluginDescriptor> && std::is_trivially_copyable_v<BuildFacts>,
              "the loader copies the descriptor's checked bytes from the file");

inline constexpr const char* kDescriptorSymbol = "seqlab_plugin_descriptor";

namespace detail {

template <class T>
PluginKind kind_of() {
  if constexpr (std::is_base_of_v<Dataset, T>)
    return PluginKind::dataset;
  else if constexpr (std::is_base_of_v<Model, T>)
    return PluginKind::model;
  else if constexpr (std::is_base_of_v<Loss, T>)
    return PluginKind::loss;
  else if constexpr (std::is_base_of_v<Optimizer, T>)
    return PluginKind::optimizer;
  else {
    static_assert(std::is_base_of_v<Scheduler, T>,
                  "a plugin class derives from Dataset, Model, Loss, Optimizer or Scheduler");
    return PluginKind::scheduler;
  }
}

template <class Base, class T>
std::unique_ptr<Base> make(const PluginArgs& args) {
  return std::make_unique<T>(args);
}

// Whether T declares `static Plan plan(const PlanArgs&)` (seqlab/memory.hpp).
template <class T, class Plan, class = void>
struct declares_plan : std::false_type {};
template <class T, class Plan>
struct declares_plan<T, Plan,
                     std::enable_if_t<std::is_same_v<decltype(T::plan(std::declval<const PlanArgs&>())), Plan>>>
    : std::true_type {};

template <class T>
const PluginInfo& info() {
  static const PluginInfo info = [] {
    PluginInfo i{kind_of<T>(), T::meta()};
    if constexpr (std::is_base_of_v<Dataset, T>) i.make_dataset = &make<Dataset, T>;
    if constexpr (std::is_base_of_v<Model, T>) i.make_model = &make<Model, T>;
    if constexpr (std::is_base_of_v<Loss, T>) i.make_loss = &make<Loss, T>;
    if constexpr (std::is_base_of_v<Optimizer, T>) i.make_optimizer = &make<Optimizer, T>;
    if constexpr (std::is_base_of_v<Scheduler, T>) i.make_scheduler = &make<Scheduler, T>;
    if constexpr (declares_plan<T, DataPlan>::value) i.plan_data = &T::plan;
    if constexpr (declares_plan<T, ModelPlan>::value) i.plan_model = &T::plan;
    if constexpr (declares_plan<T, OptimizerPlan>::value) i.plan_optimizer = &T::plan;
    return i;
  }();
  return info;
}

}  // namespace detail
}  // namespace seqlab

// Makes the enclosing .cpp file a plugin providing Class. Use once per file.
// constexpr: the descriptor is constant data in the library's file, never filled in by code at load time.
#define SEQLAB_PLUGIN(Class)                                                                                          \
  extern "C" __attribute__((visibility("default"))) constexpr ::seqlab::PluginDescriptor seqlab_plugin_descriptor = { \
      ::seqlab::kPluginMagic, ::seqlab::kApiVersion, SEQLAB_BUILD_FACTS, &::seqlab::detail::info<Class>};
