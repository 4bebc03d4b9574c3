#!/usr/bin/env bash
# tests/out_of_tree/run_test.sh CMAKE BUILD_DIR SOURCE_DIR PART: plugins built outside the tree, against the installed SDK.
#
#   PART plugins:   installs BUILD_DIR into a temporary prefix, builds this folder's project
#                   (lag_linear + log_cosh) with find_package(seqlab), lists, checks and trains them.
#   PART skeletons: installs likewise, writes one tools/new-plugin skeleton of each kind,
#                   builds them all, runs `seqlab validate` on each generated experiment and
#                   `seqlab check` on each plugin.
#   PART cell:      installs likewise, builds the installed example cell/ (a minimal GRU cell on seqlab::kernels,
#                   docs/plugins/cell.md), lists it, checks it at sizes that take the fast kernel's fused tiles,
#                   its unfused passes and the reference kernel, trains it on sine (the loss must fall) and
#                   compares its outputs and gradients with PyTorch autograd (compare_with_torch.py). Exit 77
#                   (skipped) when only python3-torch is missing, after everything else has passed.
# Run by ctest (tests/CMakeLists.txt) after BUILD_DIR is built.
set -euo pipefail

if (($# != 4)); then
  echo "usage: $0 CMAKE BUILD_DIR SOURCE_DIR plugins|skeletons|cell" >&2
  exit 2
fi
cmake=$1
build=$2
source=$3
part=$4
jobs=$(nproc 2>/dev/null || echo 2)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/seqlab-out-of-tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset SEQLAB_PLUGIN_PATH  # only the folders this test names
umask 022                 # the loader refuses plugin files and folders that others can write

step() { echo "--- $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step "install $build into $tmp/prefix"
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || {
  cat "$tmp/install.log"
  fail "cmake --install"
}
seqlab=$tmp/prefix/bin/seqlab
for f in bin/seqlab bin/seqlab-new-plugin include/seqlab/plugin.hpp lib/cmake/seqlab/seqlabConfig.cmake \
  lib/cmake/seqlab/seqlabConfigVersion.cmake lib/cmake/seqlab/SeqlabPlugin.cmake lib/seqlab/plugins/sine.so \
  lib/seqlab/plugins/gru.so lib/seqlab/plugins/plateau.so include/seqlab/scheduler.hpp include/seqlab/state.hpp \
  bin/torch2seqlab bin/seqlab2torch share/seqlab/examples/out_of_tree/CMakeLists.txt \
  share/seqlab/examples/out_of_tree/lag_linear.cpp share/seqlab/examples/out_of_tree/log_cosh.cpp \
  share/doc/seqlab/README.md share/doc/seqlab/CHANGELOG.md share/doc/seqlab/plugins.md \
  share/doc/seqlab/reference/plugins.md share/doc/seqlab/reference/runner.md; do
  [[ -e $tmp/prefix/$f ]] || fail "the install has no $f"
done

# One version everywhere: what the installed seqlab prints is what its CMake package says it is.
printed=$("$seqlab" --version) || fail "seqlab --version exited with $?"
packaged=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$tmp/prefix/lib/cmake/seqlab/seqlabConfigVersion.cmake")
[[ -n $packaged && $printed == "seqlab $packaged" ]] ||
  fail "seqlab --version prints '$printed', the installed package says version '$packaged'"

# The installed seqlab finds its own plugins (PREFIX/lib/seqlab/plugins) with no flag.
"$seqlab" plugins sine >/dev/null || fail "the installed seqlab does not find its plugins in $tmp/prefix/lib/seqlab/plugins"

# Configure and build one plugin project against the installed prefix only.
build_project() {
  local src=$1 out=$2
  "$cmake" -S "$src" -B "$out" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >"$out.log" 2>&1 &&
    "$cmake" --build "$out" -j"$jobs" >>"$out.log" 2>&1 || {
    cat "$out.log"
    fail "building $src against the installed seqlab"
  }
}

case $part in
  plugins)
    here="$source/tests/out_of_tree"
    step "build $here against the installed seqlab"
    build_project "$here" "$tmp/plugins"
    for so in lag_linear.so log_cosh.so; do [[ -f $tmp/plugins/$so ]] || fail "no $so in the project's build folder"; done

    # The kernel library is installed beside the SDK and exported with it (seqlab::kernels); seqlab/register_gemm.hpp
    # left the SDK for it. A project that links the target compiles every installed kernel header.
    step "a project on the installed kernel library (seqlab::kernels)"
    [[ -e $tmp/prefix/include/seqlab/kernels/version.hpp ]] || fail "the install has no include/seqlab/kernels/version.hpp"
    [[ ! -e $tmp/prefix/include/seqlab/register_gemm.hpp ]] || fail "the SDK still installs seqlab/register_gemm.hpp"
    mkdir "$tmp/kernels_user"
    {
      echo "cmake_minimum_required(VERSION 3.25)"
      echo "project(kernels_user CXX)"
      echo "find_package(seqlab CONFIG REQUIRED)"
      echo "add_library(kernels_user MODULE kernels_user.cpp)"
      echo "target_link_libraries(kernels_user PRIVATE seqlab::kernels)"
    } >"$tmp/kernels_user/CMakeLists.txt"
    {
      for header in "$tmp"/prefix/include/seqlab/kernels/*.hpp; do echo "#include <seqlab/kernels/${header##*/}>"; done
      echo "static_assert(seqlab::kernels::kKernelsVersion >= 1);"
    } >"$tmp/kernels_user/kernels_user.cpp"
    # Debug: a compile check, no optimiser needed.
    "$cmake" -S "$tmp/kernels_user" -B "$tmp/kernels_user/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_BUILD_TYPE=Debug >"$tmp/kernels_user.log" 2>&1 &&
      "$cmake" --build "$tmp/kernels_user/build" >>"$tmp/kernels_user.log" 2>&1 || {
      cat "$tmp/kernels_user.log"
      fail "building a project that links seqlab::kernels against the installed seqlab"
    }

    step "seqlab plugins --plugin-dir $tmp/plugins"
    listing=$("$seqlab" plugins --plugin-dir "$tmp/plugins") || fail "seqlab plugins exited with $?"
    echo "$listing"
    grep -Eq '^model +lag_linear ' <<<"$listing" || fail "lag_linear is not listed as a model"
    grep -Eq '^loss +log_cosh ' <<<"$listing" || fail "log_cosh is not listed as a loss"
    described=$("$seqlab" plugins log_cosh --plugin-dir "$tmp/plugins") || fail "seqlab plugins log_cosh exited with $?"
    grep -q 'scale' <<<"$described" || fail "log_cosh's parameters do not show scale"

    for plugin in lag_linear log_cosh; do
      step "seqlab check $plugin (the conformance suite: finite-difference gradients)"
      "$seqlab" check "$plugin" --plugin-dir "$tmp/plugins" || fail "seqlab check $plugin exited with $?"
    done

    step "seqlab run lag_linear_log_cosh.yaml (3 epochs)"
    "$seqlab" run "$here/lag_linear_log_cosh.yaml" --plugin-dir "$tmp/plugins" --out "$tmp/run" --no-plots \
      training.epochs=3 || fail "seqlab run exited with $?"
    [[ -f $tmp/run/metrics.csv ]] || fail "no metrics.csv in the run folder"
    epochs=$(tail -n +2 "$tmp/run/metrics.csv" | wc -l)
    ((epochs == 3)) || fail "metrics.csv has $epochs epochs, expected 3"
    cat "$tmp/run/metrics.csv"
    ;;
  skeletons)
    new_plugin="$tmp/prefix/bin/seqlab-new-plugin"  # the installed copy: it must work without the source tree
    # It names itself as installed, not as tools/new-plugin. (Its output is captured whole: `| grep -q` would stop
    # reading at the match, and the writer's SIGPIPE would fail the pipeline under pipefail now and then.)
    said=$("$new_plugin" loss named_right "$tmp/named_right") || fail "seqlab-new-plugin loss named_right exited with $?"
    grep -q '^seqlab-new-plugin: wrote loss plugin' <<<"$said" ||
      fail "the installed seqlab-new-plugin does not call itself seqlab-new-plugin: $said"
    kinds=(dataset model loss optimizer scheduler)
    step "tools/new-plugin: one skeleton of each kind"
    mkdir "$tmp/src"
    for kind in "${kinds[@]}"; do
      "$new_plugin" "$kind" "skel_$kind" "$tmp/src/skel_$kind" || fail "tools/new-plugin $kind skel_$kind"
    done
    # Refusals: an existing non-empty folder, a bad kind, a name that is not a C identifier.
    if "$new_plugin" loss skel_loss "$tmp/src/skel_loss" 2>/dev/null; then fail "a non-empty folder was overwritten"; fi
    if "$new_plugin" layer x "$tmp/src/x" 2>/dev/null; then fail "a bad kind was accepted"; fi
    if "$new_plugin" loss 2fast "$tmp/src/y" 2>/dev/null; then fail "a name that is not an identifier was accepted"; fi

    # Each skeleton is its own project; one parent builds them together (one configure, parallel compiles).
    {
      echo "cmake_minimum_required(VERSION 3.25)"
      echo "project(skeletons CXX)"
      for kind in "${kinds[@]}"; do echo "add_subdirectory(skel_$kind)"; done
    } >"$tmp/src/CMakeLists.txt"
    step "build the skeletons against the installed seqlab"
    build_project "$tmp/src" "$tmp/out"

    for kind in "${kinds[@]}"; do
      step "seqlab validate skel_$kind.yaml"
      "$seqlab" validate "$tmp/src/skel_$kind/skel_$kind.yaml" --plugin-dir "$tmp/out/skel_$kind" ||
        fail "seqlab validate on the $kind skeleton exited with $?"
      "$seqlab" check "skel_$kind" --plugin-dir "$tmp/out/skel_$kind" ||
        fail "seqlab check on the $kind skeleton exited with $?"
    done
    ;;
  cell)
    # The installed copy: what a user copies from must build as it is.
    here="$tmp/prefix/share/seqlab/examples/out_of_tree/cell"
    for f in CMakeLists.txt minimal_gru.cpp minimal_gru_sine.yaml compare_with_torch.py; do
      [[ -f $here/$f ]] || fail "the install has no share/seqlab/examples/out_of_tree/cell/$f"
    done
    lines=$(wc -l <"$here/minimal_gru.cpp")
    ((lines < 300)) || fail "minimal_gru.cpp has $lines lines: the issue promises a cell in well under 300"
    step "build $here against the installed seqlab"
    build_project "$here" "$tmp/cell"
    [[ -f $tmp/cell/minimal_gru.so ]] || fail "no minimal_gru.so in the project's build folder"

    step "seqlab plugins --plugin-dir $tmp/cell"
    listing=$("$seqlab" plugins --plugin-dir "$tmp/cell") || fail "seqlab plugins exited with $?"
    grep -Eq '^model +minimal_gru ' <<<"$listing" || fail "minimal_gru is not listed as a model: $listing"

    # Finite-difference gradients (each at the default, num_layers=2 and batch=1) of both implementations:
    # hidden 32 and 16 take the fused tiles where the SIMD is 512-bit (16 needs a two-gate tile of one unit
    # block), 5 the unfused passes, and the reference its own hooks.
    for setting in hidden_size=32 hidden_size=16 hidden_size=5 kernel=reference; do
      step "seqlab check minimal_gru $setting"
      "$seqlab" check minimal_gru "$setting" --plugin-dir "$tmp/cell" || fail "seqlab check minimal_gru $setting exited with $?"
    done

    step "seqlab run minimal_gru_sine.yaml"
    "$seqlab" run "$here/minimal_gru_sine.yaml" --plugin-dir "$tmp/cell" --out "$tmp/run" --no-plots ||
      fail "seqlab run exited with $?"
    cat "$tmp/run/metrics.csv"
    # train_loss (column 2) of the first and the last epoch.
    falls=$(awk -F, 'NR == 2 { first = $2 } END { print ($2 < 0.25 * first) ? "yes" : "no" }' "$tmp/run/metrics.csv")
    [[ $falls == yes ]] || fail "minimal_gru's training loss did not fall below a quarter of its first epoch's"

    step "minimal_gru against PyTorch autograd (compare_with_torch.py)"
    status=0
    /usr/bin/python3 "$here/compare_with_torch.py" "$seqlab" "$tmp/cell" || status=$?
    ((status == 77)) && exit 77
    ((status == 0)) || fail "minimal_gru differs from PyTorch (compare_with_torch.py exited with $status)"
    ;;
  *)
    fail "unknown part '$part' (plugins, skeletons or cell)"
    ;;
esac
echo "ok: $part"
