# seqlab_add_plugin(NAME SOURCE...): builds one plugin as a loadable module (NAME.so)
# with the host's flags (via seqlab::sdk). In seqlab's tree it goes to the plugin
# folder the runner searches (build/plugins); in a project outside the tree (this
# file installed with the SDK, see seqlabConfig.cmake) to SEQLAB_PLUGIN_OUTPUT_DIR
# if the project set it, else to the current binary folder: pass that to --plugin-dir.
# A plugin built on the kernel library links it too: target_link_libraries(NAME PRIVATE seqlab::kernels).
function(seqlab_add_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "seqlab_add_plugin(${name}): give at least one source file")
  endif()
  if(DEFINED SEQLAB_PLUGIN_OUTPUT_DIR)
    set(output_dir ${SEQLAB_PLUGIN_OUTPUT_DIR})
  else()
    set(output_dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE seqlab::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${output_dir})
  # Remembered so targets that need every plugin built (the tests, the install) can use them.
  set_property(GLOBAL APPEND PROPERTY SEQLAB_PLUGIN_TARGETS ${name})
endfunction()
