# Checks that framework/src's includes point down its layers (framework/src/layers.cmake):
#   cmake -DSOURCE_DIR=framework/src [-DLAYERS_FILE=F] [-DTREE_DIR=<repository root>] -P cmake/check_layering.cmake
# Every source file must sit in a layer folder and include the runner's headers by their
# layer path ("config/experiment.hpp" or <config/experiment.hpp>); "seqlab/..." is the public SDK,
# open to every layer; "seqlab/kernels/..." is the kernel library, which only plugins (and tests) use.
# With TREE_DIR it also checks what stands below or beside the runner, which must never reach into it:
#  - the SDK headers (framework/include) and the kernel library (framework/kernels/include) include no
#    runner header, and the SDK includes no kernel header (the kernels are built on the SDK, not under it);
#  - plugins/ includes no runner header: a plugin sees the SDK, the kernels and its own folder only;
#  - no file anywhere in the tree (framework, plugins, tests, tools) includes a path that climbs ("../"):
#    a header is reached through an include directory, so moving a file cannot silently break another.
# Prints one line per violation and fails; prints a one-line summary and succeeds otherwise.
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layering: pass -DSOURCE_DIR=<framework/src>")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
if(NOT LAYERS_FILE)
  set(LAYERS_FILE ${SOURCE_DIR}/layers.cmake)
endif()
include(${LAYERS_FILE})

# rank_<folder> = its layer's position; allowed text per rank for the messages.
set(rank 0)
set(below "")
foreach(layer IN LISTS SEQLAB_LAYERS)
  string(REPLACE "+" ";" folders "${layer}")
  foreach(folder IN LISTS folders)
    set(rank_${folder} ${rank})
    set(allowed_${folder} "${below}${folder}")
  endforeach()
  string(REPLACE "+" ", " layer_text "${layer}")
  string(APPEND below "${layer_text}, ")
  math(EXPR rank "${rank} + 1")
endforeach()

# The first folder of a relative path ("config" for "config/experiment.hpp"), or "" when it has none.
function(first_folder path out)
  string(REGEX MATCH "^[^/]+/" folder "${path}")
  string(REGEX REPLACE "/$" "" folder "${folder}")
  set(${out} "${folder}" PARENT_SCOPE)
endfunction()

# The target of every #include line in `file`, quoted or angled, in order.
function(include_targets file out)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  set(targets "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[^\"<]*[\"<]([^\">]*)[\">].*$" "\\1" target "${line}")
    list(APPEND targets "${target}")
  endforeach()
  set(${out} "${targets}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.cpp ${SOURCE_DIR}/*.hpp ${SOURCE_DIR}/*.h)
list(SORT sources)
set(violations 0)
set(checked 0)
foreach(source IN LISTS sources)
  math(EXPR checked "${checked} + 1")
  first_folder("${source}" own)
  if(own STREQUAL "" OR NOT DEFINED rank_${own})
    message("${SOURCE_DIR}/${source}: error: not in a layer folder (${SEQLAB_LAYERS}); move it into one, "
            "or add its folder to ${LAYERS_FILE}")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  file(STRINGS ${SOURCE_DIR}/${source} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[^\"<]*([\"<])([^\">]*)[\">].*$" "\\1" delimiter "${line}")
    string(REGEX REPLACE "^[^\"<]*[\"<]([^\">]*)[\">].*$" "\\1" target "${line}")
    if(target MATCHES "^seqlab/kernels/")
      message("${SOURCE_DIR}/${source}: error: #include \"${target}\": the runner does not include the kernel "
              "library (plugins opt in to it); use the SDK's seqlab/blas.hpp or move the code into a plugin")
      math(EXPR violations "${violations} + 1")
      continue()
    elseif(target MATCHES "^seqlab/")
      continue()
    endif()
    first_folder("${target}" folder)
    if(delimiter STREQUAL "<" AND (folder STREQUAL "" OR NOT DEFINED rank_${folder}))
      continue()  # a system or third-party header (<vector>, <boost/...>)
    endif()
    if(folder STREQUAL "" OR NOT DEFINED rank_${folder})
      message("${SOURCE_DIR}/${source}: error: #include \"${target}\" does not name a layer; include the runner's "
              "headers by their layer path, e.g. \"config/experiment.hpp\"")
      math(EXPR violations "${violations} + 1")
    elseif(NOT folder STREQUAL own AND NOT rank_${folder} LESS rank_${own})
      message("${SOURCE_DIR}/${source}: error: #include \"${target}\" points up or sideways: ${own}/ may include "
              "only ${allowed_${own}} (framework/src/layers.cmake); move the shared piece down a layer instead")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "layering: no source files under ${SOURCE_DIR}")
endif()

set(summary_extra "")
if(TREE_DIR)
  get_filename_component(TREE_DIR "${TREE_DIR}" ABSOLUTE)
  # Parts that must not reach into the runner: folder, what it is (for the message), what it may include instead.
  set(parts "framework/include" "framework/kernels/include" "plugins")
  set(what_framework/include "the plugin SDK stands alone")
  set(what_framework/kernels/include "the kernel library is built on the SDK only")
  set(what_plugins "a plugin sees only the SDK (seqlab/...), the kernels (seqlab/kernels/...) and its own folder")
  set(outside 0)
  foreach(part IN LISTS parts)
    file(GLOB_RECURSE files RELATIVE ${TREE_DIR} ${TREE_DIR}/${part}/*.cpp ${TREE_DIR}/${part}/*.hpp
         ${TREE_DIR}/${part}/*.h)
    list(SORT files)
    foreach(file IN LISTS files)
      math(EXPR outside "${outside} + 1")
      include_targets(${TREE_DIR}/${file} targets)
      foreach(target IN LISTS targets)
        first_folder("${target}" folder)
        if(NOT folder STREQUAL "" AND DEFINED rank_${folder})
          message("${TREE_DIR}/${file}: error: #include \"${target}\" reaches into the runner (framework/src/"
                  "${folder}/): ${what_${part}}")
          math(EXPR violations "${violations} + 1")
        elseif(part STREQUAL "framework/include" AND target MATCHES "^seqlab/kernels/")
          message("${TREE_DIR}/${file}: error: #include \"${target}\": the SDK may not include the kernel library, "
                  "which is built on top of it; move what both need into the SDK")
          math(EXPR violations "${violations} + 1")
        endif()
      endforeach()
    endforeach()
  endforeach()
  # No climbing includes anywhere.
  set(climbing_checked 0)
  foreach(part IN ITEMS framework plugins tests tools)
    file(GLOB_RECURSE files RELATIVE ${TREE_DIR} ${TREE_DIR}/${part}/*.cpp ${TREE_DIR}/${part}/*.hpp
         ${TREE_DIR}/${part}/*.h ${TREE_DIR}/${part}/*.cc)
    list(SORT files)
    foreach(file IN LISTS files)
      math(EXPR climbing_checked "${climbing_checked} + 1")
      include_targets(${TREE_DIR}/${file} targets)
      foreach(target IN LISTS targets)
        if(target MATCHES "(^|/)\\.\\./")
          message("${TREE_DIR}/${file}: error: #include \"${target}\" climbs out of its folder; add the folder "
                  "that holds it to the target's include directories and include it by that path")
          math(EXPR violations "${violations} + 1")
        endif()
      endforeach()
    endforeach()
  endforeach()
  string(CONCAT summary_extra ", ${outside} SDK, kernel and plugin files include no runner header, "
                "${climbing_checked} files in the tree include no ../ path")
endif()
if(violations GREATER 0)
  message(FATAL_ERROR "layering: ${violations} violation(s)")
endif()
message("layering: ${checked} files, every include points down (${SEQLAB_LAYERS})${summary_extra}")
