# seqlab_add_plugin(NAME SOURCE...): builds one plugin as a loadable module with
# the host's flags (via seqlab::sdk) into the plugin folder the runner searches.
function(seqlab_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE seqlab::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${SEQLAB_PLUGIN_OUTPUT_DIR})
  # Remembered so targets that need every plugin built (the tests) can depend on them.
  set_property(GLOBAL APPEND PROPERTY SEQLAB_PLUGIN_TARGETS ${name})
endfunction()
