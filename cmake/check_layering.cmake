# Checks that framework/src's includes point down its layers (framework/src/layers.cmake):
#   cmake -DSOURCE_DIR=framework/src [-DLAYERS_FILE=F] -P cmake/check_layering.cmake
# Every source file must sit in a layer folder and include the runner's headers by their
# layer path ("config/experiment.hpp"); "seqlab/..." is the public SDK, open to every layer.
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
  file(STRINGS ${SOURCE_DIR}/${source} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[^\"]*\"([^\"]*)\".*$" "\\1" target "${line}")
    if(target MATCHES "^seqlab/")
      continue()
    endif()
    first_folder("${target}" folder)
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
if(violations GREATER 0)
  message(FATAL_ERROR "layering: ${violations} violation(s) in ${checked} files")
endif()
message("layering: ${checked} files, every include points down (${SEQLAB_LAYERS})")
